"""Workarounds for feedgen 1.0.0, each with a regression test in
tests/unit/render/test_feedgen_workarounds.py.

- lkiesow/python-feedgen#135: `FeedEntry.atom_entry` drops every link attribute
  but `href`, so a `rel="related"` link would become a second alternate link
  (invalid Atom). Related and via links are emitted by `EntryExtras`, an entry
  extension registered through feedgen's own extension API.
- `updated`/`lastBuildDate` default to the current time: `new_entry` and
  `set_feed_updated` always set them from the data.
- `add_entry()` prepends: `new_entry` appends.
- Naive datetimes raise inside feedgen: `view.utc_seconds` refuses them earlier
  with a clear message; XML-illegal characters make lxml raise: `view.plain_text`
  strips them from every text before it reaches feedgen.
- feedgen's media extension puts every `media:content` into one `media:group`
  (which means "the same content in several encodings"); `EntryExtras` writes
  them directly into the item instead.
- RSS plain text holding `<` or `&` is written with hexadecimal character
  references (`&#x3C;`, `&#x26;`) after serialization, which lxml cannot be told
  to do (`hex_references_in_plain_text`).
- feedgen cannot set `type` on Atom titles: plain text that looks like markup
  (`Use <b> for bold`) is declared `type="html"` and escaped, which readers show
  as the same characters, instead of a `type="text"` value validators warn about.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from exporter.config import Paging
from exporter.markup import atom_html_text, rss_plain_text
from exporter.model import Image
from exporter.render.view import CATEGORY_SCHEME, TYPE_SCHEME, EntryView, Related

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
EXTENSION = "exporter"


class RssNamespaces(BaseExtension):  # type: ignore[misc]
    """Declares the prefixes our RSS items use (feedgen adds `atom` and `content`),
    and writes a channel's WebSub hub links and RFC 5005 marks: feedgen's RSS
    keeps one link only."""

    def __init__(self) -> None:
        self.paging: Paging | None = None
        self.hubs: tuple[str, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        if self.paging is not None and self.paging.archive:
            return {"dc": DC_NS, "media": MEDIA_NS, "fh": HISTORY_NS}
        return {"dc": DC_NS, "media": MEDIA_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        _add_links(channel, _ATOM_LINK, _hub_links(self.hubs))
        if self.paging is not None:
            _add_links(channel, _ATOM_LINK, _paging_links(self.paging))
            if self.paging.archive:
                _SubElement(channel, _FH_ARCHIVE)
        return feed


class AtomNamespaces(BaseExtension):  # type: ignore[misc]
    """Writes a feed's WebSub hub links and RFC 5005 marks, and declares markup-like
    titles as HTML."""

    def __init__(self) -> None:
        self.paging: Paging | None = None
        self.hubs: tuple[str, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        if self.paging is not None and self.paging.archive:
            return {"media": MEDIA_NS, "fh": HISTORY_NS}
        return {"media": MEDIA_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        declare_markup_as_html(feed, ("title", "subtitle"))
        _add_links(feed, "link", _hub_links(self.hubs))
        if self.paging is not None:
            _add_links(feed, "link", _paging_links(self.paging))
            if self.paging.archive:
                _SubElement(feed, _FH_ARCHIVE)
        return feed


def _hub_links(hubs: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """WebSub §4: a publisher names each hub with a `rel="hub"` link, so a
    subscriber knows where to subscribe for pushed updates."""
    return [("hub", hub, None) for hub in hubs]


def _paging_links(paging: Paging) -> list[tuple[str, str, str | None]]:
    """RFC 5005 §4: an archive page names its subscription document (`current`)
    and the next older page (`prev-archive`); the subscription document names
    the newest page. No `next-archive`: a full page would have to change when
    the page after it appears, and full pages never change."""
    links: list[tuple[str, str, str | None]] = []
    if paging.current is not None:
        links.append(("current", paging.current, None))
    if paging.older is not None:
        links.append(("prev-archive", paging.older, None))
    return links


def declare_markup_as_html(parent: etree._Element, names: tuple[str, ...]) -> None:
    """Plain text that looks like markup becomes escaped `type="html"`: same characters
    on screen, and no "looks like HTML" warning from validators."""
    for name in names:
        element = parent.find(name)
        if element is None or element.get("type", "text") != "text":
            continue
        escaped = atom_html_text(element.text or "")
        if escaped is not None:
            element.set("type", "html")
            element.text = escaped


class EntryExtras(BaseEntryExtension):  # type: ignore[misc]
    """What feedgen cannot write correctly: typed links, Media RSS, dc:creator."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str, str | None]] = []  # (rel, href, title)
        self.images: tuple[Image, ...] = ()
        self.creator: str | None = None
        self.modified: datetime | None = None  # RSS only: Atom has <updated>

    def add_link(self, rel: str, href: str, title: str | None = None) -> None:
        self.links.append((rel, href, title))

    def add_related(self, related: tuple[Related, ...]) -> None:
        for link in related:
            self.add_link("related", link.url, link.title or None)

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        # feedgen builds Atom elements without a namespace and sets xmlns on the root.
        declare_markup_as_html(entry, ("title", "summary"))
        _add_links(entry, "link", self.links)
        _add_media(entry, self.images)
        return entry

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.creator:
            _SubElement(item, _DC_CREATOR).text = self.creator
        if self.modified is not None:  # RSS has no edit date: Atom's, namespaced
            _SubElement(item, _ATOM_UPDATED).text = self.modified.isoformat()
        links = [(rel, href, title and rss_plain_text(title)) for rel, href, title in self.links]
        _add_links(item, _ATOM_LINK, links)
        _add_media(item, self.images)
        return item


