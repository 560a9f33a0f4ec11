"""Run every rule that applies to one feed: tell JSON from XML by the content,
parse XML safely, then hand the tree (or bytes) to the family's rules (the
families and how each is recognised are registered in check/families.py).

`check_bytes` is what `export` calls on its own output and what the `check`
command calls per file; it never raises for bad input.
"""

from __future__ import annotations

import errno
import stat
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lxml import etree

from exporter.check import sniff
from exporter.check.context import CheckContext
from exporter.check.elements import line_of
from exporter.check.families import (
    Family,
    expected_shapes,
    json_family,
    named_family,
    xml_family,
)
from exporter.check.plaintext import hex_reference_lines
from exporter.check.xmldoc import parse_xml
from exporter.load.text import open_for_reading, read_limited
from exporter.problems import Problem, Severity

if TYPE_CHECKING:  # the archive facts are read only for folder checks: loaded then
    from exporter.check.pages import Page

# Some aggregators refuse feeds over ~512 KB-1 MB (see FIELD-NOTES.md).
LARGE_FEED_BYTES = 1024 * 1024


def is_json(data: bytes) -> bool:
    """JSON Feed is told apart by its first non-whitespace byte (after a BOM)."""
    start = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return start.lstrip(b" \t\r\n")[:1] in (b"{", b"[")


def _run(family: Family, document: object, context: CheckContext) -> list[Problem]:
    rules = family.rules()
    try:
        return rules(document, context)
    except RecursionError:
        return [
            Problem(
                path=context.source,
                rule="check-too-deep",
                message="The document is nested too deeply to check: flatten it.",
            )
        ]


def _size_problem(data: bytes, context: CheckContext) -> list[Problem]:
    return size_problems(len(data), context.source)


def size_problems(size: int, source: str) -> list[Problem]:
    """Feeds over 1 MB draw a warning (export streams feeds, so it passes a size)."""
    if size <= LARGE_FEED_BYTES:
        return []
    return [
        Problem(
            path=source,
            rule="feed-too-large",
            message=f"The feed is {size / 1024 / 1024:.1f} MB; some aggregators refuse "
            "feeds over 1 MB: publish fewer items or page the feed (RFC 5005).",
            severity=Severity.WARNING,
        )
    ]


def _unknown_format(context: CheckContext, tree: etree._ElementTree) -> Problem:
    root = tree.getroot()
    name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    detail = " (RSS 1.0/RDF feeds are not supported)" if name == "RDF" else ""
    return Problem(
        path=context.source,
        rule="check-unknown-format",
        message=f"The root element <{name}> is not a feed{detail}: expected {expected_shapes()}.",
        line=line_of(root),
    )


@dataclass(frozen=True, slots=True)
class Examined:
    """One document's problems and, when asked for, its archive facts (None when
    the document is not a feed that can be part of an archive)."""

    problems: list[Problem]
    page: Page | None = None
    # Set, to what the file evidently is, when a folder walk skipped it (sniff.py).
    skipped: str | None = None


def check_bytes(data: bytes, context: CheckContext) -> list[Problem]:
    """Every problem in one feed, in document order per layer; never raises."""
    return examine_bytes(data, context).problems


