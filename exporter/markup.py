"""Plain text in feeds: which characters it may carry, and does it look like markup?
One answer for the renderers, the discovery index and the checker.

The Atom renderer declares text that looks like markup as escaped HTML
(`type="html"`, which shows the same characters) and the checker warns when a
`type="text"` value looks like this: with one predicate, our own feeds can never
trip our own warning.
"""

from __future__ import annotations

import html
import re

_MARKUP = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|code|div|em|h[1-6]|hr|i|img|li|ol|p|pre|q|s|small|span|"
    r"strong|sub|sup|table|td|th|tr|u|ul)(?:\s[^<>]*)?/?>"
    # an escaped entity such as &amp;nbsp; shows up as "&nbsp;" in a text reader
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#x[0-9A-Fa-f]{2,6});",
    re.IGNORECASE,
)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ufffe\uffff\ud800-\udfff]")


def plain_text(value: str) -> str:
    """`value` without the characters no feed should carry (same in every format)."""
    return _XML_ILLEGAL.sub("", value)


def looks_like_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None


# The elements of HTML (WHATWG living standard plus the obsolete ones readers still know).
HTML_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "address",
        "applet",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "basefont",
        "bdi",
        "bdo",
        "big",
        "blink",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "isindex",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "listing",
        "main",
        "map",
        "mark",
        "marquee",
        "menu",
        "meta",
        "meter",
        "nav",
        "nobr",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "plaintext",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "search",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "xmp",
    }
)
_END_TAG = re.compile(r"</(\w+)>", re.ASCII)


def html_end_tag(text: str) -> str | None:
    """The first HTML end tag in `text` (`</b>`), or None."""
    return next(
        (f"</{name}>" for name in _END_TAG.findall(text) if name.lower() in HTML_ELEMENTS), None
    )


def rss_plain_text(text: str) -> str:
    """Plain text for an RSS field that readers may take for HTML (titles): text
    holding an HTML end tag (`</b>`) is escaped as HTML, so readers show the same
    characters and validators see text, not markup (the W3C ContainsHTML warning;
    the Atom renderer declares such text `type="html"` for the same reason)."""
    return html.escape(text, quote=False) if html_end_tag(text) is not None else text


def atom_html_text(text: str) -> str | None:
    """Plain text that looks like markup, escaped for an Atom `type="html"` text
    construct (readers show the same characters, validators see no markup in
    text); None for text that stays `type="text"`."""
    return html.escape(text, quote=False) if looks_like_markup(text) else None


def title_as_written(format_name: str, title: str) -> str:
    """A title's characters as each format's file holds them (what reading the
    file gives back): Atom and RSS escape what would read as markup, JSON Feed
    holds the text itself."""
    if format_name == "atom":
        escaped = atom_html_text(title)
        return title if escaped is None else escaped
    if format_name == "rss":
        return rss_plain_text(title)
    return title
