"""The id guard: compare what an export is about to publish with what is published.

Changing an entry's id is the worst thing a feed can do to its subscribers:
every reader shows the article again as new, and none guesses that the two ids
are one article (FreshRSS #5151). It happens on permalink changes and site
migrations (11ty/eleventy-plugin-rss #67, jekyll #3725), so before anything is
written each planned feed (with its RFC 5005 archive pages: an entry moving to
a page is still published) is compared with the same feed as published:

- `id-changed` (an error, a warning with --allow-id-change): an entry gone and
  an entry arrived are evidently one article (`exporter.moved`); named once per
  record, on the record's file and line;
- `entry-removed` (warning): an entry gone that would still fit under the
  feed's limit (one pushed out by newer entries is not removed, only older);
- `date-changed` (warning): an entry whose published time moved.

Nothing published (an empty --out) has nothing to compare with, and passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import orjson

from exporter.collect import record_line
from exporter.config import FEED_FILE_NAMES, FeedConfig, FeedSet
from exporter.export.fragments import Entry
from exporter.export.plan import FeedPlan
from exporter.export.request import ExportRequest
from exporter.load.settings import LoadSettings
from exporter.markup import plain_text, title_as_written
from exporter.moved import Identity, moved, same_moment
from exporter.problems import Problem, Severity
from exporter.published import (
    Published,
    PublishedEntry,
    PublishedFeed,
    chain_of,
    read_published,
)
from exporter.render.dates import utc_seconds
from exporter.render.pieces import SEPARATORS
from exporter.words import counted
from exporter.write.sink import signature

ID_CHANGED = "id-changed"
ENTRY_REMOVED = "entry-removed"
DATE_CHANGED = "date-changed"


@dataclass(slots=True)
class _Chain:
    """One feed and its archive pages, in one format: entries old and new."""

    name: str
    limit: int | None
    new: list[Entry] = field(default_factory=list)
    old: list[tuple[PublishedFeed, PublishedEntry]] = field(default_factory=list)


def guard_export(
    feeds: Sequence[FeedPlan],
    kept: AbstractSet[str],
    request: ExportRequest,
    feed: FeedConfig,
    remembered: Mapping[str, bytes],
) -> list[Problem]:
    """The guard's findings for an export, against --previous or else the feeds in
    --out. A feed this export wrote last time, unchanged since and planned alike
    again (`kept`: file names, with its archive pages) cannot have changed an
    id: it is not read at all, so an unchanged re-export stays cheap. A feed in
    --out that is still the very file an export wrote is taken from what that
    export `remembered` it published (see `summary`) instead of parsed again."""
    source = request.previous or (request.out_dir if request.stdout is None else None)
    if source is None:
        return []
    if request.previous is None:
        changed = planned_chains([f for f in feeds if f.file_name not in kept])
        feeds = [f for f in feeds if chain_of(f.file_name) in changed]
    if not feeds:
        return []
    chains = planned_chains(feeds)
    known = _remembered(source, remembered) if request.previous is None else None
    main_names = {name: feed.file_name_for(name) for name in FEED_FILE_NAMES}
    published = read_published(
        source, lambda name: chain_of(name) in chains, known=known, main_names=main_names
    )
    limit_of = limits(request.selection.limit, feed.sets)
    unreadable = [replace(p, severity=Severity.WARNING) for p in published.problems]
    return unreadable + guard_ids(
        feeds, published, limit_of, request.allow_id_change, request.settings
    )


def summaries(
    written: Sequence[tuple[FeedPlan, int, Sequence[int], object]],
) -> dict[str, bytes]:
    """What each written feed published, as the guard reads it back, by file name:
    each entry's id, title, publication time, original URL and first line
    (`first_line` for the first; each entry's own newlines and the separator's
    after it), and the file's `signature` then, so a file changed since is
    parsed instead. The formats of one document share their entries: each
    entry is described once."""
    described: dict[int, list[tuple[str, str, str, str | None]]] = {}
    found: dict[str, bytes] = {}
    for feed_plan, first_line, lines, signature_then in written:
        common = described.get(id(feed_plan.entries))
        if common is None:
            common = described[id(feed_plan.entries)] = [_described(e) for e in feed_plan.entries]
        gap = SEPARATORS[feed_plan.format_name].count(b"\n")
        rows: list[tuple[str, str, str, str | None, int]] = []
        line = first_line
        name = feed_plan.format_name
        for (entry_id, title, published, via), newlines in zip(common, lines, strict=False):
            rows.append((entry_id, title_as_written(name, title), published, via, line))
            line += newlines + gap
        found[feed_plan.file_name] = orjson.dumps(
            {"signature": signature_then, "format": feed_plan.format_name, "entries": rows}
        )
    return found


def _described(entry: Entry) -> tuple[str, str, str, str | None]:
    """As the feeds carry it: the title without XML-illegal characters, a via
    link only when the original URL differs from the id."""
    via = entry.original_url if entry.original_url != entry.id else None
    return entry.id, plain_text(entry.title), entry.published_at.isoformat(), via


def _remembered(
    folder: Path, remembered: Mapping[str, bytes]
) -> Callable[[str], PublishedFeed | None]:
    """What the feeds in `folder` published, from memory, for each file that is
    still the very file written (else None: the file is parsed)."""
    moments: dict[str, datetime] = {}  # the formats of a document share their dates

    def moment(text: str) -> datetime:
        found = moments.get(text)
        if found is None:
            found = moments[text] = datetime.fromisoformat(text)
        return found

    def known(name: str) -> PublishedFeed | None:
        data = remembered.get(name)
        if data is None:
            return None
        try:
            stored = orjson.loads(data)
            if stored["signature"] != signature(folder / name):
                return None
            entries = tuple(
                [
                    # positional: id, title, link, original_url, published, updated,
                    # summary, content_hash, categories, line
                    PublishedEntry(
                        entry_id,
                        title,
                        entry_id,
                        original,
                        moment(published),
                        None,
                        None,
                        None,
                        (),
                        line,
                    )
                    for entry_id, title, published, original, line in stored["entries"]
                ]
            )
            return PublishedFeed(str(folder / name), name, stored["format"], entries)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    return known


def planned_chains(feeds: Sequence[FeedPlan]) -> set[str]:
    """The names of the feeds (subscription documents) a plan writes."""
    return {chain_of(feed_plan.file_name) for feed_plan in feeds}


def guard_ids(
    feeds: Sequence[FeedPlan],
    published: Published,
    limit_of: Callable[[FeedPlan], int | None],
    allow_id_change: bool,
    settings: LoadSettings,
) -> list[Problem]:
    """Every id-changed, entry-removed and date-changed finding, in a stable order."""
    chains = _chains(feeds, published, limit_of)
    moves: dict[str, tuple[Entry, str, list[PublishedFeed]]] = {}
    problems: list[Problem] = []
    dated: set[str] = set()
    for chain in chains:
        new_ids = {entry.id for entry in chain.new}
        old_ids = {entry.id for _, entry in chain.old}
        gone = [(feed, entry) for feed, entry in chain.old if entry.id not in new_ids]
        arrived = [entry for entry in chain.new if entry.id not in old_ids]
        for move in moved([_old(e) for _, e in gone], [_new(e) for e in arrived]):
            old_feed, old_entry = gone[move.old]
            found = moves.setdefault(old_entry.id, (arrived[move.new], move.evidence, []))
            found[2].append(old_feed)
        by_id = {entry.id: entry for entry in chain.new}
        for feed, entry in chain.old:
            now = by_id.get(entry.id)
            if now is None or entry.id in dated or entry.published is None:
                continue
            # equal datetimes are one moment: the common case, without the rounding
            if entry.published != now.published_at and not same_moment(
                entry.published, now.published_at
            ):
                dated.add(entry.id)
                problems.append(_date_changed(now, entry, feed, settings))
    for old_id, (record, evidence, where) in sorted(moves.items()):
        problems.append(_id_changed(old_id, record, evidence, where, allow_id_change, settings))
    problems += _removed(chains, set(moves))
    return problems


def limits(
    selection_limit: int | None, sets: Sequence[FeedSet]
) -> Callable[[FeedPlan], int | None]:
    """How many entries each feed (with its archive pages) holds at most: --limit,
    and a set's own `limit` when the set keeps no archive."""
    by_name = {feed_set.name: feed_set for feed_set in sets}

    def limit_of(feed_plan: FeedPlan) -> int | None:
        feed_set = by_name.get(feed_plan.group)
        own = feed_set.limit if feed_set is not None and feed_set.archive is None else None
        bounds = [bound for bound in (selection_limit, own) if bound is not None]
        return min(bounds) if bounds else None

    return limit_of


