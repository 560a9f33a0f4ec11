"""Atom text constructs (`title`, `subtitle`, `summary`, `rights`) and
`content` (RFC 4287 §3.1 and §4.1.3): declared type, escaping, the XHTML
wrapper div, base64 for binary content, and HTML a reader should not run."""

from __future__ import annotations

from lxml import etree

from exporter.check.atom_common import XHTML
from exporter.check.atom_extensions import check_foreign_in_xhtml
from exporter.check.atom_links import has_absolute_base
from exporter.check.atom_values import (
    base64_problem,
    iri_problem,
    is_composite_media_type,
    is_text_media_type,
    is_xml_media_type,
    media_type_problem,
)
from exporter.check.elements import child_elements, describe, direct_text, qname
from exporter.check.findings import Findings
from exporter.check.html import (
    html_relative_urls,
    html_risks,
    not_html_reason,
    xhtml_relative_urls,
    xhtml_risks,
)
from exporter.markup import HTML_ELEMENTS, html_end_tag, looks_like_markup

TEXT_TYPES = ("text", "html", "xhtml")


def check_text_construct(element: etree._Element, findings: Findings) -> None:
    """RFC 4287 §3.1: `type` is text, html or xhtml, and the content matches it."""
    kind = element.get("type", "text")
    if kind not in TEXT_TYPES:
        findings.error(
            "atom-invalid-text-type",
            element,
            f'{describe(element)} has type="{kind}": text constructs take type="text", '
            '"html" or "xhtml" (media types are only allowed on <content>).',
        )
        check_media_typed_text(element, kind, findings)
        return
    _check_typed_text(element, kind, findings)


def _check_typed_text(element: etree._Element, kind: str, findings: Findings) -> None:
    if kind == "xhtml":
        _check_xhtml(element, findings)
        return
    if child_elements(element):
        escape = (
            'escape the markup (&lt;p&gt;) or use type="xhtml" with a wrapper <div>'
            if kind == "html"
            else 'declare type="html" and escape the markup, or use type="xhtml"'
        )
        findings.error(
            "atom-unescaped-markup",
            element,
            f'{describe(element)} (type="{kind}") contains child elements: {escape}.',
        )
        return
    text = direct_text(element)
    if not text.strip() and (qname(element)[1] in ("title", "content") or not text):
        findings.warning(
            "atom-empty-element", element, f"{describe(element)} is empty: fill it in."
        )
    if kind == "html":
        for risk in html_risks(text):
            findings.warning("atom-security-risk", element, f"{describe(element)}: {risk}")
        _not_html(element, text, findings)
        _relative_references(element, html_relative_urls(text), findings)
    elif looks_like_markup(text):
        findings.warning(
            "atom-html-in-text",
            element,
            f'{describe(element)} looks like HTML but is type="text", so readers show the '
            'tags literally: declare type="html".',
        )


def _not_html(element: etree._Element, text: str, findings: Findings) -> None:
    reason = not_html_reason(text)
    if reason is not None:
        findings.warning(
            "atom-not-html",
            element,
            f"{describe(element)} is declared HTML but {reason}: fix the markup or declare "
            'type="text".',
        )


def check_media_typed_text(element: etree._Element, kind: str, findings: Findings) -> None:
    """Text under a media type (`text/html`, `application/xhtml+xml`, ...): a
    whole document is expected, not a fragment; escaped HTML is still judged."""
    if element.get("src") is not None:
        return
    children = child_elements(element)
    text = direct_text(element)
    binary = not (is_xml_media_type(kind) or is_text_media_type(kind))
    if not children and not (text.strip() if binary else text):
        findings.warning("atom-empty-element", element, f"{describe(element)} is empty.")
    if kind.endswith("/html"):
        for risk in html_risks(text):
            findings.warning("atom-security-risk", element, f"{describe(element)}: {risk}")
        _not_html(element, text, findings)
        if "<html" not in text:
            _fragment(element, kind, findings)
    elif kind == "application/xhtml+xml" and children:
        if qname(children[0])[1] != "html":
            _fragment(element, kind, findings)
        elif qname(children[0])[0] != XHTML:
            findings.warning(
                "atom-not-html",
                element,
                f"{describe(element)}: <html> is not in the XHTML namespace ({XHTML}).",
            )


def _fragment(element: etree._Element, kind: str, findings: Findings) -> None:
    findings.warning(
        "atom-html-fragment",
        element,
        f'{describe(element)} has type="{kind}", which means a whole document with <html>, '
        'but holds a fragment: use type="html" (or "xhtml" with a wrapper div).',
    )


def _check_xhtml(element: etree._Element, findings: Findings) -> None:
    children = child_elements(element)
    stray_text = direct_text(element).strip()
    if len(children) != 1 or qname(children[0]) != (XHTML, "div") or stray_text:
        findings.error(
            "atom-missing-xhtml-div",
            element,
            f'{describe(element)} is type="xhtml" but its content is not exactly one '
            f'<div xmlns="{XHTML}"> element: wrap the markup in that div.',
        )
        if not children and html_end_tag(direct_text(element)) is not None:
            findings.warning(
                "atom-not-inline",
                element,
                f'{describe(element)} is type="xhtml" but holds escaped HTML: write the markup '
                'as XHTML elements inside the div, or declare type="html".',
            )
        if children and qname(children[0])[1] == "div" and qname(children[0])[0] != XHTML:
            findings.warning(
                "atom-not-html",
                element,
                f"{describe(element)}: the <div> is not in the XHTML namespace ({XHTML}).",
            )
        return
    unknown = next(
        (
            qname(child)[1]
            for child in children[0].iter(f"{{{XHTML}}}*")
            if qname(child)[1] not in HTML_ELEMENTS
        ),
        None,
    )
    if unknown is not None:
        findings.warning(
            "atom-not-html",
            element,
            f"{describe(element)} holds <{unknown}>, which is not an XHTML element.",
        )
    check_foreign_in_xhtml(children[0], findings)
    for risk in xhtml_risks(children[0]):
        findings.warning("atom-security-risk", element, f"{describe(element)}: {risk}")
    _relative_references(element, xhtml_relative_urls(children[0]), findings)


def _relative_references(element: etree._Element, found: list[str], findings: Findings) -> None:
    """Relative links inside content, unless an absolute xml:base applies."""
    if found and not has_absolute_base(element):
        findings.warning(
            "atom-relative-url",
            element,
            f"{describe(element)} links to {found[0]!r}, a relative URL with no xml:base in "
            "scope; many readers cannot resolve it: write absolute URLs.",
        )


def check_content(content: etree._Element, entry: etree._Element, findings: Findings) -> None:
    """RFC 4287 §4.1.3: `content` with inline text, inline XML, base64, or `src`."""
    kind = content.get("type")
    source = content.get("src")
    has_summary = any(qname(child)[1] == "summary" for child in entry)
    if kind is not None and kind not in TEXT_TYPES:
        reason = media_type_problem(kind)
        if reason is None and is_composite_media_type(kind):
            reason = "is a composite type, which Atom content may not have"
        if reason is not None:
            findings.error(
                "atom-invalid-media-type",
                content,
                f'<content type="{kind}"> {reason}: use text, html, xhtml or a media type '
                "such as image/png.",
            )
            return
    if source is not None:
        _check_out_of_line(content, kind, has_summary, findings)
        return
    if kind is None or kind in TEXT_TYPES:
        _check_typed_text(content, kind or "text", findings)
    elif is_xml_media_type(kind) or is_text_media_type(kind):
        check_media_typed_text(content, kind, findings)
        _check_media_content(content, kind, findings)
    else:
        _check_binary(content, kind, has_summary, findings)


def _check_media_content(content: etree._Element, kind: str, findings: Findings) -> None:
    if is_xml_media_type(kind):
        if direct_text(content).strip():
            findings.error(
                "atom-unexpected-text",
                content,
                f'<content type="{kind}"> mixes text with XML: put a single XML element '
                "inside, or base64-encode the data under a non-XML type.",
            )
    elif child_elements(content):
        findings.error(
            "atom-unescaped-markup",
            content,
            f'<content type="{kind}"> contains child elements: escape the text.',
        )


def _check_out_of_line(
    content: etree._Element, kind: str | None, has_summary: bool, findings: Findings
) -> None:
    source = content.get("src") or ""
    reason = iri_problem(source, absolute=False)
    if reason is not None:
        findings.error("atom-invalid-iri", content, f"<content> src {source!r} {reason}.")
    if child_elements(content) or direct_text(content).strip():
        findings.error(
            "atom-unexpected-text",
            content,
            "<content> has a src attribute and must then be empty: move the text into "
            "<summary> or drop src.",
        )
    if kind is None:
        findings.warning(
            "atom-missing-type",
            content,
            '<content src> has no type: say what it points to, e.g. type="text/html".',
        )
    if kind in TEXT_TYPES:
        findings.error(
            "atom-invalid-media-type",
            content,
            f'<content src> must declare a media type, not type="{kind}": use e.g. '
            'type="text/html".',
        )
    if not has_summary:
        findings.error(
            "atom-missing-summary",
            content,
            "<content src> points elsewhere, so the entry needs a <summary> readers can show: "
            "add one.",
        )


def _check_binary(
    content: etree._Element, kind: str, has_summary: bool, findings: Findings
) -> None:
    reason = None if child_elements(content) else base64_problem(direct_text(content))
    if child_elements(content):
        reason = "contains elements instead of base64 text"
    if reason is not None:
        findings.error(
            "atom-not-base64",
            content,
            f'<content type="{kind}"> {reason}: base64-encode binary content, or use an XML '
            "or text media type.",
        )
    if not has_summary:
        findings.error(
            "atom-missing-summary",
            content,
            f'<content type="{kind}"> is binary, so the entry needs a <summary> readers can '
            "show: add one.",
        )
