"""Which entries go into which feed, in what order, made of which fragments.

Newest first (some readers stop at the first item they already know), ties
broken by id so the order, and so the bytes, never depend on file-system order.
A feed's plan names its head and every fragment by key; since keys cover
everything that shapes the bytes, two equal plans are two equal files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Generic, Protocol, TypeVar

from exporter.config import FeedConfig
from exporter.export.fragments import Entry
from exporter.problems import Problem, Severity
from exporter.render import get_format
from exporter.render.dates import latest


class Selectable(Protocol):
    """What selection reads: an `Article`, or the key of an entry already rendered."""

    @property
    def id(self) -> str: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def published(self) -> bool: ...
    @property
    def source(self) -> str: ...


Item = TypeVar("Item", bound=Selectable)


@dataclass(frozen=True, slots=True)
class Selection:
    """What to keep: all articles unless a filter says otherwise."""

    limit: int | None = None
    published_only: bool = False
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Selected(Generic[Item]):
    articles: list[Item]
    problems: list[Problem]
    dropped: int


def parse_since(value: str) -> datetime:
    """`YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time with an offset.

    A date-time without an offset is refused rather than given an invented zone.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone: add Z or an offset such as +02:00")
    return moment


def newest_first(articles: Sequence[Item]) -> list[Item]:
    """Sorted by publication date, newest first; equal dates by ascending id."""
    by_id = sorted(articles, key=lambda article: article.id)
    return sorted(by_id, key=lambda article: article.published_at, reverse=True)


def passes_filters(article: Selectable, selection: Selection) -> bool:
    """--published-only and --since, which look at one article alone (so workers
    can skip rendering what selection would drop)."""
    if selection.published_only and not article.published:
        return False
    return selection.since is None or article.published_at >= selection.since


def select(articles: Sequence[Item], selection: Selection) -> Selected[Item]:
    """Filter, order, de-duplicate by id (the first, newest, wins) and cut to the limit."""
    kept = [article for article in articles if passes_filters(article, selection)]
    problems: list[Problem] = []
    unique: list[Item] = []
    seen: dict[str, Item] = {}
    for article in newest_first(kept):
        first = seen.get(article.id)
        if first is not None:
            problems.append(
                Problem(
                    path=article.source,
                    rule="export-duplicate-id",
                    message=(
                        f"webUrl {article.id} is also used by {first.source or 'another record'};"
                        " only the newer record is exported"
                    ),
                    pointer="/webUrl",
                    severity=Severity.WARNING,
                )
            )
            continue
        seen[article.id] = article
        unique.append(article)
    if selection.limit is not None:
        unique = unique[: selection.limit]
    return Selected(articles=unique, problems=problems, dropped=len(articles) - len(unique))


@dataclass(slots=True)
class FeedPlan:
    """One feed file: its head (the document without entries, for `updated`)
    and its entries' fragments, in order. An entry's fragment key is a function
    of the format's `salt` (entry settings, code) and the article's digest."""

    format_name: str
    file_name: str
    public_url: str
    updated: datetime
    head: str  # key of the head fragment
    entries: tuple[Entry, ...]
    salt: str  # what every fragment key of this feed shares
    key_of: Callable[[str], str]  # article digest -> fragment key
    _keys: tuple[str, ...] | None = None
    _digest: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """The entries' fragment keys, in order (made when first needed: an
        unchanged export only compares digests)."""
        if self._keys is None:
            self._keys = tuple(self.key_of(entry.digest) for entry in self.entries)
        return self._keys

    @property
    def digest(self) -> str:
        """Equal for equal plans, hence for equal files."""
        if self._digest is None:
            digest = hashlib.sha256(f"{self.head}\0{self.salt}".encode())
            for entry in self.entries:
                digest.update(entry.digest.encode())
            self._digest = digest.hexdigest()
        return self._digest


@dataclass(frozen=True, slots=True)
class Plan:
    feeds: tuple[FeedPlan, ...]
    problems: list[Problem]  # duplicate ids, left out
    exported: int
    left_out: int


SaltOf = Callable[[str], str]  # format -> what its fragment keys share
KeyOf = Callable[[str, str], str]  # (format, article digest) -> fragment key
HeadKeyOf = Callable[[str, datetime], str]  # (format, updated) -> head key


def plan_feeds(
    accepted: Sequence[Entry],
    selection: Selection,
    formats: Sequence[str],
    feed: FeedConfig,
    salt_of: SaltOf,
    key_of: KeyOf,
    head_key_of: HeadKeyOf,
) -> Plan:
    """The same selection, in the same order, for every format."""
    selected = select(accepted, selection)
    entries = tuple(selected.articles)
    updated = latest([entry.published_at for entry in entries])
    feeds = tuple(
        FeedPlan(
            format_name=name,
            file_name=get_format(name).file_name,
            public_url=feed.url_for(name),
            updated=updated,
            head=head_key_of(name, updated),
            entries=entries,
            salt=salt_of(name),
            key_of=partial(key_of, name),
        )
        for name in formats
    )
    return Plan(feeds, selected.problems, len(entries), selected.dropped)
