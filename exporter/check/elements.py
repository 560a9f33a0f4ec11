"""Element helpers shared by the Atom and RSS rules."""

from __future__ import annotations

from lxml import etree


def has_direct_text(element: etree._Element) -> bool:
    """Some character data directly inside `element` (not in a child) is not all
    whitespace; like `"".join(text and tails).strip()` without building the string."""
    text = element.text
    if text and not text.isspace():
        return True
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            return True
    return False
