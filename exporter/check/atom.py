"""Atom 1.0 rules (RFC 4287): the document's structure, required and
single-valued elements, people, ids and dates.

Links, text constructs and content live in `atom_links` / `atom_text`; the
RELAX NG net (`atom_schema`) runs last and only reports what these precise
rules did not already explain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from lxml import etree

from exporter.check.atom_common import ATOM, ATOM_03, XML, atom_children
from exporter.check.atom_elements import (
    check_blank_attributes,
    check_category,
    check_date,
    check_generator,
    check_id,
    check_person,
    check_reference,
)
from exporter.check.atom_extensions import check_extensions, check_unknown_namespaces
from exporter.check.atom_links import (
    check_alternates,
    check_link,
    check_self,
    check_self_in_any_namespace,
    relation,
)
from exporter.check.atom_schema import schema_problems
from exporter.check.atom_text import check_content, check_text_construct
from exporter.check.atom_values import (
    iri_problem,
    language_problem,
)
from exporter.check.context import CheckContext
from exporter.check.elements import child_elements, describe, direct_text, has_direct_text, qname
from exporter.check.findings import Findings
from exporter.check.history import history_problems
from exporter.check.hubs import hub_problems, xml_hubs
from exporter.check.pages import atom_page
from exporter.problems import Problem

# lxml returns str names for parsed documents; typed once here, since a `cast` per
# element is a Python call on the hottest loop.
_attribute_names = cast("Callable[[etree._Element], list[str]]", etree._Element.keys)


METADATA = (
    *("author", "category", "contributor", "generator", "icon", "id", "link", "logo"),
    *("rights", "subtitle", "title", "updated"),
)
CHILDREN: dict[str, frozenset[str]] = {
    "feed": frozenset((*METADATA, "entry")),
    "source": frozenset(METADATA),
    "entry": frozenset(
        (
            *("author", "category", "content", "contributor", "id", "link", "published"),
            *("rights", "source", "summary", "title", "updated"),
        )
    ),
    "author": frozenset(("name", "uri", "email")),
    "contributor": frozenset(("name", "uri", "email")),
}
SINGLE_VALUED: dict[str, frozenset[str]] = {
    "feed": frozenset(("generator", "icon", "id", "logo", "rights", "subtitle", "title")),
    "entry": frozenset(
        ("content", "id", "published", "rights", "source", "summary", "title", "updated")
    ),
    "author": frozenset(("name", "uri", "email")),
}
SINGLE_VALUED["feed"] |= {"updated"}
SINGLE_VALUED["source"] = SINGLE_VALUED["feed"]
SINGLE_VALUED["contributor"] = SINGLE_VALUED["author"]
ATTRIBUTES: dict[str, frozenset[str]] = {
    "link": frozenset(("href", "rel", "type", "hreflang", "title", "length")),
    "category": frozenset(("term", "scheme", "label")),
    "content": frozenset(("type", "src")),
    "generator": frozenset(("uri", "version")),
    **{name: frozenset(("type",)) for name in ("title", "subtitle", "summary", "rights")},
}
TEXT_CONSTRUCTS = frozenset(("title", "subtitle", "summary", "rights"))
# Elements whose content is plain character data (no child elements allowed).
SIMPLE = frozenset(("id", "updated", "published", "name", "uri", "email", "icon", "logo"))
SIMPLE |= {"generator"}
REQUIRED = ("id", "title", "updated")


def check_atom(tree: etree._ElementTree, context: CheckContext) -> list[Problem]:
    """Every Atom 1.0 problem in a parsed document (a feed or an entry document)."""
    findings = Findings(context)
    root = tree.getroot()
    namespace, local = qname(root)
    if namespace != ATOM:
        _wrong_namespace(root, namespace, findings)
        return findings.problems
    if root.prefix is not None:
        findings.warning(
            "atom-namespace-prefix",
            root,
            f'The Atom namespace is bound to the prefix "{root.prefix}:"; some readers only '
            f'understand the default namespace: write <{local} xmlns="{ATOM}">.',
        )
    _check_tree(root, findings)
    check_extensions(root, findings)
    if local == "feed":
        _check_feed(root, findings)
        findings.problems.extend(history_problems(atom_page(root, context.base), context))
        hubs = xml_hubs(root, context.base)
        findings.problems.extend(hub_problems(hubs, context.source, judge_syntax=False))
    else:
        _check_entry(root, False, findings)
    findings.problems.extend(schema_problems(tree, findings))
    return findings.problems


def _wrong_namespace(root: etree._Element, namespace: str, findings: Findings) -> None:
    if not namespace:
        rule, what = "atom-missing-namespace", "has no namespace"
    elif namespace == ATOM_03:
        rule, what = "atom-obsolete-namespace", "uses the obsolete Atom 0.3 namespace"
    else:
        rule, what = "atom-wrong-namespace", f"is in the namespace {namespace!r}"
    findings.error(
        rule,
        root,
        f'The root <{qname(root)[1]}> {what}: Atom 1.0 needs xmlns="{ATOM}".',
    )
    # Fixing the namespace is not enough when the feed has no self link either: say
    # so now (the Atom 0.3 format is another vocabulary, its links are not judged).
    if namespace != ATOM_03 and qname(root)[1] == "feed":
        check_self_in_any_namespace(root, findings)


_XML_LANG = f"{{{XML}}}lang"
_XML_BASE = f"{{{XML}}}base"
_ATOM_TAG = f"{{{ATOM}}}"
_ATOM_ANY = _ATOM_TAG + "*"
_ATOM_PREFIX = len(_ATOM_TAG)


def _check_tree(root: etree._Element, findings: Findings) -> None:
    """Checks that apply to every element: Atom vocabulary, attributes, stray
    text, and the xml:lang / xml:base values.

    This visits every element of the feed, so it works on tag strings and
    attribute names directly (no QName objects). Atom elements inside an Atom
    element that takes no children are collected when that parent is visited
    (document order visits parents first), instead of asking every element for
    its parent."""
    misplaced: set[etree._Element] = set()
    for element in root.iter(etree.Element):
        keys = _attribute_names(element)
        if keys and (_XML_LANG in keys or _XML_BASE in keys):
            _check_xml_attributes(element, findings)
        tag = element.tag
        if not tag.startswith(_ATOM_TAG):
            continue
        name = tag[_ATOM_PREFIX:]
        container = name in CHILDREN
        if not container and len(element):
            misplaced.update(element.iterchildren(_ATOM_ANY))
        if misplaced and element in misplaced:
            parent = cast("etree._Element", element.getparent())
            findings.error(
                "atom-undefined-element",
                element,
                f"<{name}> is not allowed inside {describe(parent)}: remove it, or escape "
                "it if it is meant as text.",
            )
            continue
        if container:
            _check_container(element, name, findings)
        elif name in SIMPLE and len(element) and child_elements(element):
            findings.error(
                "atom-undefined-element",
                child_elements(element)[0],
                f"{describe(element)} holds plain text only: remove the child element "
                "(or escape it).",
            )
        if keys:
            _check_attributes(element, name, keys, findings)
            check_blank_attributes(element, findings)


def _check_xml_attributes(element: etree._Element, findings: Findings) -> None:
    lang = element.get(_XML_LANG)
    if lang:
        reason = language_problem(lang)
        if reason is not None:
            findings.error("atom-invalid-language", element, f'xml:lang="{lang}" {reason}.')
    base = element.get(_XML_BASE)
    if base is not None:
        reason = iri_problem(base, absolute=False)
        if reason is not None:
            findings.error("atom-invalid-iri", element, f'xml:base="{base}" {reason}.')


def _check_container(element: etree._Element, name: str, findings: Findings) -> None:
    """Undefined and repeated single-valued Atom children, and stray text."""
    allowed = CHILDREN[name]
    single = SINGLE_VALUED[name]
    seen: set[str] = set()
    for child in element.iterchildren(_ATOM_ANY):
        child_name = child.tag[_ATOM_PREFIX:]
        if child_name not in allowed:
            findings.error(
                "atom-undefined-element",
                child,
                f"<{child_name}> is not an Atom element allowed in <{name}>: remove it, or "
                "put your extension in its own namespace.",
            )
        elif child_name in single and child_name in seen:
            findings.error(
                "atom-duplicate-element",
                child,
                f"<{name}> has more than one <{child_name}>: keep exactly one.",
            )
        seen.add(child_name)
    if name in ("feed", "entry", "source"):
        check_unknown_namespaces(element, findings)
    if has_direct_text(element):
        findings.error(
            "atom-unexpected-text",
            element,
            f"<{name}> contains text outside its child elements: remove the stray text.",
        )


def _check_attributes(
    element: etree._Element, name: str, keys: list[str], findings: Findings
) -> None:
    allowed = ATTRIBUTES.get(name, _NONE)
    for key in keys:
        if key[0] == "{":
            if not key.startswith(_ATOM_TAG):
                continue
        elif key in allowed:
            continue
        findings.error(
            "atom-unexpected-attribute",
            element,
            f"<{name}> does not take the attribute {etree.QName(key).localname!r}: "
            "remove it (extensions need their own namespace).",
        )


_NONE: frozenset[str] = frozenset()


def _check_feed(feed: etree._Element, findings: Findings) -> None:
    children = _named_children(feed)
    _check_required(feed, findings, children)
    _check_metadata(feed, findings, children)
    check_self(feed, findings)
    entries = [child for child, name in children if name == "entry"]
    seen_entry = False
    for child, name in children:
        if name == "entry":
            seen_entry = True
        elif seen_entry:
            findings.error(
                "atom-misplaced-metadata",
                child,
                f"<{name}> belongs to the feed but comes after the first <entry>: "
                "move it before the entries.",
            )
    # Computed once: per entry it would make the check quadratic in entries.
    feed_has_author = any(name == "author" for _, name in children)
    ids = [_check_entry(entry, feed_has_author, findings) for entry in entries]
    _check_unique_ids(ids, findings)


NamedChildren = list[tuple[etree._Element, str]]


def _named_children(element: etree._Element) -> NamedChildren:
    """The Atom child elements with their local names, read once per container
    (the rules below look at them several times)."""
    return [(child, child.tag[_ATOM_PREFIX:]) for child in element.iterchildren(_ATOM_ANY)]


def _check_required(
    element: etree._Element, findings: Findings, children: NamedChildren | None = None
) -> None:
    name = qname(element)[1]
    if children is None:
        children = _named_children(element)
    present = {child_name for _, child_name in children}
    for required in REQUIRED:
        if required not in present:
            message = f"<{name}> has no <{required}>: add one ({_REQUIRED_HINT[required]})."
            if name == "source":  # a copy of another feed's metadata: a warning
                findings.warning("atom-incomplete-source", element, message)
            else:
                findings.error(f"atom-missing-{required}", element, message)


_REQUIRED_HINT = {
    "id": "a permanent, absolute IRI such as urn:uuid:... or tag:example.com,2024:post-1",
    "title": "a human-readable title",
    "updated": "the last significant change, e.g. 2024-01-31T12:00:00Z",
}


def _check_metadata(
    element: etree._Element, findings: Findings, children: NamedChildren | None = None
) -> None:
    """Children shared by feed, entry and source."""
    if children is None:
        children = _named_children(element)
    for child, name in children:
        if name == "link":
            check_link(child, findings)
        elif name in TEXT_CONSTRUCTS:
            check_text_construct(child, findings)
        elif name in ("updated", "published"):
            check_date(child, findings)
        elif name == "id":
            check_id(child, findings)
        elif name in ("author", "contributor"):
            check_person(child, findings)
        elif name == "category":
            check_category(child, findings)
        elif name in ("icon", "logo"):
            check_reference(child, direct_text(child), findings)
        elif name == "generator":
            check_generator(child, findings)
    check_alternates(element, findings, [child for child, name in children if name == "link"])


def _check_entry(
    entry: etree._Element, feed_has_author: bool, findings: Findings
) -> etree._Element | None:
    """All rules of one entry; returns its first <id> for the duplicate-id rule."""
    children = _named_children(entry)
    _check_required(entry, findings, children)
    _check_metadata(entry, findings, children)
    names = {name for _, name in children}
    sources = [child for child, name in children if name == "source"]
    if "author" not in names and not _source_has_author(sources) and not feed_has_author:
        findings.error(
            "atom-missing-author",
            entry,
            "This entry has no <author> and the feed has none either: add "
            "<author><name>...</name></author> to the feed or to every entry.",
        )
    content = [child for child, name in children if name == "content"]
    links = [child for child, name in children if name == "link"]
    if content:
        check_content(content[0], entry, findings)
    elif not any(relation(link) == "alternate" for link in links):
        findings.error(
            "atom-missing-content-or-alternate",
            entry,
            'This entry has neither <content> nor a <link rel="alternate">: add the text '
            "or a link to the article.",
        )
    if not content and "summary" not in names:
        findings.warning(
            "atom-missing-textual-content",
            entry,
            "This entry has neither <content> nor <summary>, so readers show only the title: "
            "add a summary.",
        )
    for source in sources:
        _check_required(source, findings)
        _check_metadata(source, findings)
    return next((child for child, name in children if name == "id"), None)


def _source_has_author(sources: list[etree._Element]) -> bool:
    return any(atom_children(source, "author") for source in sources)


def _check_unique_ids(ids: list[etree._Element | None], findings: Findings) -> None:
    seen: set[str] = set()
    for element in ids:
        if element is None:
            continue
        value = direct_text(element).strip()
        if value in seen:
            findings.warning(
                "atom-duplicate-entry-id",
                element,
                f"Two entries share the id {value!r}; readers treat them as one entry: "
                "give each entry its own id.",
            )
        seen.add(value)
