"""Every public field of a record reaches every format that can carry it: section
and type as schemed categories, the original URL as a via link in RSS too, the
last edit as the entry's (and the feed's) updated time, and related articles in
full in JSON Feed. Read back by feedparser, and with no `check` finding at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest

from exporter.render import FORMATS
from exporter.render.view import CATEGORY_SCHEME, TYPE_SCHEME
from tests.support import CheckFeed, article, repo_config

FULL: dict[str, Any] = {
    "webUrl": "https://news.example.com/edited",
    "originalUrl": "https://origin.example.net/first",
    "publishedDateTime": "2024-03-01T10:00:00Z",
    "modifiedDateTime": "2024-03-02T12:30:00+02:00",
    "category": "opinion",
    "type": "video",
    "topics": ["AI"],
    "related": [
        {
            "title": "Related one",
            "excerpt": "What it says.",
            "publishedDateTime": "2024-02-01T08:00:00Z",
            "webUrl": "https://other.example.org/r1",
            "provider": {"name": "Other Paper", "domain": "other.example.org"},
            "images": [{"url": "https://cdn.example.org/r1.jpg", "width": 400, "height": 300}],
        },
        {"title": "Related two", "webUrl": "https://other.example.org/r2"},
    ],
}
OLDER = {"webUrl": "https://news.example.com/older", "publishedDateTime": "2024-02-20T10:00:00Z"}
EDITED = datetime(2024, 3, 2, 10, 30, tzinfo=UTC)


def _render(format_name: str, *records: dict[str, Any]) -> bytes:
    return FORMATS[format_name].render([article(**fields) for fields in records], repo_config())


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_the_new_fields_pass_check_without_a_finding(
    format_name: str, check_feed: CheckFeed
) -> None:
    data = _render(format_name, FULL, OLDER)
    assert check_feed(data, format_name, repo_config()) == []


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_xml_readers_see_section_type_edit_and_origin(format_name: str) -> None:
    parsed = feedparser.parse(_render(format_name, FULL, OLDER))
    assert not parsed.bozo, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    assert [(tag.term, tag.scheme) for tag in entry.tags] == [
        ("AI", None),
        ("opinion", CATEGORY_SCHEME),
        ("video", TYPE_SCHEME),
    ]
    assert entry.updated_parsed[:6] == EDITED.timetuple()[:6]
    assert entry.published_parsed[:6] == (2024, 3, 1, 10, 0, 0)
    assert [link.href for link in entry.links if link.rel == "via"] == [FULL["originalUrl"]]
    related = [(link.href, link.get("title")) for link in entry.links if link.rel == "related"]
    assert related == [
        ("https://other.example.org/r1", "Related one"),
        ("https://other.example.org/r2", "Related two"),
    ]
    # the feed's own date is its newest change: the edit, not the newest publication
    assert parsed.feed.updated_parsed[:6] == EDITED.timetuple()[:6]


def test_json_feed_carries_the_edit_the_classification_and_related_in_full() -> None:
    feed = json.loads(_render("json", FULL, OLDER))
    item = feed["items"][0]
    assert item["date_published"] == "2024-03-01T10:00:00+00:00"
    assert item["date_modified"] == "2024-03-02T10:30:00+00:00"
    assert item["external_url"] == FULL["originalUrl"]
    assert item["_classification"] == {"category": "opinion", "type": "video"}
    assert item["_related"]["articles"] == [
        {
            "url": "https://other.example.org/r1",
            "title": "Related one",
            "summary": "What it says.",
            "date_published": "2024-02-01T08:00:00+00:00",
            "authors": [{"name": "Other Paper", "url": "https://other.example.org/"}],
            "image": "https://cdn.example.org/r1.jpg",
        },
        {"url": "https://other.example.org/r2", "title": "Related two"},
    ]


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_an_unedited_article_says_nothing_about_an_edit(format_name: str) -> None:
    unedited = {**FULL, "modifiedDateTime": FULL["publishedDateTime"]}
    data = _render(format_name, unedited)
    assert b"date_modified" not in data and b"atom:updated" not in data
    if format_name == "atom":  # Atom needs <updated>: it is the publication time
        assert feedparser.parse(data).entries[0].updated_parsed[:6] == (2024, 3, 1, 10, 0, 0)
