"""Rules across records that a per-record schema cannot express."""

from __future__ import annotations

from collections.abc import Iterable

from exporter.problems import Problem
from exporter.records import Record


def duplicate_urls(records: Iterable[Record]) -> dict[int, Problem]:
    """webUrl is an article's identity: the first record (in sorted input order)
    keeps it, each later one is a problem naming both places. Keys are the
    positions of the rejected records in `records`."""
    first_seen: dict[str, Record] = {}
    problems: dict[int, Problem] = {}
    for index, record in enumerate(records):
        url = record.data.get("webUrl")
        if not isinstance(url, str):
            continue
        earlier = first_seen.setdefault(url, record)
        if earlier is record:
            continue
        where = earlier.source + (
            f":{earlier.line_of('/webUrl')}" if earlier.line_of("/webUrl") else ""
        )
        problems[index] = Problem(
            path=record.source,
            rule="duplicate-url",
            message=f"webUrl {url} is also used by {where}; each article needs its own webUrl",
            line=record.line_of("/webUrl"),
            pointer="/webUrl",
        )
    return problems
