"""Memoising the pure string functions the rules call over and over.

The contract, the feed checker and the IRI syntax share it: one batch checks
the same URLs, dates and HTML in RSS, Atom and JSON Feed, and one feed repeats
media types and language tags in every entry. Caching is keyed by the string
alone (every cached function is pure), bounded in entries, and skipped for long
strings so a hostile feed cannot pin much memory in the cache.

The cache is a dict whose `__getitem__` is what callers get: a hit runs no
Python code at all (the rules make tens of calls per entry, so a wrapper
frame around `lru_cache` cost more than most of the cached work).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")

# Enough entries for the distinct values of one batch (200 entries with ~8 URLs
# each); with the length bound a cache holds at most ~4 MiB of strings.
CACHE_ENTRIES = 4096
# Longer strings are computed each time (and never kept alive by the cache).
MAX_CACHED_LENGTH = 1024


class _Cache(dict[str, Result], Generic[Result]):
    """Results by argument; a miss computes, and keeps the result if the key is short.

    When full the cache starts over (results never depend on what is cached)."""

    __slots__ = ("_entries", "_function", "_longest")

    def __init__(self, function: Callable[[str], Result], entries: int, longest: int) -> None:
        super().__init__()
        self._function = function
        self._entries = entries
        self._longest = longest

    def __missing__(self, value: str) -> Result:
        result = self._function(value)
        if len(value) <= self._longest:
            if len(self) >= self._entries:
                self.clear()
            self[value] = result
        return result


def memoised(
    function: Callable[[str], Result],
    entries: int = CACHE_ENTRIES,
    longest: int = MAX_CACHED_LENGTH,
) -> Callable[[str], Result]:
    """`function` with its results cached for strings up to `longest` characters."""
    return _Cache(function, entries, longest).__getitem__
