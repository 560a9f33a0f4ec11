"""Workarounds for feedgen 1.0.0, each with a regression test in tests/test_export_feedgen.py.

- lkiesow/python-feedgen#135: `FeedEntry.atom_entry` drops every link attribute
  but `href`, so a `rel="related"` link would become a second alternate link
  (invalid Atom). Related and via links are emitted by `EntryExtras`, an entry
  extension registered through feedgen's own extension API.
- `updated`/`lastBuildDate` default to the current time: `set_feed_updated`
  always sets them from the data (entries take theirs from the data too).
- `add_entry()` prepends: entries are built by `exporter.render.entries`, in
  order, and appended by our feed extension (`set_entries`).
- Naive datetimes raise inside feedgen: `view.utc_seconds` refuses them earlier
  with a clear message; XML-illegal characters make lxml raise: `view.plain_text`
  strips them from every text before it reaches feedgen.
- feedgen's media extension puts every `media:content` into one `media:group`
  (which means "the same content in several encodings"); `EntryExtras` writes
  them directly into the item instead.
- feedgen cannot set `type` on Atom titles: plain text that looks like markup
  (`Use <b> for bold`) is declared `type="html"` and escaped, which readers show
  as the same characters, instead of a `type="text"` value validators warn about.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from exporter.markup import looks_like_markup
from exporter.model import Image
from exporter.render.view import Link

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
EXTENSION = "exporter"
_MEDIA_TAGS = {name: f"{{{MEDIA_NS}}}{name}" for name in ("content", "thumbnail")}
_DC_CREATOR = f"{{{DC_NS}}}creator"
_ATOM_LINK = f"{{{ATOM_NS}}}link"


# Appends the entry elements to the element given (feed or channel) when feedgen
# reaches them: after the feed-level elements and their checks, as feedgen's own
# entries were. Built in place, each new element finds its namespace on the root.
EntryBuilder = Callable[[etree._Element], None]


def _no_entries(parent: etree._Element) -> None:
    return None


class RssNamespaces(BaseExtension):  # type: ignore[misc]
    """Declares the prefixes our RSS items use (feedgen adds `atom` and `content`),
    and appends the items: feedgen calls this just before it would add its own."""

    def __init__(self) -> None:
        self.entries: EntryBuilder = _no_entries

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC_NS, "media": MEDIA_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed.find("channel")
        if channel is not None:
            self.entries(channel)
        return feed


class AtomNamespaces(BaseExtension):  # type: ignore[misc]
    def __init__(self) -> None:
        self.entries: EntryBuilder = _no_entries

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        declare_markup_as_html(feed, ("title", "subtitle"))
        self.entries(feed)
        return feed


def declare_markup_as_html(parent: etree._Element, names: tuple[str, ...]) -> None:
    """Plain text that looks like markup becomes escaped `type="html"`: same characters
    on screen, and no "looks like HTML" warning from validators."""
    for name in names:
        element = parent.find(name)
        if element is None or element.get("type", "text") != "text":
            continue
        text = element.text or ""
        if looks_like_markup(text):
            element.set("type", "html")
            element.text = html.escape(text, quote=False)


class EntryExtras:
    """What feedgen could not write correctly: typed links, Media RSS, dc:creator."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str, str | None]] = []  # (rel, href, title)
        self.images: tuple[Image, ...] = ()
        self.creator: str | None = None

    def add_link(self, rel: str, href: str, title: str | None = None) -> None:
        self.links.append((rel, href, title))

    def add_related(self, related: tuple[Link, ...]) -> None:
        for link in related:
            self.add_link("related", link.url, link.title or None)

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        # feedgen builds Atom elements without a namespace and sets xmlns on the root.
        declare_markup_as_html(entry, ("title", "summary"))
        for rel, href, title in self.links:
            link = etree.SubElement(entry, "link", rel=rel, href=href)
            if title:
                link.set("title", title)
        self._add_media(entry)
        return entry

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.creator:
            etree.SubElement(item, _DC_CREATOR).text = self.creator
        for rel, href, title in self.links:
            link = etree.SubElement(item, _ATOM_LINK, rel=rel, href=href)
            if title:
                link.set("title", title)
        self._add_media(item)
        return item

    def _add_media(self, parent: etree._Element) -> None:
        for image in self.images:
            _media(parent, "content", image).set("medium", "image")
        if self.images:
            _media(parent, "thumbnail", self.images[0])


def _media(parent: etree._Element, name: str, image: Image) -> etree._Element:
    element = etree.SubElement(parent, _MEDIA_TAGS[name], url=image.url)
    if image.width is not None:
        element.set("width", str(image.width))
    if image.height is not None:
        element.set("height", str(image.height))
    return element


def new_generator(kind: str) -> FeedGenerator:
    """A FeedGenerator with our extension registered for one format ("rss" or "atom")."""
    generator = FeedGenerator()
    namespaces = RssNamespaces if kind == "rss" else AtomNamespaces
    generator.register_extension(
        EXTENSION, namespaces, None, atom=kind == "atom", rss=kind == "rss"
    )
    return generator


def set_entries(generator: FeedGenerator, entries: EntryBuilder) -> None:
    """How to add the entry (or item) elements the feed will hold, in order."""
    extension: RssNamespaces | AtomNamespaces = getattr(generator, EXTENSION)
    extension.entries = entries


def set_feed_updated(generator: FeedGenerator, updated: datetime) -> None:
    """Feed `updated` / `lastBuildDate` from the data (feedgen would stamp "now")."""
    generator.updated(updated)


def serialize(generator: FeedGenerator, kind: str) -> bytes:
    """UTF-8 bytes, XML declaration first, no BOM, pretty-printed (stable)."""
    to_string: Any = generator.rss_str if kind == "rss" else generator.atom_str
    data: bytes = to_string(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data
