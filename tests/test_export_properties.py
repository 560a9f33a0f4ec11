"""Property tests: any text a record may hold renders to feeds with no errors, and a
title reads back exactly (after removing characters XML cannot carry)."""

from __future__ import annotations

import json

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_export_support import article, check_feed, repo_config

from exporter.render import FORMATS
from exporter.render.view import plain_text

# Any Unicode text, including XML-illegal characters and surrogates; at least one
# visible character so that the record would pass the contract's "not empty" rule.
TEXT = st.text(min_size=1, max_size=40).filter(lambda s: plain_text(s).strip() != "")
# Atom type="text" that looks like markup is a (deliberate) warning: see test below.
KNOWN_WARNINGS = {"atom-html-in-text"}
ATOM = "{http://www.w3.org/2005/Atom}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, excerpt=TEXT, body=st.text(max_size=200), topic=TEXT)
def test_arbitrary_text_gives_no_errors_and_exact_titles(
    title: str, excerpt: str, body: str, topic: str
) -> None:
    config = repo_config()
    articles = [article(title=title, excerpt=excerpt, topics=[topic], provider=None)]
    expected = plain_text(title)
    for format_name, feed_format in FORMATS.items():
        data = feed_format.render(articles, config)
        problems = check_feed(data, format_name, config)
        assert [p for p in problems if p.is_error or p.rule not in KNOWN_WARNINGS] == []
        if format_name == "json":
            assert json.loads(data)["items"][0]["title"] == expected
        else:
            # lxml, not feedparser: feedparser "repairs" text that looks like mojibake
            # ("Â¡" becomes "¡"), a reader quirk the tricky-title tests cover.
            root = etree.fromstring(data)
            path = "channel/item/title" if format_name == "rss" else f"{ATOM}entry/{ATOM}title"
            assert root.findtext(path) == expected


def test_tag_like_title_is_kept_as_plain_text_with_a_known_atom_warning() -> None:
    """Titles are plain text in every format (the issue's rule). In Atom that means
    type="text"; a title that contains tag-like text therefore gets the validator's
    "looks like HTML" warning, which says exactly what we intend: readers show the
    characters literally. Escaping it as type="html" would change the title that
    feedparser-based readers return."""
    config = repo_config()
    data = FORMATS["atom"].render([article(title="Use <b> for bold", excerpt="x")], config)
    rules = [p.rule for p in check_feed(data, "atom", config)]
    assert rules == ["atom-html-in-text"]
    assert feedparser.parse(data).entries[0].title == "Use <b> for bold"
