"""When two entries with different ids are evidently one article.

Readers never guess that two ids are one article (FreshRSS #5151): they show it
again as new. So `export` refuses a changed id and `diff` reports it, and both
decide "evidently the same" here, one way: the same `originalUrl` (the old
entry's via link / external_url, or its very id, equals the new originalUrl),
or the same title and the same published time. Permalink changes and site
migrations (11ty/eleventy-plugin-rss #67, jekyll #3725) keep exactly these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Evidence(StrEnum):
    ORIGINAL_URL = "the same originalUrl"
    TITLE_AND_TIME = "the same title and published time"


@dataclass(frozen=True, slots=True)
class Identity:
    """What the matching reads of an entry, old or new."""

    id: str
    title: str | None
    published: datetime | None
    original_url: str | None


@dataclass(frozen=True, slots=True)
class Move:
    """`old[old]` is `new[new]` under another id, as `evidence` shows."""

    old: int
    new: int
    evidence: Evidence


def moved(old: Sequence[Identity], new: Sequence[Identity]) -> list[Move]:
    """Pairs of an entry gone (`old`) and an entry arrived (`new`) that are one
    article; each entry in one pair at most. The originalUrl pass runs first, so
    it wins over a title that happens to repeat; within a pass, the first
    candidate in `new`'s order is taken, so the result is deterministic."""
    taken: set[int] = set()
    moves: list[Move] = []
    by_origin: dict[str, list[int]] = {}
    for index, entry in enumerate(new):
        if entry.original_url:
            by_origin.setdefault(entry.original_url, []).append(index)
    left: list[int] = []
    for index, entry in enumerate(old):
        keys = [key for key in (entry.original_url, entry.id) if key]
        found = next((n for key in keys for n in by_origin.get(key, ()) if n not in taken), None)
        if found is None:
            left.append(index)
            continue
        taken.add(found)
        moves.append(Move(index, found, Evidence.ORIGINAL_URL))
    by_title: dict[tuple[str, datetime], list[int]] = {}
    for index, entry in enumerate(new):
        key = _title_and_time(entry)
        if key is not None and index not in taken:
            by_title.setdefault(key, []).append(index)
    for index in left:
        key = _title_and_time(old[index])
        candidates = [n for n in by_title.get(key, ()) if n not in taken] if key else []
        if candidates:
            taken.add(candidates[0])
            moves.append(Move(index, candidates[0], Evidence.TITLE_AND_TIME))
    return sorted(moves, key=lambda move: move.old)


def same_moment(first: datetime | None, second: datetime | None) -> bool:
    """Equal in whole seconds (RFC 822 has no fractions, so no feed does)."""
    if first is None or second is None:
        return first is second
    return _seconds(first) == _seconds(second)


def _title_and_time(entry: Identity) -> tuple[str, datetime] | None:
    if not entry.title or entry.published is None:
        return None
    return " ".join(entry.title.split()), _seconds(entry.published)


def _seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)
