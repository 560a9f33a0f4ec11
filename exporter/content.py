"""Markdown body to sanitised HTML, the same fragment for every format.

markdown-it-py parses CommonMark with raw HTML disabled (any `<script>` in a body
comes out as escaped text), then nh3 keeps only the tags Markdown produces, only
http(s)/mailto URLs, and makes relative URLs absolute against the article URL:
readers resolve relative links inconsistently (few honour xml:base).

markdown-it-py costs ~470 µs per body; cmark-gfm (C) renders the same body in
~15 µs. cmark-gfm follows an older CommonMark spec and renders raw HTML and some
edge cases differently, so it only runs where `_fast_html` can tell the two agree
(plain text, simple links, bounded nesting; see `_BLOCKERS`); everything else
takes markdown-it-py. tests/test_content_engines.py checks the agreement on the
bench corpus, generated Markdown and hostile nesting.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import nh3
from cmarkgfm import _cmark
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


def body_to_html(body: str, article_url: str) -> str:
    """Sanitised HTML for a Markdown body ("" for an empty body)."""
    return _render(body, article_url)


@lru_cache(maxsize=1024)
def _render(body: str, article_url: str) -> str:
    if not body.strip():
        return ""
    return _sanitise(_fast_html(body) or _MARKDOWN.render(body), article_url)


def reference_html(body: str, article_url: str) -> str:
    """`body_to_html` through markdown-it-py only: the behaviour the fast path must equal."""
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


# Text on which cmark-gfm 0.29 and markdown-it-py (CommonMark 0.31) may differ,
# each alternative found by a differential fuzz:
_BLOCKERS = re.compile(
    r"<"  # raw HTML (escaped text for us, omitted by cmark), autolinks, <destinations>
    r"|[\x00-\x09\x0b-\x1f\x7f]"  # controls and tabs: tab stops, \x0b kept vs stripped
    r"|[^\S \n]"  # Unicode spaces: markdown-it strips them from paragraph edges
    r"|\\ |\\\n "  # backslash before spaces, or a backslash break before an indented line
    r"|%(?![0-9A-Fa-f]{2})"  # a lone % in a link: markdown-it writes %25, cmark keeps it
    r"|\]\(\s*[^\s()]*\("  # parentheses inside link destinations
    r"|(?:\[[^\[\]]*){10}"  # [[[...: markdown-it gives up at maxNesting 20
    # A line prefix of more than 12 container columns (each `>` or list marker, each
    # indent step takes at least one): markdown-it stops nesting at level 20, cmark
    # never does, and libxml2 refuses documents deeper than 256.
    r"|^[ >*+\-0-9.)]{13}",
    re.MULTILINE,
)
_WORD = r"[A-Za-z0-9\x80-\U0010ffff]"
_PUNCTUATION = r"[!-/:-@\[-`{-~\x80-\U0010ffff]"
# A `*`/`_` run that can both open and close (word*word, punct*punct): cmark 0.29 then
# misplaces its openers_bottom (fixed in cmark 0.30) and leaves `**y*a*:*` unmatched.
_OPENS_AND_CLOSES = re.compile(rf"{_WORD}\*+{_WORD}|{_PUNCTUATION}[*_]+{_PUNCTUATION}")
_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,9}));")
_DESTINATION_NON_ASCII = re.compile(r"\]\(\s*[^\s)]*[^\x00-\x7f]")
_NEXT_TO_DELIMITER = re.compile(r"[^\x00-\x7f](?=[*_])|(?<=[*_])[^\x00-\x7f]")
_TRAILING_CODE = re.compile(r"</code></pre>\n(?:</(?:li|ul|ol|blockquote)>\n)*\Z")


def _fast_html(body: str) -> str | None:
    """cmark-gfm's HTML for `body` when it provably equals markdown-it-py's, else None."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")  # what markdown-it does first
    if not _fast_path_allowed(text):
        return None
    html = _cmark_html(text)
    if html is None:
        return None
    if 'href=""' in html or 'src=""' in html:  # cmark's mark for javascript: and co.
        return None
    if "<blockquote>\n</blockquote>" in html:  # empty blockquote: whitespace differs
        return None
    if not text.endswith("\n") and _TRAILING_CODE.search(html):
        return None  # an unclosed fence at the end: markdown-it drops the last newline
    return html


def _fast_path_allowed(text: str) -> bool:
    if _BLOCKERS.search(text) or _OPENS_AND_CLOSES.search(text):
        return False
    if "]:" in text:  # reference definitions: titles, labels, setext lines differ
        return False
    if "`" in text and "\n " in text:  # code span over an indented line: spaces differ
        return False
    if "&#" in text and not _numeric_entities_agree(text):
        return False
    return text.isascii() or _non_ascii_agrees(text)


def _numeric_entities_agree(text: str) -> bool:
    """Only characters both decode alike (not NUL, surrogates, controls, non-characters)."""
    for hexadecimal, decimal in _NUMERIC_ENTITY.findall(text):
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if not (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFDCF):
            return False
    return True


def _non_ascii_agrees(text: str) -> bool:
    if _DESTINATION_NON_ASCII.search(text):  # markdown-it punycodes host names
        return False
    # Emphasis flanking: CommonMark 0.31 counts symbols (€, ©, emoji) as punctuation.
    for char in _NEXT_TO_DELIMITER.findall(text):
        if unicodedata.category(char)[0] not in "LMNP":
            return False
    return not _SURROGATE.search(text)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _libc_free() -> ctypes._NamedFuncPointer | None:
    try:
        free = ctypes.CDLL(None).free
    except (OSError, TypeError, AttributeError):  # no C library to find (Windows)
        return None
    free.argtypes = [ctypes.c_void_p]
    free.restype = None
    return free


# cmarkgfm.markdown_to_html never frees the buffer cmark returns (theacodes/cmarkgfm#53,
# still true in 2025.10.22: ~15 KB leaked per 10 KB body), so call cmark directly
# and free it with the C library's free, which cmark's default allocator uses.
_FREE = _libc_free()


def _cmark_html(text: str) -> str | None:
    """cmark's HTML (safe mode: no raw HTML), or None where it cannot be freed."""
    if _FREE is None:
        return None
    data = text.encode("utf-8")
    pointer = _cmark.lib.cmark_markdown_to_html(data, len(data), 0)
    try:
        html: bytes = _cmark.ffi.string(pointer)
    finally:
        _FREE(int(_cmark.ffi.cast("uintptr_t", pointer)))
    return html.decode("utf-8")


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