def _chains(
    feeds: Sequence[FeedPlan], published: Published, limit_of: Callable[[FeedPlan], int | None]
) -> list[_Chain]:
    chains: dict[str, _Chain] = {}
    for feed_plan in feeds:
        name = chain_of(feed_plan.file_name)
        chain = chains.setdefault(name, _Chain(name, limit_of(feed_plan)))
        chain.new += feed_plan.entries
    for feed in published.feeds.values():
        paired = chains.get(chain_of(feed.name))
        if paired is not None:
            paired.old += [(feed, entry) for entry in feed.entries]
    return [chains[name] for name in sorted(chains) if chains[name].old]


def _old(entry: PublishedEntry) -> Identity:
    return Identity(entry.id, entry.title, entry.published, entry.original_url)


def _new(entry: Entry) -> Identity:
    return Identity(entry.id, entry.title, entry.published_at, entry.original_url)


def _line(entry: Entry, pointer: str, settings: LoadSettings) -> int | None:
    if pointer == "/webUrl" and entry.line is not None:
        return entry.line
    return record_line(entry.source, entry.id, pointer, settings) or entry.line


def _feeds(where: Sequence[PublishedFeed]) -> str:
    first = where[0].path
    return first if len(where) == 1 else f"{first} and {counted(len(where) - 1, 'other feed')}"


