"""RSS vocabulary rules: which elements and attributes exist, where, and how often.

RSS 2.0 elements live in no namespace and their names are case-sensitive; anything
else must be in a namespace (RSS 2.0 "Extending RSS"). For the modules whose
vocabulary is small and fixed (Dublin Core, content, Atom) an unknown name in that
namespace is reported too, since it is almost always a typo that readers ignore.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from lxml import etree

from exporter.check.elements import (
    child_elements,
    describe_prefixed,
    has_direct_text,
    local_name,
    namespace,
    split_tag,
)
from exporter.check.findings import Findings

# lxml returns str names for parsed documents; typed once here, since a `cast` per
# element is a Python call for every element of the feed.
_attribute_names = cast("Callable[[etree._Element], list[str]]", etree._Element.keys)


DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True, slots=True)
class Child:
    """How often an element may appear under its parent."""

    repeatable: bool = False


ONCE = Child()
MANY = Child(repeatable=True)

VOCABULARY: dict[str, dict[str, Child]] = {
    "rss": {"channel": ONCE},
    "channel": {
        **dict.fromkeys(
            [
                "title",
                "link",
                "description",
                "language",
                "copyright",
                "managingEditor",
                "webMaster",
                "pubDate",
                "lastBuildDate",
                "generator",
                "docs",
                "cloud",
                "ttl",
                "image",
                "rating",
                "textInput",
                "skipHours",
                "skipDays",
            ],
            ONCE,
        ),
        "category": MANY,
        "item": MANY,
    },
    "item": {
        **dict.fromkeys(
            ["title", "link", "description", "author", "comments", "guid", "pubDate", "source"],
            ONCE,
        ),
        "category": MANY,
        "enclosure": MANY,  # a second one is only a warning (rss-duplicate-enclosure)
    },
    "image": dict.fromkeys(["url", "title", "link", "width", "height", "description"], ONCE),
    "textInput": dict.fromkeys(["title", "description", "name", "link"], ONCE),
    "skipHours": {"hour": MANY},
    "skipDays": {"day": MANY},
}
CONTAINERS = frozenset((*VOCABULARY, "cloud", "enclosure"))
ATTRIBUTES: dict[str, frozenset[str]] = {
    "rss": frozenset({"version"}),
    "category": frozenset({"domain"}),
    "cloud": frozenset({"domain", "port", "path", "registerProcedure", "protocol"}),
    "enclosure": frozenset({"url", "length", "type"}),
    "guid": frozenset({"isPermaLink"}),
    "source": frozenset({"url"}),
}
# Fixed vocabularies of modules commonly used inside channel and item.
MODULE_ELEMENTS: dict[str, frozenset[str]] = {
    DC_NS: frozenset(
        [
            "title",
            "creator",
            "subject",
            "description",
            "publisher",
            "contributor",
            "date",
            "type",
            "format",
            "identifier",
            "source",
            "language",
            "relation",
            "coverage",
            "rights",
        ]
    ),
    CONTENT_NS: frozenset({"encoded", "items"}),
    ATOM_NS: frozenset(
        [
            "author",
            "category",
            "contributor",
            "content",
            "generator",
            "icon",
            "id",
            "link",
            "logo",
            "published",
            "rights",
            "subtitle",
            "summary",
            "title",
            "updated",
        ]
    ),
}
SINGLE_MODULE_ELEMENTS = frozenset({(CONTENT_NS, "encoded"), (DC_NS, "date")})


def check_structure(root: etree._Element, findings: Findings) -> None:
    """Walk the core elements: undefined or repeated elements, stray attributes and text."""
    _check_attributes(root, findings)
    _check_container(root, findings)


def _check_container(parent: etree._Element, findings: Findings) -> None:
    allowed = VOCABULARY.get(local_name(parent), {})
    if has_direct_text(parent):
        findings.error(
            "rss-unexpected-text",
            parent,
            f"{describe_prefixed(parent)} holds text outside its child elements; move the text "
            "into the element that is meant to carry it.",
        )
    seen: set[tuple[str, str]] = set()
    for child in parent.iterchildren(etree.Element):
        key = split_tag(child.tag)
        if key[0]:
            _check_module_element(parent, child, key, seen, findings)
            continue
        spec = allowed.get(key[1])
        if spec is None:
            _undefined(parent, child, allowed, findings)
            continue
        if key in seen and not spec.repeatable:
            findings.error(
                "rss-duplicate-element",
                child,
                f"{describe_prefixed(child)} appears more than once; keep a single one.",
            )
        elif key in seen and key[1] == "enclosure":
            findings.warning(
                "rss-duplicate-enclosure",
                child,
                f"{describe_prefixed(child)}: an item has more than one enclosure; many readers "
                "only use the first, so give each media file its own item.",
            )
        seen.add(key)
        _check_attributes(child, findings)
        if key[1] in CONTAINERS:
            _check_container(child, findings)
        else:
            _check_leaf(child, findings)


def _undefined(
    parent: etree._Element, child: etree._Element, allowed: dict[str, Child], findings: Findings
) -> None:
    name = local_name(child)
    near = [known for known in allowed if known.lower() == name.lower()]
    hint = f"Element names are case-sensitive: write <{near[0]}>." if near else None
    findings.error(
        "rss-undefined-element",
        child,
        f"{describe_prefixed(child)} is not an RSS element here; remove it, fix its spelling, or "
        "put an extension element in its own namespace.",
        hint,
    )


def _check_module_element(
    parent: etree._Element,
    child: etree._Element,
    key: tuple[str, str],
    seen: set[tuple[str, str]],
    findings: Findings,
) -> None:
    known = MODULE_ELEMENTS.get(key[0])
    if known is not None and key[1] not in known and local_name(parent) in ("channel", "item"):
        findings.error(
            "rss-undefined-element",
            child,
            f"{describe_prefixed(child)} is not defined by its namespace {key[0]}; check the "
            "spelling.",
        )
    elif key in seen and key in SINGLE_MODULE_ELEMENTS:
        findings.error(
            "rss-duplicate-element",
            child,
            f"{describe_prefixed(child)} appears more than once; keep a single one.",
        )
    seen.add(key)
    _check_extension_children(child, findings)


def _check_extension_children(element: etree._Element, findings: Findings) -> None:
    """Inside an extension element every descendant needs a namespace too."""
    for descendant in element.iter():
        if descendant is element or not isinstance(descendant.tag, str):
            continue
        if not namespace(descendant):
            findings.error(
                "rss-not-in-namespace",
                descendant,
                f"{describe_prefixed(descendant)} has no namespace inside an extension element; "
                "declare a namespace for it (for example the parent's).",
            )


def _check_leaf(element: etree._Element, findings: Findings) -> None:
    for child in child_elements(element):
        findings.error(
            "rss-undefined-element",
            child,
            f"{describe_prefixed(element)} holds text only, not the element <{local_name(child)}>; "
            "escape markup as text (&lt;...&gt;) or use CDATA.",
        )


def _check_attributes(element: etree._Element, findings: Findings) -> None:
    names = _attribute_names(element)
    if not names:
        return
    expected = ATTRIBUTES.get(local_name(element), frozenset())
    for name in names:
        if name[0] == "{":
            attribute_namespace, _, localname = name[1:].partition("}")
        elif name in expected:
            continue
        else:
            near = [known for known in expected if known.lower() == name.lower()]
            findings.error(
                "rss-unexpected-attribute",
                element,
                f"{describe_prefixed(element)} has an attribute {name!r} that RSS does not "
                "define; remove it or put it in a namespace.",
                f"Attribute names are case-sensitive: write {near[0]!r}." if near else None,
            )
            continue
        if attribute_namespace != XML_NS and attribute_namespace in MODULE_ELEMENTS:
            findings.error(
                "rss-unexpected-attribute",
                element,
                f"{describe_prefixed(element)} carries the attribute {localname!r} from "
                f"{attribute_namespace}, which defines no such attribute; remove it.",
            )
