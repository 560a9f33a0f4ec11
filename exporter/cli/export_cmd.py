"""`feed-exporter export`: click wiring only; the pipeline lives in exporter.export."""

from __future__ import annotations

import errno
import sys
from dataclasses import replace
from pathlib import Path

import click

from exporter.cli.options import (
    FEED_HINT,
    ByteSize,
    Progress,
    color_choice,
    color_option,
    config_option,
    exclude_option,
    jobs_option,
    jobs_or_default,
    load_bounds,
    project_settings,
    record_paths,
    report_format,
    settings_from,
    verbosity,
)
from exporter.config import FEED_FILE_NAMES, ConfigError, ConfigOverrides, build_config
from exporter.export.pipeline import run_export
from exporter.export.plan import Selection, parse_since
from exporter.export.request import ExportRequest, ExportResult, ExportStatus
from exporter.export.store import (
    DEFAULT_CACHE_DIR,
    DEFAULT_MAX_BYTES,
    ENVIRONMENT_VARIABLE,
    SIZE_VARIABLE,
)
from exporter.export_table import ENGINES, ExportDefaults
from exporter.problems import Problem
from exporter.publish.websub import (
    DEFAULT_TIMEOUT,
    ChangedFeed,
    Ping,
    PingPolicy,
    notify_hubs,
    ping_problems,
)
from exporter.render.dates import empty_feed_date
from exporter.report import Report, write_report
from exporter.timings import dump_if_requested
from exporter.words import counted
from exporter.write.lock import DEFAULT_WAIT, LockBusy, OutputLock

FORMAT_NAMES = (*FEED_FILE_NAMES, "all")


def _formats(chosen: tuple[str, ...]) -> tuple[str, ...]:
    if not chosen or "all" in chosen:
        return tuple(FEED_FILE_NAMES)
    return tuple(dict.fromkeys(chosen))


def _feed_urls(values: tuple[str, ...], formats: tuple[str, ...]) -> dict[str, str]:
    """`FORMAT=URL` pairs; a bare URL is accepted when exactly one format is
    exported. `foo=https://...` names a format (a URL's own `=` comes after its
    `://`): an unknown one is a usage error, not a URL."""
    urls: dict[str, str] = {}
    for value in values:
        name, separator, url = value.partition("=")
        if separator and name in FEED_FILE_NAMES:
            urls[name] = url
        elif separator and "://" not in name:
            raise click.BadParameter(
                f"{value!r}: unknown format {name!r}; use FORMAT=URL with FORMAT one of "
                "rss, atom, json",
                param_hint="--feed-url",
            )
        elif len(formats) == 1 and "://" in value:
            urls[formats[0]] = value
        else:
            raise click.BadParameter(
                f"{value!r}: use FORMAT=URL with FORMAT one of rss, atom, json",
                param_hint="--feed-url",
            )
    return urls


def _fail(message: str, status: ExportStatus = ExportStatus.USAGE) -> None:
    """A one-line error and an exit code: 2 for problems the user fixes in
    feed.toml or flags, 1 when the output folder is busy."""
    click.echo(f"feed-exporter export: error: {message}", err=True)
    sys.exit(int(status))