def examine_bytes(
    data: bytes, context: CheckContext, pages: bool = False, walking: bool = False
) -> Examined:
    """`check_bytes`, and with `pages` the document's archive facts for the
    checks that span a folder (read from the same parse). `walking`: the file was
    found in a folder, so one that is evidently not a feed is skipped, not checked."""
    if len(data) > context.max_bytes:
        return Examined(_too_large(context))
    problems = _size_problem(data, context)
    unreadable = _unreadable(data, context)
    if unreadable is not None:
        return Examined([*problems, unreadable])
    family = named_family(context.source)
    if family is None and is_json(data):
        skipped = sniff.non_feed_json(data) if walking else None
        if skipped is not None:
            return Examined([], skipped=skipped)
        family = json_family()
        return Examined(problems + _run(family, data, context), _page(family, data, context, pages))
    parsed = parse_xml(data, context)
    if walking and family is None:
        skipped = (
            sniff.non_feed_markup(data)
            if parsed.tree is None
            else sniff.non_feed_xml(parsed.tree.getroot())
        )
        if skipped is not None:
            return Examined([], skipped=skipped)
    problems += parsed.problems
    if parsed.tree is None:
        return Examined(problems)
    if b"&#x" in data:
        context = replace(context, hex_reference_lines=hex_reference_lines(data))
    family = family or xml_family(parsed.tree.getroot())
    if family is None:
        problems.append(_unknown_format(context, parsed.tree))
        return Examined(problems)
    problems += _run(family, parsed.tree, context)
    return Examined(problems, _page(family, parsed.tree, context, pages))


def _unreadable(data: bytes, context: CheckContext) -> Problem | None:
    """Empty and binary files: nothing to parse."""
    if not data.strip():
        return Problem(
            path=context.source,
            rule="check-empty-file",
            message="The file is empty: write a feed into it or remove it.",
        )
    if looks_binary(data):
        return Problem(
            path=context.source,
            rule="check-binary-file",
            message="The file holds binary data (NUL bytes), not a feed: check the path.",
        )
    return None


def _page(family: Family, document: object, context: CheckContext, wanted: bool) -> Page | None:
    reader = family.page_reader() if wanted else None
    if reader is None:
        return None
    try:
        return reader(document, context)
    except RecursionError:  # already reported as check-too-deep by the rules
        return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes never occur in UTF-8 text; UTF-16/32 feeds are recognised first."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    return not head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x00<", b"<\x00"))


_NOT_REGULAR = "This is not a regular file (a FIFO, socket or device): not read."


def _read_problem(context: CheckContext, message: str) -> list[Problem]:
    return [Problem(path=context.source, rule="check-unreadable", message=message)]


def _cannot_read(context: CheckContext, error: OSError) -> list[Problem]:
    return _read_problem(context, f"Cannot read the file: {error.strerror or error}.")


def check_path(path: str, context: CheckContext) -> list[Problem]:
    """Check a file, or standard input for `-`, without ever blocking on a FIFO or
    reading past the size bound."""
    return examine_path(path, context).problems


def examine_path(
    path: str, context: CheckContext, pages: bool = False, walking: bool = False
) -> Examined:
    """`check_path`, and with `pages` the archive facts, with `walking` non-feeds
    skipped (see `examine_bytes`)."""
    if path == "-":
        data = read_limited(sys.stdin.buffer, context.max_bytes)
        if data is None:
            return Examined(_too_large(context))
        return examine_bytes(data, context, pages, walking)
    try:
        stream, info = open_for_reading(path)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket: there is nothing to open
            return Examined(_read_problem(context, _NOT_REGULAR))
        return Examined(_cannot_read(context, error))
    with stream:
        # Decided from the descriptor, not the name: the file cannot change in between.
        if stat.S_ISDIR(info.st_mode):
            return Examined(_read_problem(context, "This is a folder, not a feed file."))
        if not stat.S_ISREG(info.st_mode):
            return Examined(_read_problem(context, _NOT_REGULAR))
        if info.st_size > context.max_bytes:
            return Examined(_too_large(context))
        try:
            data = read_limited(stream, context.max_bytes)
        except OSError as error:
            return Examined(
                _read_problem(context, f"Cannot read the file: {error.strerror or error}.")
            )
    if data is None:
        return Examined(_too_large(context))
    return examine_bytes(data, context, pages, walking)


def _too_large(context: CheckContext) -> list[Problem]:
    return [
        Problem(
            path=context.source,
            rule="check-too-large",
            message=f"The file is larger than the {context.max_bytes:,}-byte limit: split the "
            "feed into pages or raise the limit.",
        )
    ]
