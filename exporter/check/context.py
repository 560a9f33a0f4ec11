"""What a feed check needs to know beyond the bytes of the feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class CheckContext:
    """`source` names the file in findings; `base` is the URL the feed is served
    from (self-link and relative-URL rules); `now` bounds "implausibly far in the
    future" so tests can pin the clock."""

    source: str
    base: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    max_bytes: int = 50 * 1024 * 1024
    # Lines of the source holding a hexadecimal character reference (`&#x26;`); set by
    # the checker from the raw bytes, which the rules no longer see (plaintext.py).
    hex_reference_lines: frozenset[int] = frozenset()