# The folder cannot take a new file: the export's write step fails the same way
# and names the feed, so there is nothing to lock.
_CANNOT_CREATE = frozenset(
    {errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
)


def _lock(out_dir: Path, wait: float) -> OutputLock | None:
    """Hold the output folder's lock so a concurrent export never interleaves."""
    lock = OutputLock(out_dir, wait)
    try:
        lock.acquire()
    except LockBusy as busy:
        _fail(str(busy), ExportStatus.WRITE_FAILED)
    except OSError as error:
        if error.errno in _CANNOT_CREATE:
            return None
        _fail(f"cannot lock {lock.path}: {error.strerror or error}", ExportStatus.WRITE_FAILED)
    return lock


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
    help="Feed format to write (repeatable; default: all).",
)  # fmt: skip
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder for rss.xml, atom.xml, feed.json (default: out of [export], else output/).",
)  # fmt: skip
@click.option(
    "--output", "output", metavar="-",
    help="'-' writes the one chosen format to standard output (-o is the report format).",
)  # fmt: skip
@config_option
@click.option("--title", help="Feed title.")
@click.option("--description", help="Feed description.")
@click.option("--site-url", help="The site the feed belongs to.")
@click.option("--base-url", help="Public folder URL the feed files are served from.")
@click.option(
    "--feed-url", "feed_urls", multiple=True, metavar="FORMAT=URL",
    help="Public URL of one feed file (its self link); repeatable.",
)  # fmt: skip
@click.option("--language", help="Feed language tag, e.g. en or en-us.")
@click.option("--author", "author_name", help="Feed author name (for records without one).")
@click.option("--limit", type=click.IntRange(min=0), help="Export at most N newest articles.")
@click.option(
    "--published-only/--include-unpublished", "published_only", default=None,
    help="Leave out records with published: false (default: published_only of [export]).",
)  # fmt: skip
@click.option(
    "--set", "set_names", multiple=True, metavar="NAME",
    help="Write only this feed set of feed.toml ([sets.NAME]); repeatable.",
)  # fmt: skip
@click.option("--since", help="Only articles published at or after DATE (YYYY-MM-DD or RFC 3339).")
@click.option("--strict", is_flag=True, help="Any rejected record is fatal: exit 1, write nothing.")
@click.option(
    "--previous", type=click.Path(exists=True, path_type=Path), metavar="PATH",
    help="The published feeds (a feed file or a folder) the id guard compares with "
    "(default: the feeds in --out).",
)  # fmt: skip
@click.option(
    "--allow-id-change", is_flag=True,
    help="Publish an entry under a new id on purpose (id-changed becomes a warning).",
)  # fmt: skip
@click.option(
    "--wait", type=click.FloatRange(min=0), default=DEFAULT_WAIT, show_default=True,
    metavar="SECONDS",
    help="Wait this long for another export writing to the same --out folder (0: fail at once).",
)  # fmt: skip
@report_format(
    file_hint=FEED_HINT,
    help_text="Report format for problems and the summary (on stderr): text, json, github or "
    "junit. Not a feed file: feeds go to --out DIR, or to standard output with --output -.",
)
@load_bounds
@exclude_option
@jobs_option
@click.option(
    "--engine", type=click.Choice(ENGINES), default=None,
    help="Where records are checked and rendered: this machine's processes (local, the "
    "default) or a Dask cluster (dask; pip install 'feed-exporter[dask]').",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --engine dask; without it, "
    "--engine dask starts a local cluster of --jobs workers).",
)  # fmt: skip
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar=ENVIRONMENT_VARIABLE,
    show_envvar=True,
    help="Where checked files, verified entries and the last export are remembered, so a "
    "re-export costs only what changed (default: .feed-exporter-cache).",
)
@click.option(
    "--cache-max-size", type=ByteSize(), default=DEFAULT_MAX_BYTES, envvar=SIZE_VARIABLE,
    show_envvar=True, show_default="1GiB", metavar="SIZE",
    help="Past this size the cache forgets what no export used recently.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Check and render everything afresh.")
