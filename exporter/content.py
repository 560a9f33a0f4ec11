"""Markdown body to sanitised HTML, the same fragment for every format.

markdown-it-py parses CommonMark with raw HTML disabled (any `<script>` in a body
comes out as escaped text), then nh3 keeps only the tags Markdown produces, only
http(s)/mailto URLs, and makes relative URLs absolute against the article URL:
readers resolve relative links inconsistently (few honour xml:base).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False})

# Exactly what CommonMark renders; anything else is dropped (its text kept).
_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1024)
def body_to_html(body: str, article_url: str) -> str:
    """Sanitised HTML for a Markdown body ("" for an empty body)."""
    if not body.strip():
        return ""
    return _sanitise(_MARKDOWN.render(body), article_url)


def _sanitise(raw: str, article_url: str) -> str:
    def keep_url(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) not in _URL_ATTRIBUTES:
            return value
        return absolute_url(value, article_url)

    html = nh3.clean(
        raw,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=keep_url,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return html.strip()


def absolute_url(value: str, base: str) -> str | None:
    """`value` resolved against `base`, or None when it is not http(s)/mailto.

    None drops the attribute: `javascript:`, `data:`, `vbscript:` and anything
    that only a browser would guess at never reach a feed.
    """
    value = value.strip()
    if not value:
        return None
    resolved = urljoin(base, value)
    parts = urlsplit(resolved)
    if parts.scheme == "mailto":
        return resolved
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved
