"""What one feed document says about its place in an archived or paged feed
(RFC 5005, JSON Feed `next_url`): its markers, its paging links, its own URLs
and its entry ids.

The archive rules of one document (`history`) and the rules that span the files
of a folder (`folder`) both read this summary, so Atom, RSS and JSON Feed are
told apart once, here, and the rules never walk a tree themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from exporter.check.atom_common import ATOM, atom_children
from exporter.check.atom_links import relation, xml_base
from exporter.check.context import CheckContext
from exporter.check.elements import child_elements, line_of, qname
from exporter.check.jsonfeed_parse import JSONValue, parse_json, pointer_lines
from exporter.iri import resolve

# RFC 5005 §2 and §4: the namespace of fh:complete and fh:archive.
FEED_HISTORY = "http://purl.org/syndication/history/1.0"
# RFC 5005 §4: the relations that tie archive documents together.
ARCHIVE_RELATIONS = ("prev-archive", "next-archive", "current")
# RFC 5005 §3: paged feeds; a complete feed has neither kind of link.
PAGING_RELATIONS = ("first", "last", "next", "previous")
HISTORY_RELATIONS = frozenset((*ARCHIVE_RELATIONS, *PAGING_RELATIONS))
_MARKERS = (f"{{{FEED_HISTORY}}}archive", f"{{{FEED_HISTORY}}}complete")


@dataclass(frozen=True, slots=True)
class PageLink:
    """A link with one of the history relations. `href` is as written;
    `target` is resolved against xml:base and the document's URL when known
    (else it may still be relative); `syntax_checked` says whether the family's
    own rules already judge the href's syntax (Atom does, RSS does not)."""

    relation: str
    href: str
    target: str
    line: int | None
    syntax_checked: bool


@dataclass(frozen=True, slots=True)
class EntryId:
    """An entry's identity (Atom `id`, RSS `guid`, JSON Feed item `id`)."""

    value: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Page:
    """The archive-relevant facts of one document.

    `own_urls` are the URLs the document knows it is served from: its self link
    and the `--base` URL. `misplaced_markers` are lines of fh:archive /
    fh:complete elements outside the feed head, which mark nothing.
    """

    family: str
    line: int | None = None
    is_archive: bool = False
    is_complete: bool = False
    complete_line: int | None = None
    links: tuple[PageLink, ...] = ()
    entry_links: tuple[PageLink, ...] = ()
    own_urls: tuple[str, ...] = ()
    entry_ids: tuple[EntryId, ...] = ()
    misplaced_markers: tuple[int | None, ...] = ()
    next_url: PageLink | None = None


def _history_links(
    links: list[etree._Element], base: str | None, syntax_checked: bool
) -> tuple[PageLink, ...]:
    found: list[PageLink] = []
    for link in links:
        rel = relation(link)
        href = link.get("href")
        if rel not in HISTORY_RELATIONS or href is None:
            continue
        target = resolve(xml_base(link, base), href.strip())
        found.append(PageLink(rel, href, target, line_of(link), syntax_checked))
    return tuple(found)


def _own_urls(links: list[etree._Element], base: str | None) -> tuple[str, ...]:
    urls = [base] if base else []
    for link in links:
        href = link.get("href")
        if relation(link) == "self" and href is not None and href.strip():
            urls.append(resolve(xml_base(link, base), href.strip()))
            break
    return tuple(urls)


@dataclass(frozen=True, slots=True)
class _Markers:
    archive: bool = False
    complete: bool = False
    complete_line: int | None = None
    misplaced: tuple[int | None, ...] = ()


def _markers(head: etree._Element) -> _Markers:
    """The fh:archive / fh:complete markers of the head, and the lines of those
    elsewhere in the document (which mark nothing)."""
    archive = complete = False
    complete_line = None
    misplaced: list[int | None] = []
    for marker in head.getroottree().getroot().iter(*_MARKERS):
        if marker.getparent() is not head:
            misplaced.append(line_of(marker))
        elif qname(marker)[1] == "archive":
            archive = True
        elif not complete:
            complete, complete_line = True, line_of(marker)
    return _Markers(archive, complete, complete_line, tuple(misplaced))


