"""Property test: any Markdown-ish body becomes HTML with only the tags CommonMark
renders and only absolute http(s)/mailto URLs, whatever pieces it is made of."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.content import body_to_html
from tests.support import examples

BASE = "https://news.example.com/section/story.html"

# Pieces of Markdown that exercise every construct CommonMark knows and its edge cases
# (entities, escapes, dangerous schemes, Unicode spaces and symbols, line endings).
PIECES = [
    "*", "**", "_", "__", "[", "]", "(", ")", "](", "![", "]: ", ">", "> ", "- ", "* ",
    "+ ", "1. ", "2) ", "#", "# ", "## ", "`", "```", "~~~", "\n", "\n\n", " ", "  ",
    "    ", "&", "&amp;", "&copy;", "&#35;", "&#x41;", "&colon;", "&nbsp;", "&#0;",
    "&#xD800;", "1", "42", "!", "\\", "\\*", "http://ex.com/a", "https://x.org/p?q=1&r=2",
    "word", "foo", "bar", "é", "東", "€", "😀", "ß", "ẞ", "İ", "\u0301", '"', "'", "=",
    "===", "---", "***", "+", ":", "~", "|", ".", "$", "%20", "%", "[a]: /u", "[a]", "[A]",
    "[a][]", "[x][a]", "javascript:x", "JavaScript:x", "data:image/png;base64,AA",
    "data:text/html,x", "vbscript:", "file:///etc", "mailto:a@b.c", "a@b.c", "www.x.com",
    "\r\n", "\r", "\t", "\xa0", "\u2003", "<", "<b>", "<http://x.org>", "?", "'t'", '"t"',
    "(t)", "../x", "/abs", "#frag", "//cdn.x/y", "http://é.com/", "_a_", "*a*", "-",
]  # fmt: skip
TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)")
_URL = re.compile(r' (?:href|src)="([^"]*)"')


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join))
def test_generated_markdown_gives_only_commonmark_tags_and_safe_urls(body: str) -> None:
    html = body_to_html(body, BASE)
    assert {match.group(2) for match in _TAG.finditer(html)} <= TAGS, html
    for url in _URL.findall(html):
        parts = urlsplit(url.replace("&amp;", "&"))
        assert parts.scheme == "mailto" or (parts.scheme in ("http", "https") and parts.netloc)
