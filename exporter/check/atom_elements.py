"""Rules for Atom elements that carry a single value: people, ids, dates,
categories and IRI references (icon, logo, uri)."""

from __future__ import annotations

from lxml import etree

from exporter.check.atom_common import atom_children
from exporter.check.atom_links import has_absolute_base
from exporter.check.atom_values import (
    canonical_id,
    email_problem,
    has_surrounding_whitespace,
    id_problem,
    iri_problem,
)
from exporter.check.dates import check_rfc3339, implausibility
from exporter.check.elements import describe, direct_text, line_of, qname
from exporter.check.findings import Findings
from exporter.check.plaintext import judge_plain_text
from exporter.iri import is_absolute


def check_person(person: etree._Element, findings: Findings) -> None:
    kind = qname(person)[1]
    names = atom_children(person, "name")
    if not names:
        findings.error(
            "atom-missing-person-name",
            person,
            f"<{kind}> has no <name>: add the person's name.",
        )
    elif not direct_text(names[0]).strip():
        findings.warning("atom-empty-element", names[0], f"<{kind}>/<name> is empty: fill it in.")
    else:
        check_plain_text(names[0], f"<{kind}>/<name>", findings)
    for email in atom_children(person, "email"):
        value = direct_text(email)
        if value.strip() and has_surrounding_whitespace(value):
            findings.error(
                "atom-unexpected-whitespace",
                email,
                f"<{kind}>/<email> has whitespace around {value.strip()!r}: remove it.",
            )
            value = value.strip()
        reason = email_problem(value)
        if reason is not None:
            findings.error(
                "atom-invalid-email",
                email,
                f"<{kind}>/<email> {value!r} {reason}; put names in <name> and web pages in <uri>.",
            )
    for uri in atom_children(person, "uri"):
        check_reference(uri, direct_text(uri), findings)


def check_plain_text(element: etree._Element, where: str, findings: Findings) -> None:
    """A person's name or the generator: text, not HTML (ContainsHTML, plaintext.py)."""
    text = direct_text(element)
    first = line_of(element) or 0
    lines = range(first, first + text.count("\n") + 1)
    hex_referenced = any(line in findings.context.hex_reference_lines for line in lines)
    verdict = judge_plain_text(text, hex_referenced, rss2=False)
    if verdict is not None:
        findings.warning(
            "atom-html-in-plain-text",
            element,
            f"{where} is plain text but holds {verdict[1]!r}, which readers show literally: "
            "remove the markup.",
        )


def check_generator(generator: etree._Element, findings: Findings) -> None:
    if generator.get("uri") is not None:
        check_reference(generator, generator.get("uri") or "", findings, in_text=False)
    if not direct_text(generator).strip():
        findings.warning(
            "atom-empty-element", generator, "<generator> is empty: name the software."
        )
    else:
        check_plain_text(generator, "<generator>", findings)


def check_reference(
    element: etree._Element, value: str, findings: Findings, *, in_text: bool = True
) -> None:
    """An IRI reference: element content (icon, logo, person uri) may only be
    reported for surrounding whitespace; attribute values are taken verbatim."""
    stripped = value.strip()
    if in_text and stripped and stripped != value:
        findings.error(
            "atom-unexpected-whitespace",
            element,
            f"{describe(element)} has whitespace around {stripped!r}: remove it.",
        )
        value = stripped
    reason = iri_problem(value, absolute=False)
    if reason is not None:
        findings.error("atom-invalid-iri", element, f"{describe(element)} {value!r} {reason}.")
    elif stripped and not is_absolute(stripped) and not has_absolute_base(element):
        findings.warning(
            "atom-relative-url",
            element,
            f"{describe(element)} {value!r} is relative and no xml:base applies: write an "
            "absolute URL.",
        )


def check_category(category: etree._Element, findings: Findings) -> None:
    if category.get("term") == "":
        findings.warning("atom-empty-element", category, '<category term=""> is empty: fill it in.')
    if category.get("term") is None:
        findings.error(
            "atom-missing-term",
            category,
            '<category> has no term attribute: add term="...".',
        )
    scheme = category.get("scheme")
    if scheme is not None:
        reason = iri_problem(scheme, absolute=True)
        if reason is not None:
            findings.error("atom-invalid-iri", category, f"<category> scheme {scheme!r} {reason}.")


def check_date(element: etree._Element, findings: Findings) -> None:
    value = direct_text(element)
    if has_surrounding_whitespace(value) and value.strip():
        findings.error(
            "atom-unexpected-whitespace",
            element,
            f"{describe(element)} has whitespace around {value.strip()!r}: remove it.",
        )
    result = check_rfc3339(value.strip())
    if not result.ok or result.value is None:
        findings.error(
            "atom-invalid-date",
            element,
            f"{describe(element)} {value.strip()!r} is not an RFC 3339 date-time "
            f"({result.reason}): write e.g. 2024-01-31T12:00:00Z.",
        )
        return
    why = implausibility(result.value, findings.context.now)
    if why is not None:
        findings.warning(
            "atom-implausible-date",
            element,
            f"{describe(element)}: {why}; check the clock or the source data.",
        )


def check_id(element: etree._Element, findings: Findings) -> None:
    value = direct_text(element)
    stripped = value.strip()
    if has_surrounding_whitespace(value) and stripped:
        findings.error(
            "atom-unexpected-whitespace",
            element,
            f"{describe(element)} has whitespace around {stripped!r}: ids are compared "
            "character by character, remove it.",
        )
    if not value:
        findings.warning("atom-empty-element", element, f"{describe(element)} is empty.")
    problem = id_problem(stripped)
    if problem is None and stripped and canonical_id(stripped) != stripped:
        findings.warning(
            "atom-noncanonical-id",
            element,
            f"{describe(element)} {stripped!r} is not in canonical form "
            f"({canonical_id(stripped)!r}); readers compare ids character by character, "
            "so write the canonical form.",
        )
    if problem is not None:
        rule, reason = problem
        findings.error(
            rule,
            element,
            f"{describe(element)} {stripped!r} {reason}: use a permanent absolute IRI such "
            "as urn:uuid:... or tag:example.com,2024:post-1.",
        )


_MAY_NOT_BE_BLANK = ("type", "rel", "title")


def check_blank_attributes(element: etree._Element, findings: Findings) -> None:
    """An empty `type`, `rel` or `title` says nothing (the W3C AttrNotBlank warning)."""
    for attribute in _MAY_NOT_BE_BLANK:
        if element.get(attribute) == "":
            findings.warning(
                "atom-empty-attribute",
                element,
                f'{describe(element)} has an empty {attribute}="": give it a value or drop it.',
            )
