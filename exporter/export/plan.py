"""Which entries go into which feed, in what order, made of which fragments.

Newest first (some readers stop at the first item they already know), ties
broken by id so the order, and so the bytes, never depend on file-system order.
A feed's plan names its head and every fragment by key; since keys cover
everything that shapes the bytes, two equal plans are two equal files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Generic, Protocol, TypeVar

from exporter.config import FeedConfig, FeedSet, Paging
from exporter.export.fragments import Entry
from exporter.export.sets import group
from exporter.problems import Problem, Severity
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
    of the format's `salt` (entry settings, code) and the article's digest.
    `feed` holds what the head shows: title, self URL, RFC 5005 links."""

    format_name: str
    file_name: str  # relative to --out
    public_url: str
    updated: datetime
    head: str  # key of the head fragment
    entries: tuple[Entry, ...]
    salt: str  # what every fragment key of this feed shares
    key_of: Callable[[str], str]  # article digest -> fragment key
    feed: FeedConfig
    group: str = ""  # the set it belongs to; "" for the main feed
    value: str = ""  # the set's value it holds
    archive: bool = False  # an RFC 5005 archive page
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
HeadKeyOf = Callable[[str, FeedConfig, datetime], str]  # (format, head settings, updated)


@dataclass(frozen=True, slots=True)
class _Document:
    """A feed file before its fragments are named: where, what head, which entries."""

    folder: str  # "" for --out itself, else ending in "/"
    feed: FeedConfig
    entries: tuple[Entry, ...]
    group: str = ""
    value: str = ""


def plan_feeds(
    accepted: Sequence[Entry],
    selection: Selection,
    formats: Sequence[str],
    feed: FeedConfig,
    salt_of: SaltOf,
    key_of: KeyOf,
    head_key_of: HeadKeyOf,
    sets: Sequence[str] | None = None,
) -> Plan:
    """Every feed file of the export, each format in the same order: the main
    feed, its archive pages, then each set's feeds (only the sets named in
    `sets`, when given) and their archive pages. ConfigError when two values of
    a set share a slug."""
    pool = select(accepted, replace(selection, limit=None))
    limit = selection.limit
    selected = tuple(pool.articles[: shown_at_most(limit, None)])
    base = replace(feed, sets=(), archive=None, paging=None)
    documents = _paged(_Document("", base, selected), None, feed.archive)
    for feed_set in feed.sets:
        if sets is not None and feed_set.name not in sets:
            continue
        for found in group(feed_set, pool.articles):
            folder = feed_set.path.replace("{slug}", found.slug)
            title = feed_set.title.format(title=feed.title, key=found.value)
            shown = tuple(found.entries[: shown_at_most(limit, feed_set)])
            document = _Document(
                folder, replace(base, title=title), shown, feed_set.name, found.value
            )
            documents += _paged(document, feed_set.limit, feed_set.archive)
    feeds = tuple(
        _feed_plan(document, name, salt_of, key_of, head_key_of)
        for document in documents
        for name in formats
    )
    left_out = len(accepted) - len(selected)
    return Plan(feeds, pool.problems, len(selected), left_out)


def shown_at_most(limit: int | None, feed_set: FeedSet | None) -> int | None:
    """How many of its newest entries a feed can show: --limit in every feed,
    and a set's own `limit` unless its archive pages keep them all (None: no
    bound). `plan_feeds` cuts by these (a set's archive pages then cut its
    subscription document); an engine that keeps only what can be shown
    (exporter.export.cluster) asks here."""
    own = feed_set.limit if feed_set is not None and feed_set.archive is None else None
    counts = [count for count in (limit, own) if count is not None]
    return min(counts) if counts else None


def _paged(document: _Document, limit: int | None, page: int | None) -> list[_Document]:
    """The subscription document, then its RFC 5005 archive pages, oldest first.

    Pages are cut from the oldest of the document's entries on, so a full page
    never changes when newer entries arrive; only full pages are archived. The
    subscription document keeps the newest `limit` entries (a set's limit; a
    page's worth for the main feed), and never fewer than those no full page
    holds: following its links gives every entry once, however the two overlap."""
    entries = document.entries
    if page is None:
        return [replace(document, entries=entries[:limit] if limit is not None else entries)]
    full = len(entries) // page
    rest = len(entries) - full * page
    keep = max(rest, limit if limit is not None else page)
    oldest_first = entries[::-1]
    pages = [oldest_first[at * page : (at + 1) * page][::-1] for at in range(full)]
    current = document.folder
    subscription = replace(
        document,
        entries=entries[:keep],
        feed=replace(document.feed, paging=_paging(document.feed, current, None, full)),
    )
    archived = [
        replace(
            document,
            folder=f"{current}archive/{number}/",
            entries=page_entries,
            feed=replace(document.feed, paging=_paging(document.feed, current, number, number - 1)),
        )
        for number, page_entries in enumerate(pages, start=1)
    ]
    return [subscription, *archived]


def _paging(feed: FeedConfig, current: str, number: int | None, older: int) -> Paging | None:
    """The links of page `number` (None: the subscription document), whose next
    older page is `older` (0: none). URLs are made per format when rendered:
    here, folders relative to --out (see `_urls`)."""
    if number is None and older == 0:
        return None
    return Paging(
        archive=number is not None,
        older=f"{current}archive/{older}/" if older else None,
        current=current if number is not None else None,
    )


def _feed_plan(
    document: _Document, name: str, salt_of: SaltOf, key_of: KeyOf, head_key_of: HeadKeyOf
) -> FeedPlan:
    """One format of one document, with its URLs made absolute."""
    file_name = document.feed.file_name_for(name)
    head = _urls(document, name, file_name)
    updated = latest([entry.changed_at for entry in document.entries])
    return FeedPlan(
        format_name=name,
        file_name=document.folder + file_name,
        public_url=head.url_for(name),
        updated=updated,
        head=head_key_of(name, head, updated),
        entries=document.entries,
        salt=salt_of(name),
        key_of=partial(key_of, name),
        feed=head,
        group=document.group,
        value=document.value,
        archive=head.paging is not None and head.paging.archive,
    )


def _urls(document: _Document, name: str, file_name: str) -> FeedConfig:
    """The document's settings with absolute URLs: its own self link (the main
    feed keeps the configured one) and its paging links, in format `name`."""
    feed = document.feed
    if not document.folder and feed.paging is None:
        return feed
    base = (feed.base_url or "").rstrip("/") + "/"
    urls = dict(feed.feed_urls)
    if document.folder:
        urls[name] = base + document.folder + file_name
    paging = feed.paging
    if paging is not None:

        def absolute(folder: str | None) -> str | None:
            if folder is None:
                return None
            return feed.url_for(name) if not folder else base + folder + file_name

        paging = Paging(paging.archive, absolute(paging.older), absolute(paging.current))
    return replace(feed, feed_urls=urls, paging=paging)
