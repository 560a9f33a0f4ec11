"""RSS fields that hold plain text, not HTML: markup in them (*ContainsHTML*) and,
in RSS 2.x, `<` or `&` not written as hexadecimal character references
(*CharacterData*). The judgement is plaintext.py's; this module only says which
RSS fields are plain text and where each finding goes."""

from __future__ import annotations

from lxml import etree

from exporter.check.elements import (
    child_elements,
    describe_prefixed,
    line_of,
    local_name,
    namespace,
)
from exporter.check.findings import Findings
from exporter.check.plaintext import PlainTextFinding, judge_plain_text
from exporter.check.rss_structure import ATOM_NS

# Parent (None: any) -> its children that are plain text in RSS 2.0.
_PLAIN_CHANNEL = ("title", "copyright", "managingEditor", "webMaster")
_PLAIN_ITEM = ("title", "author", "source")
_PLAIN_IMAGE = ("title", "description")
_PLAIN_TEXT_INPUT = ("title",)


def check_plain_text(channel: etree._Element, version: str, findings: Findings) -> None:
    """Every plain-text field of the channel, its image, text input and items."""
    rss2 = version.strip().startswith("2.")
    for child in child_elements(channel):
        if namespace(child):
            if (namespace(child), local_name(child)) == (ATOM_NS, "link"):
                _check_attribute(child, "title", rss2, findings)
            continue
        name = local_name(child)
        if name in _PLAIN_CHANNEL:
            _check_element(child, rss2, findings)
        elif name in ("image", "textInput", "item"):
            fields = {"image": _PLAIN_IMAGE, "textInput": _PLAIN_TEXT_INPUT}.get(name, _PLAIN_ITEM)
            for grandchild in child_elements(child):
                if not namespace(grandchild) and local_name(grandchild) in fields:
                    _check_element(grandchild, rss2, findings)
                elif (namespace(grandchild), local_name(grandchild)) == (ATOM_NS, "link"):
                    _check_attribute(grandchild, "title", rss2, findings)


def _hex_referenced(element: etree._Element, text: str, findings: Findings) -> bool:
    first = line_of(element) or 0
    last = first + text.count("\n")
    lines = findings.context.hex_reference_lines
    return any(line in lines for line in range(first, last + 1))


def _check_element(element: etree._Element, rss2: bool, findings: Findings) -> None:
    if child_elements(element):
        return
    text = element.text or ""
    verdict = judge_plain_text(text, _hex_referenced(element, text, findings), rss2)
    if verdict is not None:
        _report(element, describe_prefixed(element), verdict, findings)


def _check_attribute(element: etree._Element, name: str, rss2: bool, findings: Findings) -> None:
    value = element.get(name)
    if value is None:
        return
    hex_referenced = (line_of(element) or 0) in findings.context.hex_reference_lines
    verdict = judge_plain_text(value, hex_referenced, rss2)
    if verdict is not None:
        _report(element, f"{describe_prefixed(element)} {name}", verdict, findings)


def _report(
    element: etree._Element,
    where: str,
    verdict: tuple[PlainTextFinding, str],
    findings: Findings,
) -> None:
    kind, evidence = verdict
    if kind is PlainTextFinding.CONTAINS_HTML:
        findings.warning(
            "rss-html-in-text",
            element,
            f"{where} is plain text but holds {evidence!r}, which readers may show as "
            "markup or literally: remove the markup, or write & and < as &#x26; and &#x3C;.",
        )
    else:
        findings.warning(
            "rss-character-data",
            element,
            f"{where} holds {evidence!r} in plain text: write < and & as the hexadecimal "
            "character references &#x3C; and &#x26; (RSS Best Practices Profile), so "
            "readers do not take the text for HTML.",
        )
