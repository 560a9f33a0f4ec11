"""Feeds already published, read back into entries: what `export`'s id guard and
`feed-exporter diff` compare.

A feed file (RSS 2.0, Atom 1.0, JSON Feed 1.0/1.1, told apart by its content as
`check` does) or a folder of them (walked as `check` walks one). Parsing is
`check`'s own safe parsing (no network, no external entities, entity bombs and
oversized files refused), because a published feed, for instance one fetched
from the live site in CI, is as hostile as any input: a file that cannot be
read is a one-line problem, never an exception.

In a folder, files are named by their path relative to it, so two folders pair
file by file; an RFC 5005 archive page (`archive/N/atom.xml`, under any set's
folder) belongs to the feed of its subscription document (`atom.xml`), since an
entry moving from one to the other is still published (`chain_of`).
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from exporter.check.atom_common import ATOM, XHTML
from exporter.check.checker import is_json, looks_binary
from exporter.check.context import CheckContext
from exporter.check.dates import check_rfc822, check_rfc3339
from exporter.check.elements import line_of, qname, trimmed_text
from exporter.check.folder import FEED_SUFFIXES
from exporter.check.jsonfeed_parse import JSONValue, parse_json, pointer_lines
from exporter.check.rss_structure import ATOM_NS, CONTENT_NS
from exporter.check.xmldoc import parse_xml
from exporter.config import FEED_FILE_NAMES
from exporter.load.sources import walk
from exporter.load.text import open_for_reading, read_limited
from exporter.problems import Problem, Severity

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # as `check`
UNREADABLE = "published-unreadable"
_ARCHIVE_PAGE = re.compile(r"^(?P<folder>(?:.*/)?)archive/\d+/(?P<file>[^/]+)$")
_ATOM = "{" + ATOM + "}"


@dataclass(frozen=True, slots=True)
class PublishedEntry:
    """One entry as a reader sees it; None where the feed does not say.
    `original_url`: Atom `link rel="via"`, RSS `atom:link rel="via"`, JSON Feed
    `external_url`. `content_hash`: SHA-256 of the content as written."""

    id: str
    title: str | None = None
    link: str | None = None
    original_url: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    content_hash: str | None = None
    categories: tuple[str, ...] = ()
    line: int | None = None  # where the entry starts (XML; the item's line in JSON)


@dataclass(frozen=True, slots=True)
class PublishedFeed:
    """One file: `path` as reported, `name` relative to the folder read (its
    file name when a single file was read), `format` rss, atom or json."""

    path: str
    name: str
    format: str
    entries: tuple[PublishedEntry, ...]


@dataclass(slots=True)
class Published:
    """Every feed read, by `name`, and one problem per file that could not be."""

    feeds: dict[str, PublishedFeed] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def chain_of(name: str) -> str:
    """The subscription document an archive page belongs to (`topics/ai/archive/3/atom.xml`
    → `topics/ai/atom.xml`); any other name is its own."""
    match = _ARCHIVE_PAGE.match(name)
    return match["folder"] + match["file"] if match else name


def feed_files(folder: Path) -> dict[str, Path]:
    """Feed files below `folder` by relative name, in `check`'s walk order."""
    return {
        Path(path).relative_to(folder).as_posix(): Path(path)
        for path, _entry in walk(str(folder), FEED_SUFFIXES)
    }


def read_published(
    path: Path,
    wanted: Callable[[str], bool] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known: Callable[[str], PublishedFeed | None] | None = None,
    main_names: Mapping[str, str] = FEED_FILE_NAMES,
) -> Published:
    """The feeds of a file or a folder (nothing, for a path that does not exist).
    In a folder, only the files whose relative name is `wanted` are read, and
    a file `known` already answers for (what an export remembers it wrote) is
    not parsed. A single file is named after the main feed of its format
    (`main_names`: `atom.xml` unless feed.urls names it), so it pairs with that feed."""
    found = Published()
    if not path.exists():
        return found
    if not path.is_dir():
        feed = read_feed(path, None, max_bytes, main_names)
        if isinstance(feed, Problem):
            found.problems.append(feed)
        else:
            found.feeds[feed.name] = feed
        return found
    for name, file in feed_files(path).items():
        if wanted is not None and not wanted(name):
            continue
        remembered = known(name) if known is not None else None
        feed = remembered if remembered is not None else read_feed(file, name, max_bytes)
        if isinstance(feed, Problem):
            found.problems.append(feed)
        elif feed.format:  # OPML and other XML that is not a feed: not ours to compare
            found.feeds[name] = feed
    return found


