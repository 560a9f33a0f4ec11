"""The discovery index: `index.opml` and `feeds.html`, listing every feed written.

A pure renderer like the others: it is given what was written (`FeedListing`s)
and returns bytes; it reads no file and no clock, and sorts its input, so the
same feeds give the same bytes whatever order they come in.

Titles and set keys come from records, which are hostile: every value goes
through lxml, which escapes it, after the characters no feed may carry are
stripped (the same `plain_text` the feeds use: lxml refuses them and HTML
treats them as parse errors). A `javascript:`, `vbscript:` or `data:` URL is
never written: an article's link is dropped (its title stays, as text) and a
feed's own URL, which the listing cannot do without, makes the call fail.
lxml's HTML serializer writes non-ASCII in an `href` as UTF-8 %-escapes: the
same URL (RFC 3987 §3.1), and what a browser would send anyway.

The page is plain HTML, no script and no XSLT: browsers are dropping XSLT
(whatwg/html #11523), so a feed cannot preview itself in a browser any more.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from itertools import groupby

from lxml import etree

from exporter.config import FEED_MEDIA_TYPES
from exporter.iri import is_dangerous_url, is_valid_absolute_iri
from exporter.markup import plain_text
from exporter.render.dates import utc_seconds

FORMAT_LABELS = {"rss": "RSS 2.0", "atom": "Atom 1.0", "json": "JSON Feed 1.1"}
_FORMAT_ORDER = {name: position for position, name in enumerate(FORMAT_LABELS)}
_OPML_DOCS = "https://opml.org/spec2.opml"
_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
    "pre{background:#f4f4f4;padding:.5rem;overflow-x:auto;white-space:pre-wrap}"
    "time{color:#555;font-size:.9em}"
    ".feed{border-top:1px solid #ddd;margin-top:1.5rem}"
)


@dataclass(frozen=True, slots=True)
class EntryPreview:
    title: str
    url: str  # absolute URL of the article
    published: datetime  # timezone-aware


@dataclass(frozen=True, slots=True)
class FeedListing:
    title: str  # the feed's title
    format: str  # "rss" | "atom" | "json"
    path: str  # POSIX path relative to the output folder, e.g. "topics/elections/atom.xml"
    url: str  # the feed's public absolute URL (its self link)
    group: str  # "" for the main feed, else the set's name, e.g. "topics"
    key: str  # the set value, e.g. "Elections" ("" for the main feed)
    entries: tuple[EntryPreview, ...]  # newest first


def render_opml(feeds: Sequence[FeedListing], title: str) -> bytes:
    """OPML 2.0 subscription list: main feeds at the top, one outline per set.

    Every feed file is listed, JSON Feeds included, each with `type="rss"`: OPML 2.0
    defines no other type for a subscription, and readers (listparser, NetNewsWire,
    Miniflux, FreshRSS) subscribe to any outline with an `xmlUrl` and tell RSS, Atom
    and JSON Feed apart from the document they fetch; an invented type such as
    "json" would make some of them skip the outline. Where one feed exists in
    several formats, `text` names the format so a person can pick one; `title`
    stays the feed's own title, as the spec asks. No `htmlUrl`: a listing does not
    know the site's page. `dateModified` is the newest entry's date (never the
    clock) and is left out when no feed has an entry.
    """
    ordered = _sorted(feeds)
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = _text(title)
    newest = _newest(ordered)
    if newest is not None:
        etree.SubElement(head, "dateModified").text = format_datetime(newest, usegmt=True)
    etree.SubElement(head, "docs").text = _OPML_DOCS
    body = etree.SubElement(opml, "body")
    formats_of = _formats_per_feed(ordered)
    for group, members in _groups(ordered):
        parent = body
        if group:
            name = _text(group)
            parent = etree.SubElement(body, "outline", text=name, title=name)
        for feed in members:
            name = _feed_title(feed)
            text = name
            if len(formats_of[feed.group, feed.key]) > 1:
                text = f"{name} ({FORMAT_LABELS[feed.format]})"
            etree.SubElement(
                parent, "outline", type="rss", text=text, title=name, xmlUrl=_feed_url(feed)
            )
    etree.indent(opml, space="  ")
    return etree.tostring(opml, encoding="UTF-8", xml_declaration=True) + b"\n"


def render_page(feeds: Sequence[FeedListing], title: str, preview: int = 5) -> bytes:
    """A static HTML5 page: each feed's link, the `<link rel="alternate">` tag to
    copy into a site's `<head>`, and its newest `preview` entries. The main feeds'
    tags are in this page's own head too, so browsers and readers discover them."""
    if preview < 0:
        raise ValueError(f"preview must be 0 or more, not {preview}")
    ordered = _sorted(feeds)
    page = etree.Element("html")
    head = etree.SubElement(page, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    etree.SubElement(head, "title").text = _text(title)
    for feed in ordered:
        if not feed.group:
            etree.SubElement(head, "link", _alternate_link(feed))
    etree.SubElement(head, "style").text = _STYLE
    body = etree.SubElement(page, "body")
    etree.SubElement(body, "h1").text = _text(title)
    intro = etree.SubElement(body, "p")
    intro.text = (
        "Subscribe to a feed with its link in a feed reader. To let browsers and readers "
        "find a feed from your own pages, copy its link tag into their <head>."
    )
    for group, members in _groups(ordered):
        section = etree.SubElement(body, "section")
        etree.SubElement(section, "h2").text = _text(group) if group else "Main feeds"
        for feed in members:
            _feed_block(section, feed, preview)
    etree.indent(page, space="")
    for block in page.iter("pre"):  # inside <pre> every character shows: no indentation
        block.text = block[0].tail = None
    return etree.tostring(page, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")


def _feed_block(parent: etree._Element, feed: FeedListing, preview: int) -> None:
    block = etree.SubElement(parent, "div", {"class": "feed"})
    etree.SubElement(block, "h3").text = _feed_title(feed)
    facts = etree.SubElement(block, "p")
    link = etree.SubElement(facts, "a", href=_feed_url(feed))
    link.text = _feed_url(feed)
    link.tail = f" · {FORMAT_LABELS[feed.format]} · {_text(feed.path)}"
    etree.SubElement(etree.SubElement(block, "pre"), "code").text = _link_tag(feed)
    shown = feed.entries[:preview]
    if not shown:
        return
    entries = etree.SubElement(block, "ol")
    for entry in shown:
        item = etree.SubElement(entries, "li")
        url = plain_text(entry.url)
        if _is_safe_link(url):
            headline = etree.SubElement(item, "a", href=url)
        else:  # the contract refuses such URLs; if one gets here, it is shown as text only
            headline = etree.SubElement(item, "span")
        headline.text = _text(entry.title)
        headline.tail = " "
        published = utc_seconds(entry.published)
        moment = etree.SubElement(item, "time", datetime=published.strftime("%Y-%m-%dT%H:%M:%SZ"))
        moment.text = published.strftime("%Y-%m-%d %H:%M UTC")


def _link_tag(feed: FeedListing) -> str:
    """The tag as text for the reader to copy: escaped once here (it is HTML the reader
    pastes), and once more by lxml when it is written into the `<code>` block."""
    attributes = _alternate_link(feed)
    quoted = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    return f"<link {quoted}>"


def _alternate_link(feed: FeedListing) -> dict[str, str]:
    return {
        "rel": "alternate",
        "type": FEED_MEDIA_TYPES[feed.format],
        "title": _feed_title(feed),
        "href": _feed_url(feed),
    }


def _sorted(feeds: Iterable[FeedListing]) -> list[FeedListing]:
    """Main feeds first, then sets by name, values by name, formats rss/atom/json."""
    for feed in feeds:
        if feed.format not in FORMAT_LABELS:
            raise ValueError(f"unknown feed format {feed.format!r} for {feed.path}")
    return sorted(
        feeds,
        key=lambda feed: (
            feed.group != "",
            feed.group,
            feed.key.casefold(),
            feed.key,
            _FORMAT_ORDER[feed.format],
            feed.path,
        ),
    )


def _groups(ordered: list[FeedListing]) -> list[tuple[str, list[FeedListing]]]:
    return [(group, list(members)) for group, members in groupby(ordered, lambda f: f.group)]


def _formats_per_feed(ordered: list[FeedListing]) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for feed in ordered:
        found.setdefault((feed.group, feed.key), set()).add(feed.format)
    return found


def _newest(feeds: Iterable[FeedListing]) -> datetime | None:
    dates = [utc_seconds(entry.published) for feed in feeds for entry in feed.entries]
    return max(dates, default=None)


def _text(value: str) -> str:
    return plain_text(value)


def _feed_title(feed: FeedListing) -> str:
    """The feed's title, else its path: an outline and a heading need some text."""
    return _text(feed.title).strip() or _text(feed.path)


def _feed_url(feed: FeedListing) -> str:
    """The feed's URL, refused when it is not one a reader may follow: a listing
    without it is useless, and a script URL in it would run in a reader."""
    url = plain_text(feed.url)
    if not _is_safe_link(url):
        raise ValueError(f"feed {feed.path}: refusing to list URL {feed.url!r}")
    return url


def _is_safe_link(url: str) -> bool:
    return is_valid_absolute_iri(url) and not is_dangerous_url(url)
