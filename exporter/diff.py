"""What a release changes in its feeds: entries added, removed, changed and
moved to a new id, feed by feed.

The review step for a pull request that changes records: export the branch,
then `feed-exporter diff published/ output/`. Both sides are read with
`exporter.published` (any format `check` reads; a folder pairs its files by
relative path, and an archive page counts with its subscription document, so an
entry paged into the archive is not "removed"). A changed id is found exactly
as export's id guard finds it (`exporter.moved`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from exporter.moved import Evidence, Identity, moved, same_moment
from exporter.problems import Problem, Severity
from exporter.published import Published, PublishedEntry, PublishedFeed, chain_of, read_published


class Kind(StrEnum):
    """A kind of change; the order here is the order of the report."""

    ID_CHANGED = "id-changed"
    REMOVED = "removed"
    CHANGED = "changed"
    ADDED = "added"


KINDS = tuple(kind.value for kind in Kind)
RULES = {
    Kind.ID_CHANGED: "id-changed",
    Kind.REMOVED: "entry-removed",
    Kind.CHANGED: "entry-changed",
    Kind.ADDED: "entry-added",
}
_ORDER = {kind: index for index, kind in enumerate(Kind)}
_SEVERITY = {
    Kind.ID_CHANGED: Severity.ERROR,
    Kind.REMOVED: Severity.WARNING,
    Kind.CHANGED: Severity.NOTICE,
    Kind.ADDED: Severity.NOTICE,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One entry's change in one feed. `path` and `line` locate the entry: in the
    new feed, or in the old one for a removed entry. `fields` names what changed
    (CHANGED); `old_id` and `evidence` say why an id change is one (ID_CHANGED)."""

    feed: str
    kind: Kind
    id: str
    path: str
    line: int | None = None
    title: str | None = None
    fields: tuple[str, ...] = ()
    old_id: str | None = None
    evidence: Evidence | None = None

    def problem(self) -> Problem:
        """The change as a finding, for the reporters every command shares."""
        return Problem(
            path=self.path,
            rule=RULES[self.kind],
            message=self._message(),
            line=self.line,
            severity=_SEVERITY[self.kind],
        )

    def _message(self) -> str:
        named = f" ({self.title!r})" if self.title else ""
        if self.kind is Kind.ID_CHANGED:
            return f"{self.feed}: id changed from {self.old_id} to {self.id} ({self.evidence})"
        if self.kind is Kind.CHANGED:
            return f"{self.feed}: {self.id} changed: {', '.join(self.fields)}"
        return f"{self.feed}: {self.kind.value} {self.id}{named}"

    def as_dict(self) -> dict[str, object]:
        return {
            "feed": self.feed,
            "kind": self.kind.value,
            "id": self.id,
            "old_id": self.old_id,
            "evidence": self.evidence.value if self.evidence is not None else None,
            "fields": list(self.fields),
            "title": self.title,
            "path": self.path,
            "line": self.line,
        }


@dataclass(slots=True)
class FeedsDiff:
    """Every change, in report order; the feeds compared (by name); the files
    that could not be read (which make any comparison incomplete)."""

    changes: list[Change] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, kind: Kind) -> int:
        return sum(1 for change in self.changes if change.kind is kind)


# Compared field by field; dates as instants (whole seconds), the rest as read.
FIELDS = (
    "title",
    "link",
    "originalUrl",
    "published",
    "updated",
    "summary",
    "content",
    "categories",
)


def diff_paths(old: Path, new: Path) -> FeedsDiff:
    """Compare two feed files, or two folders of feeds. Two files are paired
    whatever their names or formats; the caller refuses a file and a folder."""
    before, after = read_published(old), read_published(new)
    if not old.is_dir() and not new.is_dir() and before.feeds and after.feeds:
        (feed,) = before.feeds.values()
        (name,) = after.feeds
        before.feeds = {name: replace(feed, name=name)}
    found = diff_published(before, after)
    found.problems = before.problems + after.problems
    return found


def diff_published(old: Published, new: Published) -> FeedsDiff:
    """The changes between two sets of feeds, feed by feed, in a stable order."""
    before, after = _chains(old.feeds.values()), _chains(new.feeds.values())
    found = FeedsDiff(feeds=sorted(set(before) | set(after)))
    for name in found.feeds:
        changes = _feed_changes(name, before.get(name, []), after.get(name, []))
        found.changes += sorted(changes, key=lambda c: (_ORDER[c.kind], c.id, c.old_id or ""))
    return found


_Located = tuple[PublishedFeed, PublishedEntry]


def _chains(feeds: Iterable[PublishedFeed]) -> dict[str, list[_Located]]:
    """Each feed's entries with its archive pages', first occurrence of an id only."""
    chains: dict[str, dict[str, _Located]] = {}
    for feed in sorted(feeds, key=lambda f: f.name):
        chain = chains.setdefault(chain_of(feed.name), {})
        for entry in feed.entries:
            chain.setdefault(entry.id, (feed, entry))
    return {name: list(entries.values()) for name, entries in chains.items()}


def _feed_changes(name: str, old: list[_Located], new: list[_Located]) -> list[Change]:
    old_ids = {entry.id for _, entry in old}
    new_by_id = {entry.id: (feed, entry) for feed, entry in new}
    gone = [(feed, entry) for feed, entry in old if entry.id not in new_by_id]
    arrived = [(feed, entry) for feed, entry in new if entry.id not in old_ids]
    changes: list[Change] = []
    moves = moved([_identity(e) for _, e in gone], [_identity(e) for _, e in arrived])
    for move in moves:
        (_, before), (feed, after) = gone[move.old], arrived[move.new]
        changes.append(_change(name, Kind.ID_CHANGED, feed, after, before.id, move.evidence))
    matched_old = {move.old for move in moves}
    matched_new = {move.new for move in moves}
    for index, (feed, entry) in enumerate(gone):
        if index not in matched_old:
            changes.append(_change(name, Kind.REMOVED, feed, entry))
    for index, (feed, entry) in enumerate(arrived):
        if index not in matched_new:
            changes.append(_change(name, Kind.ADDED, feed, entry))
    for _, before in old:
        if before.id not in new_by_id:
            continue
        feed, after = new_by_id[before.id]
        fields = changed_fields(before, after)
        if fields:
            changes.append(replace(_change(name, Kind.CHANGED, feed, after), fields=fields))
    return changes


def changed_fields(before: PublishedEntry, after: PublishedEntry) -> tuple[str, ...]:
    """The names (as `FIELDS` spells them) of what differs between two entries."""
    pairs = {
        "title": (before.title, after.title),
        "link": (before.link, after.link),
        "originalUrl": (before.original_url, after.original_url),
        "summary": (before.summary, after.summary),
        "content": (before.content_hash, after.content_hash),
        "categories": (before.categories, after.categories),
    }
    differs = {name: first != second for name, (first, second) in pairs.items()}
    differs["published"] = not same_moment(before.published, after.published)
    differs["updated"] = not same_moment(before.updated, after.updated)
    return tuple(name for name in FIELDS if differs[name])


def _identity(entry: PublishedEntry) -> Identity:
    return Identity(entry.id, entry.title, entry.published, entry.original_url)


def _change(
    name: str,
    kind: Kind,
    feed: PublishedFeed,
    entry: PublishedEntry,
    old_id: str | None = None,
    evidence: Evidence | None = None,
) -> Change:
    return Change(name, kind, entry.id, feed.path, entry.line, entry.title, (), old_id, evidence)