def read_feed(
    path: Path,
    name: str | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    main_names: Mapping[str, str] = FEED_FILE_NAMES,
) -> PublishedFeed | Problem:
    """One feed file; `name` None names it after the main feed of its format.
    A problem (rule `published-unreadable`) when it cannot be read as a feed.
    Entries without an id are left out: no reader can follow them either."""
    source = str(path)
    data = _read(path, max_bytes)
    if isinstance(data, _Unread):
        return _unreadable(source, data)
    try:
        parsed = _parse(data, source, max_bytes)
    except (RecursionError, MemoryError, ValueError) as error:  # hostile shapes
        return _unreadable(source, _Unread(f"it cannot be read ({type(error).__name__})"))
    if isinstance(parsed, _Unread):
        return _unreadable(source, parsed)
    format_name, entries = parsed
    if name is None:
        name = main_names.get(format_name, path.name)
    return PublishedFeed(source, name, format_name, tuple(e for e in entries if e.id))


@dataclass(frozen=True, slots=True)
class _Unread:
    """Why a file is not a feed we can compare with, and where."""

    reason: str
    line: int | None = None


def _unreadable(source: str, why: _Unread) -> Problem:
    message = f"cannot compare with this feed: {why.reason}"
    return Problem(path=source, rule=UNREADABLE, message=message, line=why.line)


def _read(path: Path, max_bytes: int) -> bytes | _Unread:
    """The bytes, or why not (never blocks on a FIFO, never reads past the bound)."""
    try:
        stream, info = open_for_reading(path)
    except OSError as error:
        return _Unread(f"cannot read it ({error.strerror or error})")
    with stream:
        if not stat.S_ISREG(info.st_mode):
            return _Unread("it is not a regular file")
        if info.st_size > max_bytes:
            return _Unread(f"it is over the {max_bytes:,}-byte limit")
        try:
            data = read_limited(stream, max_bytes)
        except OSError as error:
            return _Unread(f"cannot read it ({error.strerror or error})")
    if data is None:
        return _Unread(f"it is over the {max_bytes:,}-byte limit")
    if not data.strip() or looks_binary(data):
        return _Unread("the file is empty or binary")
    return data


def _parse(data: bytes, source: str, max_bytes: int) -> tuple[str, list[PublishedEntry]] | _Unread:
    """(format, entries), or why the bytes are not a feed; "" as the format for a
    well-formed document that is no feed (an OPML list beside the feeds)."""
    if is_json(data):
        parsed = parse_json(data, source)
        if not parsed.ok or not isinstance(parsed.document, dict):
            return _first(parsed.problems, "it is not a JSON object")
        return "json", _json_entries(parsed.document, parsed.text)
    xml = _xml(data, source, max_bytes)
    if isinstance(xml, _Unread):
        return xml
    namespace, local = qname(xml)
    if local == "feed" and namespace == ATOM:
        return "atom", [_atom_entry(entry) for entry in xml.iterchildren(_ATOM + "entry")]
    if local == "rss" and not namespace:
        channel = xml.find("channel")
        items = channel.iterchildren("item") if channel is not None else ()
        return "rss", [_rss_item(item) for item in items]
    return "", []


def _xml(data: bytes, source: str, max_bytes: int) -> etree._Element | _Unread:
    parsed = parse_xml(data, CheckContext(source=source, max_bytes=max_bytes))
    if parsed.tree is None:
        return _first(parsed.problems, "it is not well-formed XML")
    return parsed.tree.getroot()


def _first(problems: list[Problem], fallback: str) -> _Unread:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    return _Unread(errors[0].message, errors[0].line) if errors else _Unread(fallback)


