"""index.opml and feeds.html, read back by lxml and by listparser (a real OPML consumer)."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime
from urllib.parse import unquote

import listparser
import pytest
from lxml import etree, html

from exporter.render.discovery import EntryPreview, FeedListing, render_opml, render_page

MEDIA_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
# Main feeds first, then sets by name, values by name, formats rss/atom/json.
EXPECTED_ORDER = [
    "rss.xml",
    "atom.xml",
    "feed.json",
    "categories/science/rss.xml",
    "topics/ai/rss.xml",
    "topics/elections/atom.xml",
]


def by_path(feeds: list[FeedListing]) -> dict[str, FeedListing]:
    return {feed.path: feed for feed in feeds}


def opml_tree(feeds: list[FeedListing], title: str = "Example index") -> etree._Element:
    return etree.fromstring(render_opml(feeds, title))


def page_tree(feeds: list[FeedListing], preview: int = 5) -> html.HtmlElement:
    return html.document_fromstring(render_page(feeds, "Example feeds", preview))


# --- OPML ---------------------------------------------------------------------------------


def test_opml_lists_every_feed_with_its_url_and_title(discovery_feeds: list[FeedListing]) -> None:
    root = opml_tree(discovery_feeds)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Example index"
    listed = root.findall(".//outline[@xmlUrl]")
    feeds = by_path(discovery_feeds)
    assert [outline.get("xmlUrl") for outline in listed] == [
        feeds[path].url for path in EXPECTED_ORDER
    ]
    for outline, path in zip(listed, EXPECTED_ORDER, strict=True):
        assert outline.get("type") == "rss"
        assert outline.get("title") == feeds[path].title
        assert outline.get("htmlUrl") is None


def test_opml_groups_sets_and_names_formats_only_where_several(
    discovery_feeds: list[FeedListing],
) -> None:
    body = opml_tree(discovery_feeds).find("body")
    assert body is not None
    top = [(outline.get("text"), outline.get("xmlUrl") is not None) for outline in body]
    assert top == [
        ("Example news (RSS 2.0)", True),
        ("Example news (Atom 1.0)", True),
        ("Example news (JSON Feed 1.1)", True),
        ("categories", False),
        ("topics", False),
    ]
    topics = body[4]
    assert [outline.get("text") for outline in topics] == [
        "Εκλογές 2024 — 選挙 — الانتخابات",
        'Topic: <b>Elections</b> & "more"',
    ]


def test_opml_date_modified_is_the_newest_entry(discovery_feeds: list[FeedListing]) -> None:
    root = opml_tree(discovery_feeds)
    # newest: the hostile topic's 2024-03-11 08:00Z (main's newest is 12:30Z on the 10th)
    assert root.findtext("head/dateModified") == "Mon, 11 Mar 2024 08:00:00 GMT"
    without_entries = [dataclasses.replace(feed, entries=()) for feed in discovery_feeds]
    assert opml_tree(without_entries).find("head/dateModified") is None


def test_opml_read_by_listparser(discovery_feeds: list[FeedListing]) -> None:
    parsed = listparser.parse(render_opml(discovery_feeds, "Example & <index>"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "opml2"
    assert parsed.meta.title == "Example & <index>"
    feeds = by_path(discovery_feeds)
    assert [feed.url for feed in parsed.feeds] == [feeds[path].url for path in EXPECTED_ORDER]
    read = {feed.url: feed for feed in parsed.feeds}
    elections = read[feeds["topics/elections/atom.xml"].url]
    assert elections.title == 'Topic: <b>Elections</b> & "more"'
    assert elections.tags == ["topics"]
    assert read[feeds["rss.xml"].url].tags == []


# --- HTML page ----------------------------------------------------------------------------


def test_page_head_announces_the_main_feeds_only(discovery_feeds: list[FeedListing]) -> None:
    tree = page_tree(discovery_feeds)
    links = tree.xpath("/html/head/link[@rel='alternate']")
    assert [(link.get("type"), link.get("title"), link.get("href")) for link in links] == [
        (MEDIA_TYPES[feed.format], feed.title, feed.url)
        for feed in (by_path(discovery_feeds)[path] for path in EXPECTED_ORDER[:3])
    ]
    assert tree.findtext("head/title") == "Example feeds"
    assert tree.xpath("//style") and not tree.xpath("//script")


def test_page_shows_each_link_tag_as_text_that_pastes_back(
    discovery_feeds: list[FeedListing],
) -> None:
    blocks = page_tree(discovery_feeds).xpath("//div[@class='feed']")
    feeds = by_path(discovery_feeds)
    assert len(blocks) == len(EXPECTED_ORDER)
    for block, path in zip(blocks, EXPECTED_ORDER, strict=True):
        feed = feeds[path]
        [code] = block.xpath("pre/code")
        assert not len(code), "the tag must be text, not an element"
        pasted = html.fragment_fromstring(code.text)
        assert pasted.tag == "link"
        assert dict(pasted.attrib) == {
            "rel": "alternate",
            "type": MEDIA_TYPES[feed.format],
            "title": feed.title,
            "href": feed.url,
        }
        assert block.findtext("h3") == feed.title
        [feed_link] = block.xpath("p/a")
        assert feed_link.get("href") == feed.url == feed_link.text


@pytest.mark.parametrize("preview", [0, 1, 5, 100])
def test_page_previews_the_newest_entries(discovery_feeds: list[FeedListing], preview: int) -> None:
    blocks = page_tree(discovery_feeds, preview).xpath("//div[@class='feed']")
    main = by_path(discovery_feeds)["rss.xml"]
    items = blocks[0].xpath("ol/li")
    assert len(items) == min(preview, len(main.entries))
    for item, entry in zip(items, main.entries, strict=False):
        [link] = item.xpath("a")
        assert (link.text, link.get("href")) == (entry.title, entry.url)
        [moment] = item.xpath("time")
        assert datetime.fromisoformat(moment.get("datetime")) == entry.published  # same instant
        assert moment.get("datetime").endswith("Z")


def test_hostile_values_come_out_as_text(discovery_feeds: list[FeedListing]) -> None:
    page = render_page(discovery_feeds, "<script>alert(1)</script> feeds")
    tree = html.document_fromstring(page)
    assert b"<script" not in page and b"<img" not in page
    assert not tree.xpath("//script|//img|//b")
    assert tree.findtext("head/title") == "<script>alert(1)</script> feeds"
    [hostile] = [
        item for item in tree.xpath("//li") if item.text_content().strip().startswith("<script>")
    ]
    assert hostile.xpath("a")[0].get("href") == "https://news.example.com/x?a=1&b='2'"
    hrefs = tree.xpath("//@href")
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    # lxml writes non-ASCII in an href as UTF-8 %-escapes (RFC 3987 3.1): the same URL
    [non_latin] = tree.xpath("//li/a[starts-with(., 'Εκλογές')]")
    assert unquote(non_latin.get("href")) == "https://news.example.com/選挙"
    [unlinked] = tree.xpath("//li/span")
    assert unlinked.text == "Click me"


def test_xml_illegal_characters_are_stripped() -> None:
    entry = EntryPreview("bell\x07 and\x00 nul\ufffe", "https://example.org/a", _utc())
    feed = FeedListing(
        "feed\x1b title\x85", "rss", "rss.xml", "https://example.org/rss.xml", "", "", (entry,)
    )
    outline = etree.fromstring(render_opml([feed], "index\x0c")).find("body/outline")
    assert outline is not None and outline.get("title") == "feed title"
    tree = html.document_fromstring(render_page([feed], "page\x01"))
    assert tree.findtext("head/title") == "page"
    assert tree.xpath("//li/a")[0].text == "bell and nul"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "rss"]
)
def test_a_feed_url_that_is_not_safe_is_refused(url: str) -> None:
    feed = FeedListing("t", "rss", "rss.xml", url, "", "", ())
    with pytest.raises(ValueError, match="refusing"):
        render_opml([feed], "index")
    with pytest.raises(ValueError, match="refusing"):
        render_page([feed], "index")


def test_bad_arguments_are_refused() -> None:
    unknown = FeedListing("t", "atom03", "x.xml", "https://example.org/x.xml", "", "", ())
    with pytest.raises(ValueError, match="unknown feed format"):
        render_opml([unknown], "index")
    naive = EntryPreview("t", "https://example.org/a", datetime(2024, 1, 1))
    feed = FeedListing("t", "rss", "rss.xml", "https://example.org/rss.xml", "", "", (naive,))
    with pytest.raises(ValueError, match="naive"):
        render_page([feed], "index")
    with pytest.raises(ValueError, match="preview"):
        render_page([], "index", preview=-1)


def test_output_is_deterministic_whatever_the_input_order(
    discovery_feeds: list[FeedListing],
) -> None:
    shuffled = list(discovery_feeds)
    random.Random(7).shuffle(shuffled)
    assert render_opml(shuffled, "i") == render_opml(discovery_feeds, "i")
    assert render_page(shuffled, "i") == render_page(discovery_feeds, "i")


def test_empty_listing_is_still_a_valid_document() -> None:
    assert opml_tree([]).find("body") is not None
    assert page_tree([]).findtext("body/h1") == "Example feeds"


def _utc() -> datetime:
    return datetime.fromisoformat("2024-01-01T00:00:00+00:00")
