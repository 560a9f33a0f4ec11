"""`feed-exporter check`: validate RSS, Atom, JSON Feed and OPML files offline, for CI.

Only click wiring lives here: finding the files, building each file's
`CheckContext`, and mapping findings to a report and an exit code. The rules
are in `exporter.check`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import click

from exporter.check.checker import examine_path
from exporter.check.context import CheckContext
from exporter.check.folder import FEED_SUFFIXES, FolderFile, folder_problems
from exporter.cli.options import ByteSize, color_choice, color_option, output_format, verbosity
from exporter.load.sources import STDIN_NAME, walk
from exporter.problems import Problem
from exporter.report import Report, write_report
from exporter.words import counted

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _absolute_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a valid URL: {error}", ctx, param) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not an absolute http(s) URL", ctx, param)
    return value


def feed_files(folder: str) -> Iterator[str]:
    """Feed files under a folder, in the walk order `validate` uses."""
    for name, _entry in walk(folder, FEED_SUFFIXES):
        yield name


def targets(
    paths: tuple[str, ...], base: str | None
) -> Iterator[tuple[str, str | None, str | None]]:
    """(path, URL it is served from, folder it was found in) for every file to
    check; the folder is None for a file named on the command line.

    `--base` is the URL of the single file named, or of the folder named: a
    file inside it is served from the base joined with its relative path.
    """
    for path in paths:
        if path != "-" and Path(path).is_dir():
            folder_base = base if base is None or base.endswith("/") else base + "/"
            for file in feed_files(path):
                relative = Path(file).relative_to(path).as_posix()
                url = urljoin(folder_base, quote(relative)) if folder_base else None
                yield file, url, path
        else:
            yield path, base, None


@click.command()
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    metavar="FILE_OR_FOLDER...",
    type=click.Path(exists=True, allow_dash=True),
)
@output_format
@click.option(
    "--base",
    metavar="URL",
    callback=_absolute_url,
    help="The URL the feed (or folder) is served from, for self-link and relative-URL rules.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option(
    "--max-file-size",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default="50MiB",
    help="Refuse feeds larger than this without parsing them.",
)
@color_option
@verbosity
def check(
    paths: tuple[str, ...],
    output_format: str,
    base: str | None,
    strict: bool,
    max_file_size: int,
    color: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check RSS 2.0/0.9x, Atom 1.0, JSON Feed 1.0/1.1 and OPML files, offline.

    FILE_OR_FOLDER... are feed files, folders (walked for .xml, .atom, .rss,
    .rdf, .json, .jsonfeed, .feed, .opml files) or - for standard input. The format is
    detected from the content (.opml files are always OPML). A folder walk skips
    files that are evidently not feeds (sitemaps, HTML, web app manifests, JSON
    without a JSON Feed version; -v lists them); a file named is always checked.
    In a folder, archive links (RFC 5005) and JSON Feed next_url are also followed
    between the files.
    Exit 0 when no file has an error, 1 otherwise (also on warnings with --strict),
    2 on usage errors, 130 when interrupted (Ctrl-C).

    \b
    Examples:
      feed-exporter check public/feed.atom --base https://example.com/feed.atom
      feed-exporter check public/ --output-format github
      curl -s https://example.com/feed.xml | feed-exporter check - --base https://example.com/feed.xml
    """
    problems: list[Problem] = []
    checked: list[str] = []
    skipped = 0
    folders: dict[str, list[FolderFile]] = {}
    for path, url, folder in targets(paths, base):
        source = STDIN_NAME if path == "-" else path
        context = CheckContext(source=source, base=url, max_bytes=max_file_size)
        walking = folder is not None
        examined = examine_path(path, context, pages=walking, walking=walking)
        if examined.skipped is not None:
            skipped += 1
            if verbose and output_format == "text":
                click.echo(f"{source}: skipped, {examined.skipped}", err=True)
            continue
        checked.append(source)
        problems.extend(examined.problems)
        if folder is not None and examined.page is not None:
            folders.setdefault(folder, []).append(FolderFile(source, url, examined.page))
    if not checked:
        detail = f" ({counted(skipped, 'other file')} skipped)" if skipped else ""
        raise click.UsageError(f"no feed files found in the given folders{detail}")
    for folder, files in folders.items():
        problems.extend(folder_problems(folder, base, files))
    failed_files = len({p.path for p in problems if p.is_error})
    if verbose and output_format == "text":
        with_findings = {p.path for p in problems}
        for source in checked:
            if source not in with_findings:
                click.echo(f"{source}: ok", err=True)
    report = Report(
        command="check",
        problems=problems,
        checked=checked,
        summary="" if quiet else _summary(len(checked), failed_files, problems),
        counts={"files": len(checked), "invalid": failed_files},
    )
    failing = report.errors or (strict and report.warnings)
    report = replace(report, failed=bool(failing))
    write_report(report, output_format, sys.stdout, color_choice(color))
    sys.exit(1 if failing else 0)


def _summary(files: int, failed: int, problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    return (
        f"Checked {counted(files, 'feed')}: {files - failed} valid, {failed} invalid "
        f"({counted(errors, 'error')}, {counted(warnings, 'warning')})."
    )
