"""Element helpers shared by the Atom and RSS rules: names, text, labels and lines.

They read lxml elements of parsed (untrusted) feeds, so comments, processing
instructions and entities (whose `tag` is not a string) are handled everywhere.
The walks call them for every element of large feeds: tag splitting is cached,
as a feed repeats a handful of tags thousands of times.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree


@lru_cache(maxsize=4096)
def split_tag(tag: str) -> tuple[str, str]:
    """("namespace", "local") of a tag string; the namespace is "" when there is none."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def qname(element: etree._Element) -> tuple[str, str]:
    """("namespace", "local") of an element; ("", "") for comments and PIs."""
    tag = element.tag
    return split_tag(tag) if isinstance(tag, str) else ("", "")


def local_name(element: etree._Element) -> str:
    return qname(element)[1]


def namespace(element: etree._Element) -> str:
    return qname(element)[0]


def child_elements(element: etree._Element) -> list[etree._Element]:
    """Element children only: comments, processing instructions and entities skipped."""
    return list(element.iterchildren(etree.Element))


def direct_text(element: etree._Element) -> str:
    """The character data directly inside an element (not in its children), as is:
    Atom judges a value and its surrounding whitespace separately."""
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    parts += [child.tail or "" for child in element]
    return "".join(parts)


def has_direct_text(element: etree._Element) -> bool:
    """Some character data directly inside `element` (not in a child) is not all
    whitespace; like `direct_text(element).strip()` without building the string."""
    text = element.text
    if text and not text.isspace():
        return True
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            return True
    return False


def trimmed_text(element: etree._Element) -> str:
    """All character data inside an element, its children's too, with surrounding
    whitespace removed: what an RSS reader shows for the element."""
    if not len(element):  # no children: the text is all there is (the common case)
        text = element.text
        return text.strip() if text else ""
    return "".join(t for t in element.itertext() if isinstance(t, str)).strip()


def describe(element: etree._Element) -> str:
    """`<entry>/<title>` label for messages, by local names (Atom)."""
    parent = element.getparent()
    if parent is None:
        return f"<{local_name(element)}>"
    return f"<{local_name(parent)}>/<{local_name(element)}>"


def describe_prefixed(element: etree._Element) -> str:
    """`<item>/<dc:date>` label for messages, with the prefixes the feed wrote (RSS,
    where modules are told apart by prefix)."""
    parent = element.getparent()
    name = f"<{_prefixed(element)}>"
    return f"<{_prefixed(parent)}>/{name}" if parent is not None else name


def _prefixed(element: etree._Element) -> str:
    prefix = element.prefix
    return f"{prefix}:{local_name(element)}" if prefix else local_name(element)


def line_of(element: etree._Element) -> int | None:
    """lxml's source line (None for elements built in memory), typed for callers."""
    line = element.sourceline
    return line if isinstance(line, int) else None
