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


# Where each entry starts inside the entry part (RSS and Atom entries keep their
# closing newline, JSON Feed items are separated by SEPARATORS["json"]).
_ENTRY_STARTS = {"rss": b"\n    <item>", "atom": b"\n  <entry>", "json": b",\n    {"}


def split_entries(format_name: str, document: bytes, entries: int) -> list[bytes]:
    """The entries of a document, one by one: joined with SEPARATORS they give
    its entry part back, so entries can be re-ordered after rendering."""
    if entries == 0:
        return []
    body = split(format_name, document, entries).body
    marker = _ENTRY_STARTS[format_name]
    parts: list[bytes] = []
    start = 0
    while True:
        found = body.find(marker, start)
        if found < 0:
            parts.append(body[start:])
            break
        if format_name == "json":
            parts.append(body[start:found])
            start = found + len(SEPARATORS["json"])
        else:
            parts.append(body[start : found + 1])
            start = found + 1
    if len(parts) != entries:
        raise ValueError(f"{format_name}: found {len(parts)} entries where {entries} were rendered")
    return parts


def open_ends(format_name: str, empty_document: bytes) -> tuple[bytes, bytes]:
    """Head and tail around the entries, from the document rendered without any:
    head + entries + tail is what rendering them all at once gives."""
    if format_name == "json":
        empty = b'"items": []'
        at = empty_document.rindex(empty)
        return (
            empty_document[:at] + b'"items": [\n',
            b"\n  ]" + empty_document[at + len(empty) :],
        )
    closing = _BOUNDS[format_name][1]
    at = empty_document.rindex(closing) + 1
    return empty_document[:at], empty_document[at:]