@click.option(
    "--ping", is_flag=True,
    help="After writing, send each hub in feed.hubs a WebSub publish notification for every "
    "feed whose bytes changed.",
)  # fmt: skip
@click.option(
    "--ping-timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
    show_default=True, metavar="SECONDS",
    help="Wait this long for a hub to accept a connection, and for each read of its answer.",
)  # fmt: skip
@color_option
@verbosity
def export(
    paths: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    output: str | None,
    config_path: Path | None,
    title: str | None,
    description: str | None,
    site_url: str | None,
    base_url: str | None,
    feed_urls: tuple[str, ...],
    language: str | None,
    author_name: str | None,
    limit: int | None,
    published_only: bool | None,
    set_names: tuple[str, ...],
    since: str | None,
    strict: bool,
    previous: Path | None,
    allow_id_change: bool,
    wait: float,
    output_format: str,
    max_file_size: int,
    max_depth: int,
    exclude: tuple[str, ...],
    jobs: int | None,
    engine: str | None,
    scheduler: str | None,
    cache_dir: Path | None,
    cache_max_size: int,
    no_cache: bool,
    ping: bool,
    ping_timeout: float,
    color: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Export valid records as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

    Default input: `inputs` of [export] in feed.toml, else seeds/.

    Feed metadata and [export] defaults come from feed.toml (here or in a
    folder above, up to the repository root; or --config), overridable by flags.
    Every feed is checked before anything is written; files are replaced
    atomically. Problems and the summary go to standard error.

    \b
    Before writing, each feed is compared with the published one (--out, or
    --previous): an entry that is evidently the same article under a new id is
    an error (id-changed) unless --allow-id-change.

    \b
    Where things go: feeds to --out DIR (default: out of [export], else
    output/) or, for one format, to standard output with --output -; the report
    to standard error, in the format -o/--output-format names (text, json,
    github, junit).

    \b
    Exit codes: 0 ok; 1 a record was rejected under --strict, an entry would
    change its id (id-changed), or the feeds could not be written (disk full,
    permission denied, another export busy with --out; previous feeds
    untouched); 2 usage or configuration error; 3 our own output failed
    verification (a bug; nothing written); 4 (--ping) feeds written, but a hub
    could not be notified; 130 interrupted (Ctrl-C): nothing written unless the
    feeds were already in place, as the last line says.

    \b
    Examples:
      feed-exporter export
      feed-exporter export records/ --format atom --limit 50 --published-only
      feed-exporter export --format json --output - > feed.json
    """
    found, defaults = project_settings(config_path, "export")
    chosen = _formats(formats or defaults.formats)
    out_dir = out_dir or defaults.out or Path("output")
    limit = limit if limit is not None else defaults.limit
    published_only = defaults.published_only if published_only is None else published_only
    if output is not None and output != "-":
        raise click.BadParameter("only '-' (standard output) is supported", param_hint="--output")
    if output == "-" and len(chosen) != 1:
        raise click.UsageError("--output - writes one feed: choose it with --format rss|atom|json")
    engine, scheduler = _engine(engine, scheduler, defaults)
    if ping and output == "-":
        raise click.UsageError("--ping notifies hubs of written files: not with --output -")
    try:
        since_moment = parse_since(since) if since is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None
    if since is None and defaults.since is not None:
        try:
            since_moment = parse_since(defaults.since)
        except ValueError as error:
            _fail(f"{found.name}: export.since {error}")
    overrides = ConfigOverrides(
        title=title,
        description=description,
        site_url=site_url,
        base_url=base_url,
        feed_urls=_feed_urls(feed_urls, chosen),
        language=language,
        author_name=author_name,
    )
    try:
        feed = build_config(found.tables, overrides, chosen, found.name, found.hint)
    except ConfigError as error:
        _fail(str(error))
        return
    if ping and not feed.hubs:
        raise click.UsageError(
            '--ping needs hubs to notify: add hubs = ["https://..."] to [feed] in feed.toml'
        )
    known = {feed_set.name for feed_set in feed.sets}
    for name in set_names:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none are configured"
            raise click.BadParameter(f"no feed set {name!r} ({listed})", param_hint="--set")

    request = ExportRequest(
        formats=chosen,
        out_dir=out_dir,
        selection=Selection(limit=limit, published_only=published_only, since=since_moment),
        strict=strict,
        stdout=sys.stdout.buffer if output == "-" else None,
        settings=settings_from(max_file_size, max_depth),
        jobs=jobs_or_default(jobs),
        cache_dir=None if no_cache else cache_dir or DEFAULT_CACHE_DIR,
        cache_max_bytes=cache_max_size,
        sets=set_names or None,
        previous=previous,
        allow_id_change=allow_id_change,
        exclude=(*defaults.exclude, *exclude),
        engine=engine,
        scheduler=scheduler,
    )
    inputs = record_paths(paths, found, defaults)
    created = _missing_folders(out_dir) if request.stdout is None else []
    lock = _lock(out_dir, wait) if request.stdout is None else None
    progress = Progress(enabled=not quiet and request.stdout is None, label="Exporting")
    try:
        result = run_export(inputs, replace(request, progress=progress), feed)
    except KeyboardInterrupt:
        progress.close(finished=False)
        raise
    finally:
        progress.close()
        if lock is not None:
            lock.release()
    if not any(written.path is not None and not written.kept for written in result.outputs):
        _remove_empty(created)
    pings = _ping(result, feed.hubs, ping_timeout) if ping else None
    if verbose:
        if result.reused:
            click.echo("the feeds on disk are current: nothing to write", err=True)
        for written in result.outputs:
            if written.path is not None:
                click.echo(f"{'kept' if written.kept else 'wrote'} {written.path}", err=True)
        for each in pings or ():
            if each.error is None:
                click.echo(f"notified {each.hub} of {each.feed.url}", err=True)
    report = _report(result, quiet, pings)
    write_report(report, output_format, sys.stderr, color_choice(color))
    dump_if_requested()
    sys.exit(int(result.status))


def _missing_folders(out_dir: Path) -> list[Path]:
    """The folders of `out_dir` that do not exist yet, deepest first."""
    missing: list[Path] = []
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() or folder == folder.parent:
            break
        missing.append(folder)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """An export that wrote nothing leaves no trace: the folders it made for the
    lock are removed again, when nothing else has appeared in them."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _ping(result: ExportResult, hubs: tuple[str, ...], timeout: float) -> list[Ping]:
    """After the write, never before: each hub hears of each feed whose bytes
    changed; a failure is exit 4 and leaves the written feeds as they are."""
    if result.status is not ExportStatus.OK:
        return []
    changed = [ChangedFeed(str(output.path), output.public_url) for output in result.changed]
    pings = notify_hubs(hubs, changed, PingPolicy(timeout, timeout))
    if any(each.error is not None for each in pings):
        result.status = ExportStatus.PING_FAILED
    return pings


def _report(result: ExportResult, quiet: bool, pings: list[Ping] | None) -> Report:
    """Record problems, findings on our own feeds, failed hub notifications (with
    --ping) and the summary, for stderr."""
    failed: list[Problem] = ping_problems(pings or [])
    problems = result.cache_problems + result.record_problems + result.feed_problems + failed
    if quiet:
        problems = [problem for problem in problems if problem.is_error]
    summary = (
        f"{counted(result.exported, 'article')} exported to "
        f"{counted(len(result.outputs), 'feed')}, "
        f"{counted(result.skipped, 'record')} skipped (invalid or unreadable), "
        f"{result.left_out} left out by selection"
    )
    if pings:
        sent = len(pings) - len(failed)
        summary += f"; {sent} of {counted(len(pings), 'hub notification')} sent"
    elif pings is not None:
        summary += "; no feed changed, no hub notified"
    if result.exported == 0 and result.records > result.skipped:
        # Decision (issue 13): an empty selection still writes valid, empty
        # feeds, as Hugo and jekyll-feed do, so the URLs a site links to never
        # 404; the summary says so, and which date an empty feed carries.
        dated = empty_feed_date().strftime("%Y-%m-%dT%H:%M:%SZ")
        summary += (
            f"; nothing selected: the feeds are written empty, dated {dated} "
            "(SOURCE_DATE_EPOCH sets it)"
        )
    if result.status not in (ExportStatus.OK, ExportStatus.PING_FAILED):
        summary = f"nothing written: {result.reason}"
    elif quiet:
        summary = ""
    counts = {
        "records": result.records,
        "exported": result.exported,
        "skipped": result.skipped,
        "invalid": result.invalid,
        "unreadable": result.unreadable,
        "left_out": result.left_out,
    }
    if pings is not None:
        counts |= {"hub_notifications": len(pings), "hub_notifications_failed": len(failed)}
    return Report(
        command="export",
        problems=problems,
        checked=result.files,
        summary=summary,
        counts=counts,
        failed=result.status is not ExportStatus.OK,
    )


def _engine(
    engine: str | None, scheduler: str | None, defaults: ExportDefaults
) -> tuple[str, str | None]:
    """The engine and scheduler: flags, then [export], then local; a scheduler
    means the Dask engine unless --engine local says otherwise (a usage error)."""
    if engine == "local" and scheduler is not None:
        raise click.UsageError("--scheduler is for --engine dask")
    scheduler = scheduler or (defaults.scheduler if engine != "local" else None)
    chosen = engine or ("dask" if scheduler is not None else defaults.engine or "local")
    return chosen, scheduler if chosen == "dask" else None
