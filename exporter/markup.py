"""Plain text in feeds: which characters it may carry, and does it look like markup?
One answer for the renderers, the discovery index and the checker.

The Atom renderer declares text that looks like markup as escaped HTML
(`type="html"`, which shows the same characters) and the checker warns when a
`type="text"` value looks like this: with one predicate, our own feeds can never
trip our own warning.
"""

from __future__ import annotations

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
