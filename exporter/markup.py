"""Does plain text look like markup? One answer for the renderer and the checker.

The Atom renderer declares such text as escaped HTML (`type="html"`, which shows
the same characters) and the checker warns when a `type="text"` value looks like
this: with one predicate, our own feeds can never trip our own warning.
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


def looks_like_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None