def atom_page(feed: etree._Element, base: str | None) -> Page:
    """The facts of an Atom feed document (`feed` is its root element)."""
    entries = atom_children(feed, "entry")
    ids = [
        EntryId((element.text or "").strip(), line_of(element))
        for entry in entries
        for element in atom_children(entry, "id")[:1]
    ]
    entry_links = [link for entry in entries for link in atom_children(entry, "link")]
    return _xml_page("atom", feed, atom_children(feed, "link"), entry_links, ids, base)


def _atom_links(element: etree._Element) -> list[etree._Element]:
    return list(element.iterchildren(f"{{{ATOM}}}link"))


def rss_page(channel: etree._Element, base: str | None) -> Page:
    """The facts of an RSS channel: links are `atom:link` elements, ids are guids."""
    items = [child for child in child_elements(channel) if qname(child) == ("", "item")]
    ids = [
        EntryId((guid.text or "").strip(), line_of(guid))
        for item in items
        for guid in item.iterchildren("guid")
    ]
    entry_links = [link for item in items for link in _atom_links(item)]
    return _xml_page("rss", channel, _atom_links(channel), entry_links, ids, base)


def _xml_page(
    family: str,
    parent: etree._Element,
    links: list[etree._Element],
    entry_links: list[etree._Element],
    ids: list[EntryId],
    base: str | None,
) -> Page:
    """What Atom and RSS say alike: markers and history links on the feed or
    channel (Atom hrefs were judged by the Atom rules already, RSS ones not)."""
    markers = _markers(parent)
    checked = family == "atom"
    return Page(
        family=family,
        line=line_of(parent),
        is_archive=markers.archive,
        is_complete=markers.complete,
        complete_line=markers.complete_line,
        links=_history_links(links, base, syntax_checked=checked),
        entry_links=_history_links(entry_links, base, syntax_checked=checked),
        own_urls=_own_urls(links, base),
        entry_ids=tuple(i for i in ids if i.value),
        misplaced_markers=markers.misplaced,
    )


def json_page(feed: dict[str, JSONValue], text: str, base: str | None) -> Page:
    """The facts of a JSON Feed: `next_url` is its only paging link."""
    items = feed.get("items")
    items = items if isinstance(items, list) else []
    id_pointers = {
        f"/items/{index}/id": item["id"]
        for index, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("id"), str | int)
    }
    next_url = feed.get("next_url")
    wanted = set(id_pointers) | ({"/next_url"} if isinstance(next_url, str) else set())
    lines = pointer_lines(text, wanted) if wanted else {}
    feed_url = feed.get("feed_url")
    own = [base] if base else []
    if isinstance(feed_url, str) and feed_url.strip():
        own.append(resolve(base, feed_url.strip()))
    link = None
    if isinstance(next_url, str):
        target = resolve(base, next_url.strip())
        link = PageLink("next", next_url, target, lines.get("/next_url"), syntax_checked=True)
    return Page(
        family="jsonfeed",
        line=1,
        own_urls=tuple(own),
        entry_ids=tuple(EntryId(str(value), lines.get(p)) for p, value in id_pointers.items()),
        next_url=link,
    )


# The readers the family registry names (families.Family.pages): the whole
# document in, its Page out, or None when it is not a feed of that family.


def atom_document_page(tree: etree._ElementTree, context: CheckContext) -> Page | None:
    root = tree.getroot()
    return atom_page(root, context.base) if qname(root) == (ATOM, "feed") else None


def rss_document_page(tree: etree._ElementTree, context: CheckContext) -> Page | None:
    channel = next(tree.getroot().iterchildren("channel"), None)
    return rss_page(channel, context.base) if channel is not None else None


def json_document_page(data: bytes, context: CheckContext) -> Page | None:
    parsed = parse_json(data, context.source)
    if not parsed.ok or not isinstance(parsed.document, dict):
        return None
    return json_page(parsed.document, parsed.text, context.base)
