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


# Where cmark-gfm 0.29 and markdown-it-py (CommonMark 0.31) may differ, each case
# found by a differential fuzz. Substring tests (C speed) come first: one regex
# scan of a body costs about as much as all of them together.
_FORBIDDEN = (
    "<",  # raw HTML (escaped text for us, omitted by cmark), autolinks, <destinations>
    "]:",  # reference definitions: titles, labels (Unicode case folding), setext lines
    "\\ ",  # a backslash before spaces: hard break or not
    "\\\n ",  # a backslash break before an indented lazy line: indent kept or not
)
# Checked where the needle occurs: (needle, pattern matched at that position).
_FORBIDDEN_AT = (
    ("%", re.compile("%(?![0-9A-Fa-f]{2})")),  # lone %: markdown-it writes %25, cmark %
    # `(` in a destination (balance rules differ), non-ASCII (markdown-it punycodes hosts).
    ("](", re.compile(r"\]\(\s*[^\s)]*[(\x80-\U0010ffff]")),
)
# [[[...: markdown-it gives up at maxNesting 20.
_DEEP_BRACKETS = re.compile(r"(?:\[[^\[\]]*){10}")
# A line prefix of more than 12 container columns (each `>` or list marker, each
# indent step takes at least one): markdown-it stops nesting at level 20, cmark never
# does, and libxml2 refuses documents deeper than 256.
_DEEP_PREFIX = re.compile(r"\n[ >*+\-0-9.)]{13}")
_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,9}));")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
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
    # Not printable: controls, tabs (tab stops), Unicode spaces (markdown-it strips them
    # from paragraph edges, cmark keeps them), surrogates, unassigned characters.
    if not text.replace("\n", " ").isprintable():
        return False
    if any(needle in text for needle in _FORBIDDEN):
        return False
    for needle, pattern in _FORBIDDEN_AT:
        position = text.find(needle)
        while position >= 0:
            if pattern.match(text, position):
                return False
            position = text.find(needle, position + 1)
    if "`" in text and "\n " in text:  # a code span over an indented line: indent differs
        return False
    if text.count("[") >= 10 and _DEEP_BRACKETS.search(text):
        return False
    if _DEEP_PREFIX.search("\n" + text):
        return False
    if "&#" in text and not _numeric_entities_agree(text):
        return False
    return _delimiters_agree(text)


def _numeric_entities_agree(text: str) -> bool:
    """Only characters both decode alike (not NUL, surrogates, controls, non-characters)."""
    for hexadecimal, decimal in _NUMERIC_ENTITY.findall(text):
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if not (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFDCF):
            return False
    return True


def _delimiters_agree(text: str) -> bool:
    """No `*`/`_` run whose emphasis the two engines may read differently.

    A run that can both open and close (word*word, punct*punct, punct_punct) makes
    cmark 0.29 misplace its openers_bottom (fixed in cmark 0.30): `**y*a*:*`. And
    CommonMark 0.31 counts symbols (€, ©, emoji) as punctuation, 0.29 does not.
    """
    for delimiter in "*_":
        strong_depth = 0
        start = text.find(delimiter)
        while start >= 0:
            end = start + 1
            while end < len(text) and text[end] == delimiter:
                end += 1
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if end - start >= 4:  # cmark-gfm reads `****a****` as one <strong>
                return False
            if not _run_agrees(delimiter, before, after):
                return False
            if end - start >= 2:
                # cmark-gfm drops a <strong> directly inside a <strong>: `**a **b** c**`.
                if _closes(before, after) and strong_depth:
                    strong_depth -= 1
                elif after not in " \n":
                    if strong_depth:
                        return False
                    strong_depth += 1
            start = text.find(delimiter, end)
    return True


def _closes(before: str, after: str) -> bool:
    """Right-flanking (runs that also open were refused by `_run_agrees`)."""
    if before in " \n":
        return False
    before_punctuation = before in _ASCII_PUNCTUATION or _is_unicode_punctuation(before)
    after_punctuation = after in _ASCII_PUNCTUATION or _is_unicode_punctuation(after)
    return not before_punctuation or after in " \n" or after_punctuation


def _is_unicode_punctuation(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char)[0] == "P"


def _run_agrees(delimiter: str, before: str, after: str) -> bool:
    if before in " \n" or after in " \n":
        return True  # opens or closes, never both
    if not _same_class_everywhere(before) or not _same_class_everywhere(after):
        return False
    # Non-ASCII counts as both a word character and punctuation: the safe side.
    before_punctuation = before in _ASCII_PUNCTUATION or not before.isascii()
    after_punctuation = after in _ASCII_PUNCTUATION or not after.isascii()
    if before_punctuation and after_punctuation:
        return False  # punct*punct, punct_punct: both open and close
    word_both_sides = before not in _ASCII_PUNCTUATION and after not in _ASCII_PUNCTUATION
    return delimiter == "_" or not word_both_sides  # word*word opens and closes


def _same_class_everywhere(char: str) -> bool:
    """ASCII, or a letter, mark, digit or punctuation in every Unicode version's sense."""
    return char.isascii() or unicodedata.category(char)[0] in "LMNP"


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
