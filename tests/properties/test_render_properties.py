"""Property tests: any text a record may hold renders to feeds with no errors, and a
title reads back exactly (after removing characters XML cannot carry)."""

from __future__ import annotations

import html
import json

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from exporter.config import FeedConfig
from exporter.markup import plain_text
from exporter.render import FORMATS
from tests.support import CheckFeed, MakeArticle, examples

# Any Unicode text, including XML-illegal characters and surrogates; at least one
# visible character so that the record would pass the contract's "not empty" rule.
TEXT = st.text(min_size=1, max_size=40).filter(lambda s: plain_text(s).strip() != "")
ATOM = "{http://www.w3.org/2005/Atom}"


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, excerpt=TEXT, body=st.text(max_size=200), topic=TEXT)
def test_arbitrary_text_gives_no_errors_and_exact_titles(
    make_article: MakeArticle,
    check_feed: CheckFeed,
    feed_config: FeedConfig,
    title: str,
    excerpt: str,
    body: str,
    topic: str,
) -> None:
    config = feed_config
    articles = [make_article(title=title, excerpt=excerpt, topics=[topic], provider=None)]
    expected = plain_text(title)
    for format_name, feed_format in FORMATS.items():
        data = feed_format.render(articles, config)
        problems = check_feed(data, format_name, config)
        assert problems == []
        if format_name == "json":
            assert json.loads(data)["items"][0]["title"] == expected
        else:
            # lxml, not feedparser: feedparser "repairs" text that looks like mojibake
            # ("Â¡" becomes "¡"), a reader quirk the tricky-title tests cover.
            root = etree.fromstring(data)
            path = "channel/item/title" if format_name == "rss" else f"{ATOM}entry/{ATOM}title"
            element = root.find(path)
            assert element is not None
            shown = element.text or ""
            if element.get("type") == "html":  # escaped HTML: readers show the same text
                shown = html.unescape(shown)
            assert shown == expected


def test_tag_like_title_is_escaped_html_in_atom_and_plain_text_elsewhere(
    make_article: MakeArticle, check_feed: CheckFeed, feed_config: FeedConfig
) -> None:
    """Titles are plain text in every format. In Atom, type="text" holding tag-like
    text draws the validators' "looks like HTML" warning, so such a title is written
    as escaped type="html": readers show exactly the same characters."""
    config = feed_config
    title = "Use <b> for bold & &nbsp; entities"
    articles = [make_article(title=title, excerpt="x")]
    data = FORMATS["atom"].render(articles, config)
    assert check_feed(data, "atom", config) == []
    entry = feedparser.parse(data).entries[0]
    assert entry.title_detail.type == "text/html"
    assert html.unescape(entry.title) == title
    # RSS 2.0 cannot declare a title's type: the element holds the exact text (feedparser
    # guesses HTML for it and decodes "&nbsp;", a reader-side ambiguity of RSS itself).
    rss = etree.fromstring(FORMATS["rss"].render(articles, config))
    assert rss.findtext("channel/item/title") == title
    assert json.loads(FORMATS["json"].render(articles, config))["items"][0]["title"] == title
