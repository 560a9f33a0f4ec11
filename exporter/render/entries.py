"""Atom entries and RSS items, built with lxml directly.

feedgen still writes the feed-level elements (once per batch). Per entry it
checked every argument, built dictionaries and only then the elements, which
made it most of the render time. These builders write, element for element and
attribute for attribute, what feedgen 1.0.0 wrote for the calls the renderers
made (feedgen's own bug #135 included: an entry's alternate link keeps only
its href), and raise the same ValueError where feedgen refused an entry.
"""

from __future__ import annotations

import html
from datetime import datetime

from lxml import etree

from exporter.render.feedgen_fixes import CONTENT_NS, EntryBuilder, EntryExtras
from exporter.render.view import EntryView

# feedgen's words, kept so a refused entry reads the same in the export report.
_MISSING_FIELDS = "Required fields not set"
_CONTENT_ENCODED = f"{{{CONTENT_NS}}}encoded"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(moment: datetime) -> str:
    """What feedgen's formatRFC2822 writes (strftime in the C locale), without
    switching the process locale twice per item: English names from tables."""
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return moment.strftime(f"{day}, %d {month} %Y %H:%M:%S %z")


def atom_entries(views: list[EntryView]) -> EntryBuilder:
    """What the Atom feed extension calls to append every entry, in order."""

    def add(feed: etree._Element) -> None:
        for view in views:
            atom_entry(view, feed)

    return add


def rss_items(views: list[EntryView]) -> EntryBuilder:
    """What the RSS feed extension calls to append every item, in order."""

    def add(channel: etree._Element) -> None:
        for view in views:
            rss_item(view, channel)

    return add


def atom_entry(view: EntryView, feed: etree._Element) -> etree._Element:
    """`<entry>` in no namespace (the feed root declares Atom as the default),
    appended to `feed`."""
    if not (view.id and view.title):
        raise ValueError(_MISSING_FIELDS)
    entry = etree.SubElement(feed, "entry")
    etree.SubElement(entry, "id").text = view.id
    etree.SubElement(entry, "title").text = view.title
    date = view.published.isoformat()
    etree.SubElement(entry, "updated").text = date
    if view.author_name:
        author = etree.SubElement(entry, "author")
        etree.SubElement(author, "name").text = view.author_name
        if view.author_uri:
            etree.SubElement(author, "uri").text = view.author_uri
    if view.content_html:
        content = etree.SubElement(entry, "content")
        content.text = view.content_html
        content.set("type", "html")
    etree.SubElement(entry, "link", href=view.url)
    # Without content *and* summary validators warn (MissingTextualContent).
    summary = view.summary or (None if view.content_html else view.title)
    if summary:
        etree.SubElement(entry, "summary").text = summary
    for tag in view.tags:
        etree.SubElement(entry, "category", term=tag)
    etree.SubElement(entry, "published").text = date
    extras = EntryExtras()
    if view.via_url:
        extras.add_link("via", view.via_url)
    extras.add_related(view.related)
    extras.images = view.images
    return extras.extend_atom(entry)


def rss_item(view: EntryView, channel: etree._Element) -> etree._Element:
    """`<item>`, with content:encoded, dc:creator, atom:link and Media RSS,
    appended to `channel`."""
    # <description> is HTML in RSS: escape the plain-text excerpt so "<" stays "<".
    description = html.escape(view.summary, quote=False) if view.summary else None
    if not (view.title or description or view.content_html):
        raise ValueError(_MISSING_FIELDS)
    item = etree.SubElement(channel, "item")
    if view.title:
        etree.SubElement(item, "title").text = view.title
    if view.url:
        etree.SubElement(item, "link").text = view.url
    if description:
        etree.SubElement(item, "description").text = description
        if view.content_html:
            etree.SubElement(item, _CONTENT_ENCODED).text = view.content_html
    elif view.content_html:
        etree.SubElement(item, "description").text = view.content_html
    if view.id:
        guid = etree.SubElement(item, "guid")
        guid.text = view.id
        guid.set("isPermaLink", "true")
    for tag in view.tags:
        etree.SubElement(item, "category").text = tag
    etree.SubElement(item, "pubDate").text = rfc822(view.published)
    # RSS <author> must be an e-mail address; a name goes into dc:creator.
    extras = EntryExtras()
    extras.creator = view.author_name
    extras.add_related(view.related)
    extras.images = view.images
    return extras.extend_rss(item)
