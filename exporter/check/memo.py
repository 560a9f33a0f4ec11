"""Memoising the pure string functions the rules call over and over.

One batch checks the same URLs, dates and HTML in RSS, Atom and JSON Feed, and
one feed repeats media types and language tags in every entry. Caching is keyed
by the string alone (every cached function is pure), bounded in entries, and
skipped for long strings so a hostile feed cannot pin much memory in the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

Result = TypeVar("Result")

# Enough entries for the distinct values of one batch (200 entries with ~8 URLs
# each); with the length bound a cache holds at most ~4 MiB of strings.
CACHE_ENTRIES = 4096
# Longer strings are computed each time (and never kept alive by the cache).
MAX_CACHED_LENGTH = 1024


def memoised(
    function: Callable[[str], Result],
    entries: int = CACHE_ENTRIES,
    longest: int = MAX_CACHED_LENGTH,
) -> Callable[[str], Result]:
    """`function` with its results cached for strings up to `longest` characters."""
    cached = lru_cache(maxsize=entries)(function)

    @wraps(function)
    def call(value: str) -> Result:
        if len(value) <= longest:
            return cached(value)
        return function(value)

    return call
