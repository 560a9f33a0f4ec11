"""OPML 1.0/2.0 rules: the subscription lists readers import and export.

The document reaches these rules already parsed by `xmldoc` (no DTD, no
entities from outside, a size bound), like every XML feed. What matters to a
reader importing the list: the outline tree is where OPML puts it, and each
subscription (`outline` with `xmlUrl`) has a `type` and a URL it can fetch.
"""

from __future__ import annotations

from lxml import etree

from exporter.check.context import CheckContext
from exporter.check.elements import child_elements, qname
from exporter.check.findings import Findings
from exporter.iri import is_valid_absolute_iri, scheme
from exporter.problems import Problem

VERSIONS = ("1.0", "2.0")


def check_opml(tree: etree._ElementTree, context: CheckContext) -> list[Problem]:
    """Every OPML problem in a parsed document."""
    findings = Findings(context)
    root = tree.getroot()
    if qname(root) != ("", "opml"):
        findings.error(
            "opml-root",
            root,
            f"The root element is <{qname(root)[1]}>, not <opml>: this file is named like an "
            "OPML subscription list but is not one.",
        )
        return findings.problems
    _check_version(root, findings)
    children = {qname(child): child for child in reversed(child_elements(root))}
    for name in ("head", "body"):
        if ("", name) not in children:
            findings.error(
                f"opml-missing-{name}",
                root,
                f"<opml> has no <{name}>: OPML needs a <head> and a <body> holding the outlines.",
            )
    body = children.get(("", "body"))
    if body is not None:
        for outline in body.iter("outline"):
            _check_subscription(outline, findings)
    return findings.problems


def _check_version(root: etree._Element, findings: Findings) -> None:
    version = root.get("version")
    if version is None:
        findings.error(
            "opml-missing-version",
            root,
            '<opml> has no version attribute: write <opml version="2.0">.',
        )
    elif version.strip() not in VERSIONS:
        findings.error(
            "opml-invalid-version",
            root,
            f'<opml version="{version}"> is not a published OPML version: write version="2.0".',
        )


def _check_subscription(outline: etree._Element, findings: Findings) -> None:
    """An outline with `xmlUrl` is a subscription: readers fetch that URL."""
    url = outline.get("xmlUrl")
    if url is None:
        return
    value = url.strip()
    if not is_valid_absolute_iri(value) or scheme(value) not in ("http", "https"):
        findings.error(
            "opml-invalid-url",
            outline,
            f"<outline> xmlUrl {url!r} is not an absolute http(s) URL: readers cannot fetch "
            "the feed; write its full URL.",
        )
    if outline.get("type") is None:
        findings.error(
            "opml-missing-type",
            outline,
            '<outline> has an xmlUrl but no type: add type="rss" (OPML 2.0 uses it for every '
            "feed format).",
        )
