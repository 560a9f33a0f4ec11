"""Markdown bodies become sanitised HTML with absolute URLs."""

from __future__ import annotations

import re

import pytest

from exporter.content import absolute_url, body_to_html

BASE = "https://news.example.com/section/story.html"


def test_commonmark_renders_basic_markup() -> None:
    html = body_to_html("# Title\n\nSome *em* and **strong** & `code`.\n\n- a\n- b", BASE)
    assert html == (
        "<h1>Title</h1>\n<p>Some <em>em</em> and <strong>strong</strong> &amp; <code>code</code>"
        ".</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    )


def test_raw_html_is_escaped_text_not_markup() -> None:
    html = body_to_html('<script>alert(1)</script>\n\n<a href="x" onclick="evil()">a</a>', BASE)
    assert "<script" not in html and "<a href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,AAAA", "JaVaScRiPt:x"],
)
def test_dangerous_link_schemes_never_become_links(link: str) -> None:
    html = body_to_html(f"[click]({link}) ![img]({link})", BASE)
    assert "href" not in html and "src" not in html
    assert 'href="' + link not in html


def test_image_data_url_is_dropped() -> None:
    html = body_to_html("![pixel](data:image/png;base64,iVBORw0KGgo=)", BASE)
    assert html == '<p><img alt="pixel"></p>'


def test_relative_urls_become_absolute_against_the_article() -> None:
    html = body_to_html("[up](../other.html?a=1&b=2) [root](/x) ![i](img.png) [frag](#top)", BASE)
    assert 'href="https://news.example.com/other.html?a=1&amp;b=2"' in html
    assert 'href="https://news.example.com/x"' in html
    assert 'src="https://news.example.com/section/img.png"' in html
    assert 'href="https://news.example.com/section/story.html#top"' in html


def test_links_get_rel_noopener_and_keep_mailto() -> None:
    html = body_to_html("[mail](mailto:someone@example.com)", BASE)
    assert html == '<p><a href="mailto:someone@example.com" rel="noopener noreferrer">mail</a></p>'


def test_empty_body_is_empty_html() -> None:
    assert body_to_html("", BASE) == ""
    assert body_to_html("  \n\t", BASE) == ""


def test_absolute_url_rules() -> None:
    assert absolute_url("//cdn.example.com/a.png", BASE) == "https://cdn.example.com/a.png"
    assert absolute_url("ftp://example.com/f", BASE) is None
    assert absolute_url("   ", BASE) is None
    assert absolute_url("http://example.com/", BASE) == "http://example.com/"


def _depth(html: str) -> int:
    depth = deepest = 0
    for tag in re.finditer(r"<(/?)(?!br|hr|img)[a-z]", html):
        depth += -1 if tag.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize(
    "body",
    [
        ">" * 100_000 + " deep",
        "- " * 50_000 + "deep",
        "> - 1. " * 10_000 + "deep",
        "[" * 100_000,
        "*" * 100_000,
        "  " * 20_000 + "- x",
        "".join(f"{'  ' * level}- item {level}\n" for level in range(2000)),
    ],
)
def test_hostile_nesting_is_bounded(body: str) -> None:
    """markdown-it-py stops nesting at level 20; libxml2 refuses documents deeper than 256."""
    assert _depth(body_to_html(body, BASE)) <= 40
