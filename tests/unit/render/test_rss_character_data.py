"""RSS plain text holding `<` or `&` is written with hexadecimal character
references (issue 13): the W3C validator's CharacterData warning (and ours) never
fires on our own feeds, the text reads back unchanged, and head + entries + tail
is still the bytes of one render."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from lxml import etree

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.render import FORMATS
from exporter.render.pieces import SEPARATORS, open_ends, split_entries
from tests.support import article, repo_config

NOW = datetime(2025, 1, 1, tzinfo=UTC)
TITLE = "Release <beta> of A&B: x < y && z"
RELATED = [{"title": "Tips for <beta> testers & more", "webUrl": "https://other.example.org/r"}]


def _render() -> bytes:
    articles = [
        article(title=TITLE, related=RELATED),
        article(title="Plain", webUrl="https://news.example.com/plain"),
    ]
    return FORMATS["rss"].render(articles, repo_config(), NOW)


def test_plain_text_uses_hexadecimal_references() -> None:
    data = _render()
    assert b"Release &#x3C;beta&gt; of A&#x26;B: x &#x3C; y &#x26;&#x26; z" in data
    assert b'title="Tips for &#x3C;beta&gt; testers &#x26; more"' in data
    assert b"&lt;beta" not in data and b"A&amp;B" not in data


def test_our_rss_draws_no_warning_and_reads_back_the_same_text() -> None:
    data = _render()
    config = repo_config()
    context = CheckContext(source="rss.xml", base=config.url_for("rss"), now=NOW)
    assert check_bytes(data, context) == []
    root = etree.fromstring(data)
    assert root.findtext("channel/item/title") == TITLE
    link = root.find("channel/item/{http://www.w3.org/2005/Atom}link[@rel='related']")
    assert link is not None and link.get("title") == RELATED[0]["title"]


def test_a_title_with_an_html_end_tag_is_escaped_once_as_html() -> None:
    title = "Use <b>bold</b> sparingly"
    data = FORMATS["rss"].render([article(title=title)], repo_config(), NOW)
    context = CheckContext(source="rss.xml", base=repo_config().url_for("rss"), now=NOW)
    assert check_bytes(data, context) == []
    shown = etree.fromstring(data).findtext("channel/item/title")
    assert shown == html.escape(title, quote=False)  # an HTML-reading reader shows `title`


def test_head_entries_and_tail_are_still_one_render() -> None:
    articles = [article(title=TITLE, related=RELATED)]
    whole = FORMATS["rss"].render(articles, repo_config(), NOW)
    head, tail = open_ends("rss", FORMATS["rss"].render((), repo_config(), NOW))
    entries = split_entries("rss", whole, len(articles))
    assert head + SEPARATORS["rss"].join(entries) + tail == whole
