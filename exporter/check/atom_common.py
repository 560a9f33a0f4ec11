"""The Atom namespaces and the Atom children of an element, which every Atom rule
module needs (the findings accumulator and element helpers are shared with RSS)."""

from __future__ import annotations

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
ATOM_03 = "http://purl.org/atom/ns#"
XHTML = "http://www.w3.org/1999/xhtml"
XML = "http://www.w3.org/XML/1998/namespace"

_ATOM_TAG = "{" + ATOM + "}"


def atom_children(element: etree._Element, name: str | None = None) -> list[etree._Element]:
    """Child elements in the Atom namespace, optionally with one local name
    (lxml filters by tag in C: this runs for every element of large feeds)."""
    return list(element.iterchildren(_ATOM_TAG + (name or "*")))
