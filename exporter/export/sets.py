"""Feed sets: one feed per topic, provider, category or type, under a stable slug.

A slug names a folder in a public URL that readers subscribe to, so it must
never change while the value does not: it is made from the value alone
(transliterated to ASCII by anyascii, lower-cased, every run of other
characters one `-`), never from an order or a count. Two values that would
share a folder are a configuration problem the user has to decide, not
something to paper over with a suffix that would move when records change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from anyascii import anyascii

from exporter.config import ConfigError, FeedSet
from exporter.export.fragments import Entry

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_LONGEST = 80  # characters of a slug: a folder name, well under any file system's bound


def slug(value: str) -> str:
    """Lowercase ASCII letters, digits and `-`: `Künstliche Intelligenz` ->
    `kunstliche-intelligenz`, `Выборы` -> `vybory`. A value with nothing to
    transliterate (only punctuation or symbols) gets a name from its digest."""
    text = _NOT_SLUG.sub("-", anyascii(value).lower()).strip("-")[:_LONGEST].rstrip("-")
    if text:
        return text
    return "value-" + hashlib.sha256(value.encode()).hexdigest()[:12]


def values_of(entry: Entry, by: str) -> Iterable[str]:
    """The values of one record field a set groups by (blank ones are not values)."""
    if by == "topics":
        found: Iterable[str | None] = entry.topics
    elif by == "provider":
        found = (entry.provider,)
    elif by == "category":
        found = (entry.category,)
    else:
        found = (entry.kind,)
    return [value.strip() for value in found if value is not None and value.strip()]


@dataclass(frozen=True, slots=True)
class Group:
    """The entries of one value of a set, newest first, and where they go."""

    value: str
    slug: str
    entries: tuple[Entry, ...]


def group(feed_set: FeedSet, entries: Sequence[Entry]) -> list[Group]:
    """The set's groups by slug, each keeping the order of `entries`; ConfigError
    naming both values when two of them share a slug."""
    members: dict[str, list[Entry]] = {}
    for entry in entries:
        for value in dict.fromkeys(values_of(entry, feed_set.by)):
            members.setdefault(value, []).append(entry)
    owners: dict[str, str] = {}
    for value in sorted(members):
        name = slug(value)
        other = owners.get(name)
        if other is not None:
            raise ConfigError(
                f"sets.{feed_set.name}: {feed_set.by} {other!r} and {value!r} both become "
                f"the folder {feed_set.path.replace('{slug}', name)!r}; make the records agree "
                "on one spelling"
            )
        owners[name] = value
    return [Group(value, name, tuple(members[value])) for name, value in sorted(owners.items())]
