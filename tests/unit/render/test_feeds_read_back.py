"""Every mapped field, read back the way readers read it: feedparser (RSS, Atom), json."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest

from exporter.render import FORMATS
from tests.support import article, repo_config, seed_articles

SEED_ID = (
    "https://analyticsindiamag.com/"
    "does-deep-learning-fuel-loss-of-privacy-in-facial-recognition-technology/"
)
SEED_TITLE = "Does Deep Learning Fuel Loss of Privacy In Facial Recognition Technology?"
SEED_IMAGE = (
    "https://analyticsindiamag.com/wp-content/uploads/2021/02/"
    "Does-Deep-Learning-Fuel-Loss-of-Privacy-In-Facial-Recognition-Technology.jpg"
)
SEED_RELATED = [
    "https://www.foxnews.com/travel/delta-expands-facial-recognition-domestic-detroit",
    "https://markets.businessinsider.com/news/stocks/leading-facial-recognition-technology-"
    "provider-corsight-ai-announces-expansion-into-the-oceania-region-1030056904",
    "https://www.compsmag.com/news/technology/leading-provider-of-facial-recognition-"
    "technology-corsight-ai-announces-expansion-into-the-oceania-region/",
]


def render(format_name: str, articles: Any) -> bytes:
    return FORMATS[format_name].render(articles, repo_config())


def parse(format_name: str, articles: Any) -> Any:
    parsed = feedparser.parse(render(format_name, articles))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_seed_fields_read_back_by_feedparser(format_name: str) -> None:
    parsed = parse(format_name, seed_articles())
    config = repo_config()
    assert parsed.feed.title == config.title
    assert parsed.feed.link == config.site_url
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [config.url_for(format_name)]
    assert parsed.feed.updated_parsed[:6] == (2021, 2, 9, 4, 31, 0)
    [entry] = parsed.entries
    assert entry.id == SEED_ID
    assert entry.link == SEED_ID
    assert entry.title == SEED_TITLE
    assert entry.published_parsed[:6] == (2021, 2, 9, 4, 31, 0)
    assert entry.author == "Analytics India Magazine"
    # the topics, then the section and the type, each under its own scheme
    assert [(tag.term, tag.scheme) for tag in entry.tags] == [
        ("Computer Vision", None),
        ("AI", None),
        ("Machine Learning", None),
        ("news", "urn:feed-exporter:category"),
        ("article", "urn:feed-exporter:type"),
    ]
    assert entry.summary.startswith("Although face data is biometric information")
    assert [item["url"] for item in entry.media_content] == [SEED_IMAGE]
    assert (entry.media_content[0]["width"], entry.media_content[0]["height"]) == ("626", "417")
    assert [item["url"] for item in entry.media_thumbnail] == [SEED_IMAGE]
    related = [link for link in entry.links if link.rel == "related"]
    assert [link.href for link in related] == SEED_RELATED
    assert related[0].title == (
        "Delta expanding facial recognition technology to domestic flights in Detroit"
    )
    alternates = [link.href for link in entry.links if link.rel == "alternate"]
    assert alternates == [SEED_ID]


def test_seed_atom_author_uri_and_rss_guid_permalink() -> None:
    atom = parse("atom", seed_articles()).entries[0]
    assert atom.author_detail.href == "https://analyticsindiamag.com/"
    assert atom.updated_parsed[:6] == (2021, 2, 9, 4, 31, 0)
    rss = parse("rss", seed_articles()).entries[0]
    assert rss.id == SEED_ID
    assert f'<guid isPermaLink="true">{SEED_ID}</guid>'.encode() in render("rss", seed_articles())
    assert b"<author>" not in render("rss", seed_articles())


def test_seed_json_feed_fields() -> None:
    document = json.loads(render("json", seed_articles()))
    config = repo_config()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == config.title
    assert document["home_page_url"] == config.site_url
    assert document["feed_url"] == config.url_for("json")
    [item] = document["items"]
    assert item["id"] == SEED_ID and isinstance(item["id"], str)
    assert item["url"] == SEED_ID
    assert "external_url" not in item  # originalUrl equals webUrl in the seed
    assert item["title"] == SEED_TITLE
    assert item["summary"].startswith("Although face data is biometric information")
    assert item["content_text"] == item["summary"]  # no body: content_text still present
    assert "content_html" not in item
    assert item["date_published"] == "2021-02-09T04:31:00+00:00"
    assert item["authors"] == [
        {"name": "Analytics India Magazine", "url": "https://analyticsindiamag.com/"}
    ]
    assert item["tags"] == ["Computer Vision", "AI", "Machine Learning"]
    assert item["image"] == SEED_IMAGE
    assert item["_images"] == {"images": [{"url": SEED_IMAGE, "width": 626, "height": 417}]}
    assert [entry["url"] for entry in item["_related"]["articles"]] == SEED_RELATED


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_private_fields_never_exported(format_name: str, seed_file: Path) -> None:
    text = seed_file.read_text(encoding="utf-8")
    secured = text.split('secured: "', 1)[1].split('"', 1)[0]
    assert len(secured) > 100
    data = render(format_name, seed_articles())
    assert secured.encode() not in data
    for fragment in (secured[:16], secured[-16:], secured.split(";")[-1]):
        assert fragment.encode() not in data
    for name in (b"secured", b"quality", b"heat", b"isCached", b'"published"', b"false"):
        assert name not in data


TRICKY_TITLE = "Fish & Chips <b>bold</b> \"double\" 'single' <3 a<b — Ünïcödé 日本 🎉"


def tricky() -> list[Any]:
    return [
        article(
            title=TRICKY_TITLE,
            excerpt='Excerpt & <i>not markup</i> < 5 "q"',
            body="Body & *emph*",
            provider={"name": "P & Co <x>", "domain": "p.example.org"},
            topics=["A&B", "<c>", "Ü"],
            originalUrl="https://origin.example.net/story?a=1&b=2",
            related=[{"title": 'Rel & <title> "q"', "webUrl": "https://rel.example.com/1"}],
        )
    ]


def shown(detail: Any) -> str:
    """What a reader displays: HTML values are decoded, plain text is as is."""
    value: str = detail.value
    return html.unescape(value) if detail.type == "text/html" else value


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_tricky_text_survives_exactly_in_feedparser(format_name: str) -> None:
    [entry] = parse(format_name, tricky()).entries
    assert shown(entry.title_detail) == TRICKY_TITLE
    assert entry.author == "P & Co <x>"
    assert [tag.term for tag in entry.tags] == ["A&B", "<c>", "Ü"]
    related = [link for link in entry.links if link.rel == "related"]
    assert [(link.href, link.title) for link in related] == [
        ("https://rel.example.com/1", 'Rel & <title> "q"')
    ]
    assert entry.content[0].value == "<p>Body &amp; <em>emph</em></p>"
    if format_name == "atom":
        # Tag-like plain text is written as escaped type="html" (no validator warning).
        assert entry.title_detail.type == "text/html"
        assert shown(entry.summary_detail) == 'Excerpt & <i>not markup</i> < 5 "q"'
        via = [link.href for link in entry.links if link.rel == "via"]
        assert via == ["https://origin.example.net/story?a=1&b=2"]
    else:
        # RSS <description> is HTML: the plain-text excerpt is escaped so it displays as is.
        assert entry.summary_detail.type == "text/html"
        assert html.unescape(entry.summary) == 'Excerpt & <i>not markup</i> < 5 "q"'


def test_tricky_text_survives_exactly_in_json() -> None:
    [item] = json.loads(render("json", tricky()))["items"]
    assert item["title"] == TRICKY_TITLE
    assert item["summary"] == 'Excerpt & <i>not markup</i> < 5 "q"'
    assert item["authors"][0]["name"] == "P & Co <x>"
    assert item["tags"] == ["A&B", "<c>", "Ü"]
    assert item["external_url"] == "https://origin.example.net/story?a=1&b=2"
    assert item["content_html"] == "<p>Body &amp; <em>emph</em></p>"
    assert item["_related"] == {
        "articles": [{"url": "https://rel.example.com/1", "title": 'Rel & <title> "q"'}]
    }


def test_json_is_real_utf8_not_escaped() -> None:
    data = render("json", tricky())
    assert "Ünïcödé 日本 🎉".encode() in data
    assert not data.startswith(b"\xef\xbb\xbf")


def test_article_without_provider_falls_back_to_feed_author() -> None:
    articles = [article(provider=None)]
    config = repo_config()
    for format_name in ("rss", "atom"):
        assert parse(format_name, articles).entries[0].author == config.author.name
    [item] = json.loads(render("json", articles))["items"]
    assert item["authors"] == [{"name": config.author.name, "url": config.author.uri}]


def test_article_without_excerpt_or_body_repeats_its_title_only_where_atom_needs_text() -> None:
    """Issue 13: the title was the Atom summary and the JSON content_text, but no
    RSS description, and readers showed it twice. Now no format repeats it,
    except Atom, where the W3C validator warns without content or summary
    (MissingTextualContent) and on an empty one (NotBlank)."""
    articles = [article(excerpt=None, title="Only a title")]
    [item] = json.loads(render("json", articles))["items"]
    assert item["content_text"] == ""  # JSON Feed 1.1 requires the key, not a text
    assert "summary" not in item and "content_html" not in item
    [rss] = parse("rss", articles).entries
    assert rss.title == "Only a title"
    assert "summary" not in rss and "content" not in rss
    assert parse("atom", articles).entries[0].summary == "Only a title"


def test_article_with_an_excerpt_and_no_body_says_the_same_everywhere() -> None:
    articles = [article(excerpt="The short version.", title="A title")]
    [item] = json.loads(render("json", articles))["items"]
    assert item["summary"] == item["content_text"] == "The short version."
    assert parse("rss", articles).entries[0].summary == "The short version."
    assert parse("atom", articles).entries[0].summary == "The short version."


def test_feed_level_metadata_in_every_format() -> None:
    config = repo_config()
    assert config.logo and config.icon and config.author.uri
    rss = parse("rss", seed_articles()).feed
    assert rss.subtitle == config.description
    assert rss.language == "en"
    assert rss.image.href == config.logo
    assert rss.generator == "feed-exporter"
    atom = parse("atom", seed_articles()).feed
    assert atom.subtitle == config.description
    assert atom.language == "en"
    assert atom.icon == config.icon
    assert atom.logo == config.logo
    assert atom.id == config.url_for("atom")
    assert atom.author_detail.name == config.author.name
    assert atom.author_detail.href == config.author.uri
    assert [link.href for link in atom.links if link.rel == "alternate"] == [config.site_url]
    document = json.loads(render("json", seed_articles()))
    assert document["description"] == config.description
    assert document["language"] == "en"
    assert document["icon"] == config.logo
    assert document["favicon"] == config.icon
    assert document["authors"] == [{"name": config.author.name, "url": config.author.uri}]