# -- Atom ---------------------------------------------------------------------------


def _atom_entry(entry: etree._Element) -> PublishedEntry:
    def text(name: str) -> str | None:
        found = entry.find(_ATOM + name)
        return trimmed_text(found) if found is not None else None

    links: dict[str, str] = {}
    for link in entry.iterchildren(_ATOM + "link"):
        rel = (link.get("rel") or "alternate").removeprefix(
            "http://www.iana.org/assignments/relation/"
        )
        links.setdefault(rel, link.get("href") or "")
    categories = [
        _category(c.get("term"), c.get("scheme")) for c in entry.iterchildren(_ATOM + "category")
    ]
    return PublishedEntry(
        id=text("id") or "",
        title=text("title"),
        link=links.get("alternate"),
        original_url=links.get("via"),
        published=_rfc3339(text("published")),
        updated=_rfc3339(text("updated")),
        summary=text("summary"),
        content_hash=_atom_content(entry.find(_ATOM + "content")),
        categories=_sorted(categories),
        line=line_of(entry),
    )


def _atom_content(content: etree._Element | None) -> str | None:
    if content is None:
        return None
    if content.get("type") == "xhtml":
        inner = content.find("{" + XHTML + "}div")
        data = etree.tostring(inner, method="c14n") if inner is not None else b""
        return _hash(data)
    source = content.get("src")
    return _hash((source or trimmed_text(content)).encode())


# -- RSS 2.0 --------------------------------------------------------------------------


def _rss_item(item: etree._Element) -> PublishedEntry:
    def text(name: str) -> str | None:
        found = item.find(name)
        return trimmed_text(found) if found is not None else None

    vias = [
        a.get("href") for a in item.iterchildren("{" + ATOM_NS + "}link") if a.get("rel") == "via"
    ]
    updated = item.find("{" + ATOM_NS + "}updated")
    content = item.find("{" + CONTENT_NS + "}encoded")
    categories = [
        _category(trimmed_text(c), c.get("domain")) for c in item.iterchildren("category")
    ]
    link = text("link")
    pub_date = text("pubDate")
    return PublishedEntry(
        id=text("guid") or link or "",
        title=text("title"),
        link=link,
        original_url=vias[0] if vias else None,
        published=check_rfc822(pub_date).value if pub_date else None,
        updated=_rfc3339(trimmed_text(updated)) if updated is not None else None,
        summary=text("description"),
        content_hash=_hash(trimmed_text(content).encode()) if content is not None else None,
        categories=_sorted(categories),
        line=line_of(item),
    )


# -- JSON Feed ------------------------------------------------------------------------


def _json_entries(document: dict[str, JSONValue], text: str) -> list[PublishedEntry]:
    items = document.get("items")
    if not isinstance(items, list):
        return []
    lines = pointer_lines(text, ["/items"])
    return [
        _json_item(item, lines.get(f"/items/{index}"))
        for index, item in enumerate(items)
        if isinstance(item, dict)
    ]


def _json_item(item: dict[str, Any], line: int | None) -> PublishedEntry:
    def text(name: str) -> str | None:
        value = item.get(name)
        return value.strip() if isinstance(value, str) else None

    identity = item.get("id")
    content = text("content_html") or text("content_text") or None  # "": no content, as in RSS
    tags = item.get("tags")
    return PublishedEntry(
        id=str(identity) if isinstance(identity, str | int) and identity is not True else "",
        title=text("title"),
        link=text("url"),
        original_url=text("external_url"),
        published=_rfc3339(text("date_published")),
        updated=_rfc3339(text("date_modified")),
        summary=text("summary"),
        content_hash=_hash(content.encode()) if content is not None else None,
        categories=_sorted(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        line=line,
    )


# -- values ---------------------------------------------------------------------------


def _rfc3339(text: str | None) -> datetime | None:
    return check_rfc3339(text).value if text else None


def _category(term: str | None, scheme: str | None) -> str:
    return f"{term or ''} ({scheme})" if scheme else term or ""


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({value for value in values if value}))


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