# Runs once per entry and image: tags spelled out once, attributes passed in one
# mapping (insertion order is the attribute order written).
_SubElement = etree.SubElement
_DC_CREATOR = f"{{{DC_NS}}}creator"
_ATOM_LINK = f"{{{ATOM_NS}}}link"
_ATOM_UPDATED = f"{{{ATOM_NS}}}updated"
_FH_ARCHIVE = f"{{{HISTORY_NS}}}archive"
_MEDIA_CONTENT = f"{{{MEDIA_NS}}}content"
_MEDIA_THUMBNAIL = f"{{{MEDIA_NS}}}thumbnail"


def _add_links(parent: etree._Element, tag: str, links: list[tuple[str, str, str | None]]) -> None:
    for rel, href, title in links:
        if title:
            _SubElement(parent, tag, {"rel": rel, "href": href, "title": title})
        else:
            _SubElement(parent, tag, {"rel": rel, "href": href})


def _add_media(parent: etree._Element, images: tuple[Image, ...]) -> None:
    for image in images:
        attributes = _media_attributes(image)
        attributes["medium"] = "image"
        _SubElement(parent, _MEDIA_CONTENT, attributes)
    if images:
        _SubElement(parent, _MEDIA_THUMBNAIL, _media_attributes(images[0]))


def _media_attributes(image: Image) -> dict[str, str]:
    attributes = {"url": image.url}
    if image.width is not None:
        attributes["width"] = str(image.width)
    if image.height is not None:
        attributes["height"] = str(image.height)
    return attributes


def new_generator(
    kind: str, paging: Paging | None = None, hubs: tuple[str, ...] = ()
) -> FeedGenerator:
    """A FeedGenerator with our extension registered for one format ("rss" or
    "atom"), writing a link to each WebSub hub and the RFC 5005 marks of `paging`."""
    generator = FeedGenerator()
    namespaces = RssNamespaces if kind == "rss" else AtomNamespaces
    generator.register_extension(
        EXTENSION, namespaces, EntryExtras, atom=kind == "atom", rss=kind == "rss"
    )
    extension = getattr(generator, EXTENSION)
    extension.paging = paging
    extension.hubs = hubs
    return generator


def new_entry(
    generator: FeedGenerator, published: datetime, updated: datetime | None = None
) -> tuple[FeedEntry, EntryExtras]:
    """Append (not prepend) an entry whose dates come from the data, never the clock."""
    entry = generator.add_entry(order="append")
    entry.published(published)
    entry.updated(updated or published)
    extras: EntryExtras = getattr(entry, EXTENSION)
    return entry, extras


def categories_of(view: EntryView) -> list[dict[str, str]]:
    """Topics as plain categories, then the section and the type, each under its
    own scheme (Atom `scheme`, RSS `domain`: feedgen writes one as the other)."""
    found = [{"term": tag} for tag in view.tags]
    if view.category:
        found.append({"term": view.category, "scheme": CATEGORY_SCHEME})
    if view.kind:
        found.append({"term": view.kind, "scheme": TYPE_SCHEME})
    return found


def set_feed_updated(generator: FeedGenerator, updated: datetime) -> None:
    """Feed `updated` / `lastBuildDate` from the data (feedgen would stamp "now")."""
    generator.updated(updated)


def serialize(generator: FeedGenerator, kind: str) -> bytes:
    """UTF-8 bytes, XML declaration first, no BOM, pretty-printed (stable)."""
    to_string: Any = generator.rss_str if kind == "rss" else generator.atom_str
    data: bytes = to_string(pretty=True, encoding="UTF-8", xml_declaration=True)
    return hex_references_in_plain_text(data) if kind == "rss" else data


# RSS plain text (titles, contacts, dc:creator, link titles): serialized by lxml as
# text between a start and an end tag (never a raw "<"), or as an attribute value.
_PLAIN_ELEMENT = re.compile(
    rb"(<(title|copyright|managingEditor|webMaster|author|dc:creator)>)([^<]*)(</\2>)"
)
_LINK_TITLE = re.compile(rb'(<atom:link [^>]*?\btitle=")([^"]*)(")')
_HEX = {b"&lt;": b"&#x3C;", b"&amp;": b"&#x26;"}
_ESCAPE = re.compile(rb"&lt;|&amp;")


def _hexadecimal(match: re.Match[bytes]) -> bytes:
    return _HEX[match.group()]


def hex_references_in_plain_text(data: bytes) -> bytes:
    """`<` and `&` in RSS plain text as `&#x3C;` and `&#x26;`, as the RSS Best
    Practices Profile asks: readers that guess whether RSS text is HTML then read
    it as text, and the W3C validator does not warn (CharacterData, issue 13).
    Same characters for an XML parser; the change stays inside one element or
    attribute, so cutting the document into pieces (pieces.py) is unaffected."""
    if b"&" not in data:
        return data

    def element(match: re.Match[bytes]) -> bytes:
        text = _ESCAPE.sub(_hexadecimal, match.group(3))
        return match.group(1) + text + match.group(4)

    def attribute(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _ESCAPE.sub(_hexadecimal, match.group(2)) + match.group(3)

    return _LINK_TITLE.sub(attribute, _PLAIN_ELEMENT.sub(element, data))
