"""`feed-exporter diff OLD NEW`: what a release changes in its feeds, for review
and CI. Click wiring only; the comparison is `exporter.diff`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from exporter.cli.options import color_choice, color_option, report_format
from exporter.diff import KINDS, FeedsDiff, Kind, diff_paths
from exporter.report import Report, write_report
from exporter.words import counted

# diff reports changes, not checks: JUnit's test cases have nothing to hold.
DIFF_OUTPUT_FORMATS = ("text", "json", "github")


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[Kind]:
    """`--fail-on id-changed,removed`: comma-separated kinds, all of them by default."""
    if value is None:
        return frozenset(Kind)
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or repr(value)}: use a comma-separated list of "
            f"{', '.join(KINDS)}",
            ctx,
            param,
        )
    return frozenset(Kind(name) for name in names)


@click.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@report_format(
    DIFF_OUTPUT_FORMATS,
    help_text="text for people, json for tools, github for Actions annotations.",
)
@click.option(
    "--fail-on", "fail_on", metavar="KINDS", callback=_kinds,
    help=f"Exit 1 only for these kinds of change (comma-separated: {', '.join(KINDS)}; "
    "default: any).",
)  # fmt: skip
@color_option
@click.option("-q", "--quiet", is_flag=True, help="Only the changes: no summary.")
def diff(
    old: Path, new: Path, output_format: str, fail_on: frozenset[Kind], color: str, quiet: bool
) -> None:
    """List the entries added, removed, changed and id-changed between two
    published states, feed by feed.

    OLD and NEW are feed files (RSS 2.0, Atom 1.0, JSON Feed 1.0/1.1; two files
    are compared whatever their names) or folders of feeds (files paired by
    their path inside each folder; RFC 5005 archive pages count with their
    feed). An id change is found as export's id guard finds it: the same
    originalUrl, or the same title and published time.

    \b
    Exit codes: 0 no differences; 1 differences (of the --fail-on kinds), or a
    feed that cannot be read; 2 usage error; 130 interrupted (Ctrl-C).

    \b
    Examples:
      feed-exporter diff public/ output/
      feed-exporter diff old/atom.xml output/atom.xml -o json
      feed-exporter diff public/ output/ --fail-on id-changed,removed -o github
    """
    if old.is_dir() != new.is_dir():
        raise click.UsageError("OLD and NEW must both be feed files or both be folders")
    found = diff_paths(old, new)
    failing = bool(found.problems) or any(change.kind in fail_on for change in found.changes)
    report = replace(_report(found, quiet), failed=failing)
    write_report(report, output_format, sys.stdout, color_choice(color))
    sys.exit(1 if failing else 0)


def _report(found: FeedsDiff, quiet: bool) -> Report:
    counts = {kind.value: found.count(kind) for kind in Kind}
    summary = (
        f"Compared {counted(len(found.feeds), 'feed')}: "
        + ", ".join(f"{count} {kind}" for kind, count in counts.items())
        + (f"; {counted(len(found.problems), 'file')} could not be read" if found.problems else "")
    )
    return Report(
        command="diff",
        problems=found.problems + [change.problem() for change in found.changes],
        checked=found.feeds,
        summary="" if quiet else summary,
        counts={"feeds": len(found.feeds), **counts, "unreadable": len(found.problems)},
        details={"changes": [change.as_dict() for change in found.changes]},
    )