def _id_changed(
    old_id: str,
    entry: Entry,
    evidence: str,
    where: Sequence[PublishedFeed],
    allowed: bool,
    settings: LoadSettings,
) -> Problem:
    if allowed:
        verdict = "accepted with --allow-id-change: readers will show it again as new"
    else:
        verdict = (
            "every reader would show it again as new: keep the old webUrl, or pass "
            "--allow-id-change to change it on purpose"
        )
    return Problem(
        path=entry.source,
        rule=ID_CHANGED,
        message=(
            f"id changed from {old_id} to {entry.id} ({evidence} as the entry published in "
            f"{_feeds(where)}); {verdict}"
        ),
        line=_line(entry, "/webUrl", settings),
        pointer="/webUrl",
        severity=Severity.WARNING if allowed else Severity.ERROR,
    )


def _date_changed(
    entry: Entry, old: PublishedEntry, feed: PublishedFeed, settings: LoadSettings
) -> Problem:
    before = old.published.isoformat() if old.published is not None else "?"
    return Problem(
        path=entry.source,
        rule=DATE_CHANGED,
        message=(
            f"{entry.id} was published in {feed.path} at {before}; it would now say "
            f"{utc_seconds(entry.published_at).isoformat()}: readers may show it again "
            "or sort it elsewhere"
        ),
        line=_line(entry, "/publishedDateTime", settings),
        pointer="/publishedDateTime",
        severity=Severity.WARNING,
    )


def _removed(chains: Sequence[_Chain], moved_ids: set[str]) -> list[Problem]:
    """Entries gone from a feed although they would still fit under its limit:
    fewer than `limit` entries of the new feed come before them, newest first."""
    found: dict[str, tuple[PublishedFeed, PublishedEntry, int]] = {}
    for chain in chains:
        new_ids = {entry.id for entry in chain.new}
        for feed, entry in chain.old:
            if entry.id in new_ids or entry.id in moved_ids or not _fits(entry, chain):
                continue
            first = found.setdefault(entry.id, (feed, entry, 0))
            found[entry.id] = (first[0], first[1], first[2] + 1)
    problems: list[Problem] = []
    for entry_id, (feed, entry, count) in sorted(found.items()):
        others = f" (and {counted(count - 1, 'other feed')})" if count > 1 else ""
        problems.append(
            Problem(
                path=feed.path,
                rule=ENTRY_REMOVED,
                message=(
                    f"{entry_id} is no longer in this feed{others}, though it would still fit "
                    "under its limit: its record was deleted, filtered out or failed the "
                    "contract; subscribers keep the copy they have"
                ),
                line=entry.line,
                severity=Severity.WARNING,
            )
        )
    return problems


def _fits(entry: PublishedEntry, chain: _Chain) -> bool:
    if chain.limit is None or entry.published is None:
        return True
    moment = utc_seconds(entry.published)
    ahead = 0
    for new in chain.new:  # the plan's order: newest first, ties by ascending id
        published = utc_seconds(new.published_at)
        if published > moment or (published == moment and new.id < entry.id):
            ahead += 1
    return ahead < chain.limit
