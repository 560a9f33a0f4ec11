"""One regression test per feedgen 1.0.0 workaround (exporter/render/feedgen_fixes.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

from exporter.model import Article
from exporter.render import FORMATS
from exporter.render.dates import EMPTY_FEED_EPOCH
from tests.support import article, repo_config

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def tree(format_name: str, articles: list[Article]) -> etree._Element:
    return etree.fromstring(FORMATS[format_name].render(articles, repo_config()))


def related_article() -> Article:
    return article(
        originalUrl="https://origin.example.net/1",
        related=[
            {"title": "First related", "webUrl": "https://rel.example.com/1"},
            {"title": "Second related", "webUrl": "https://rel.example.com/2"},
        ],
    )


def test_upstream_feedgen_still_drops_link_attributes() -> None:
    """Canary for lkiesow/python-feedgen#135: when this fails, feedgen was fixed and
    EntryExtras could go back to entry.link()."""
    generator = FeedGenerator()
    generator.id("https://example.com/feed")
    generator.title("t")
    entry = generator.add_entry()
    entry.id("https://example.com/1")
    entry.title("t")
    entry.content("c")
    entry.link(href="https://example.com/related", rel="related", title="Related")
    link = etree.fromstring(generator.atom_str()).find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and dict(link.attrib) == {"href": "https://example.com/related"}


def test_atom_related_and_via_links_keep_rel_and_title() -> None:
    entry = tree("atom", [related_article()]).find(f"{ATOM}entry")
    assert entry is not None
    links = [
        (link.get("rel", "alternate"), link.get("href"), link.get("title"))
        for link in entry.findall(f"{ATOM}link")
    ]
    assert links == [
        ("alternate", "https://news.example.com/articles/1", None),
        ("via", "https://origin.example.net/1", None),
        ("related", "https://rel.example.com/1", "First related"),
        ("related", "https://rel.example.com/2", "Second related"),
    ]


def test_rss_related_links_are_atom_links_inside_the_item() -> None:
    item = tree("rss", [related_article()]).find("channel/item")
    assert item is not None
    links = [(a.get("rel"), a.get("href"), a.get("title")) for a in item.findall(f"{ATOM}link")]
    assert links == [
        ("via", "https://origin.example.net/1", None),  # where the article first appeared
        ("related", "https://rel.example.com/1", "First related"),
        ("related", "https://rel.example.com/2", "Second related"),
    ]


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_dates_come_from_the_data_never_the_clock(format_name: str) -> None:
    articles = [
        article(webUrl="https://a.example.com/new", publishedDateTime="2020-05-06T07:08:09+02:00"),
        article(webUrl="https://a.example.com/old", publishedDateTime="2019-01-02T03:04:05Z"),
    ]
    data = FORMATS[format_name].render(articles, repo_config())
    assert str(datetime.now(UTC).year).encode() not in data
    root = etree.fromstring(data)
    if format_name == "atom":
        assert root.findtext(f"{ATOM}updated") == "2020-05-06T05:08:09+00:00"
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}updated") for e in entries] == [
            "2020-05-06T05:08:09+00:00",
            "2019-01-02T03:04:05+00:00",
        ]
        assert [e.findtext(f"{ATOM}published") for e in entries] == [
            e.findtext(f"{ATOM}updated") for e in entries
        ]
    else:
        assert root.findtext("channel/lastBuildDate") == "Wed, 06 May 2020 05:08:09 +0000"
        assert [i.findtext("pubDate") for i in root.findall("channel/item")] == [
            "Wed, 06 May 2020 05:08:09 +0000",
            "Wed, 02 Jan 2019 03:04:05 +0000",
        ]


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_empty_feed_uses_source_date_epoch(
    format_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    root = tree(format_name, [])
    if format_name == "atom":
        assert root.findtext(f"{ATOM}updated") == "2023-11-14T22:13:20+00:00"
    else:
        assert root.findtext("channel/lastBuildDate") == "Tue, 14 Nov 2023 22:13:20 +0000"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    root = tree(format_name, [])
    expected = EMPTY_FEED_EPOCH.isoformat()
    if format_name == "atom":
        assert root.findtext(f"{ATOM}updated") == expected
    else:
        assert root.findtext("channel/lastBuildDate") == "Sat, 01 Jan 2000 00:00:00 +0000"


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_entries_keep_the_given_order(format_name: str) -> None:
    urls = [f"https://a.example.com/{n}" for n in range(5)]
    articles = [article(webUrl=url, title=f"t{n}") for n, url in enumerate(urls)]
    data = FORMATS[format_name].render(articles, repo_config())
    if format_name == "json":
        assert [item["id"] for item in json.loads(data)["items"]] == urls
    elif format_name == "atom":
        ids = [e.findtext(f"{ATOM}id") for e in etree.fromstring(data).findall(f"{ATOM}entry")]
        assert ids == urls
    else:
        assert [i.findtext("guid") for i in etree.fromstring(data).findall("channel/item")] == urls


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_naive_datetime_is_refused_with_a_clear_message(format_name: str) -> None:
    naive = Article(
        id="https://a.example.com/1",
        url="https://a.example.com/1",
        title="t",
        published_at=datetime(2021, 1, 1),
    )
    with pytest.raises(ValueError, match="naive datetime"):
        FORMATS[format_name].render([naive], repo_config())


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_xml_illegal_characters_are_removed_everywhere(format_name: str) -> None:
    bad = article(
        title="A\x00B\x0bC\ufffeD\x1f\x85",
        excerpt="E\x0cF",
        body="G\x08H",
        topics=["T\x01"],
        related=[{"title": "R\x02", "webUrl": "https://rel.example.com/1"}],
    )
    data = FORMATS[format_name].render([bad], repo_config())
    text = data.decode("utf-8")
    for expected in ("ABCD", "EF", "GH", "R"):
        assert expected in text
    for illegal in "\x00\x0b\ufffe\x1f\x0c\x08\x01\x02\x85":
        assert illegal not in text
        assert f"\\u{ord(illegal):04x}" not in text


def test_images_are_not_wrapped_in_one_media_group() -> None:
    images = [
        {"url": "https://img.example.com/1.jpg", "width": 10, "height": 20},
        {"url": "https://img.example.com/2.jpg"},
    ]
    for format_name, path in (("rss", "channel/item"), ("atom", f"{ATOM}entry")):
        entry = tree(format_name, [article(images=images)]).find(path)
        assert entry is not None
        assert entry.find(f"{MEDIA}group") is None
        contents = [dict(c.attrib) for c in entry.findall(f"{MEDIA}content")]
        assert contents == [
            {
                "url": "https://img.example.com/1.jpg",
                "width": "10",
                "height": "20",
                "medium": "image",
            },
            {"url": "https://img.example.com/2.jpg", "medium": "image"},
        ]
        thumbnails = [dict(t.attrib) for t in entry.findall(f"{MEDIA}thumbnail")]
        assert thumbnails == [
            {"url": "https://img.example.com/1.jpg", "width": "10", "height": "20"}
        ]
