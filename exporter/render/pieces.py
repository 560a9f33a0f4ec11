"""A rendered feed as head + entries + tail, so big feeds are built in batches.

Every batch is a complete, checkable document with the same feed-level part
(the caller pins `updated`); cutting each at the first entry and the closing
tags and joining the entry parts gives byte for byte the document a single
render would give (a test proves it), while only one batch is ever in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where the entries of a pretty-printed document start and where they end.
# Entry text cannot contain these byte sequences: markup in values is escaped,
# and a JSON string cannot hold a raw newline.
_BOUNDS = {
    "rss": (b"\n    <item>", b"\n  </channel>"),
    "atom": (b"\n  <entry>", b"\n</feed>"),
    "json": (b'"items": [\n', b"\n  ]\n}"),
}
# What stands between the entry parts of two batches.
SEPARATORS = {"rss": b"", "atom": b"", "json": b",\n"}


@dataclass(frozen=True, slots=True)
class Pieces:
    head: bytes
    body: bytes
    tail: bytes


def split(format_name: str, document: bytes, entries: int) -> Pieces:
    """Cut a document with `entries` entries; without entries it is all head."""
    if entries == 0:
        return Pieces(document, b"", b"")
    opening, closing = _BOUNDS[format_name]
    start = document.index(opening)
    if format_name == "json":
        start += len(opening)
    else:
        start += 1  # keep the newline with the head
    end = document.rindex(closing)
    if format_name != "json":
        end += 1
    return Pieces(document[:start], document[start:end], document[end:])
