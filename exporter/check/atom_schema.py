"""RELAX NG validation against schemas/atom.rng as a structural safety net.

The precise Atom rules run first and explain most failures better than libxml2's
schema messages can. The first schema error is reported only when no precise
rule already reported an error on that element or one containing it, so one
mistake gives one finding; what remains is structure the rules did not
anticipate.
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from exporter.check.elements import line_of
from exporter.check.findings import Findings
from exporter.problems import Problem, Severity
from exporter.resources import schema_path

SCHEMA_PATH = schema_path("atom.rng")
# libxml2 follows a real error with summaries of every enclosing element.
_CASCADE_MARKERS = ("failed to validate content", "Invalid sequence in interleave")


@cache
def atom_schema() -> etree.RelaxNG | None:
    """The compiled schema, or None if the file is missing (a packaging bug that
    the test suite catches; checking still works without the net)."""
    try:
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
        return etree.RelaxNG(etree.parse(str(SCHEMA_PATH), parser))
    except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError):
        return None


def schema_problems(tree: etree._ElementTree, findings: Findings) -> list[Problem]:
    """The first schema error, unless a precise rule already explains it.

    libxml2 logs the innermost failure first, then a cascade of failures of
    every enclosing element; only the first says what is actually wrong.
    """
    schema = atom_schema()
    if schema is None or schema.validate(tree):
        return []
    for error in schema.error_log:
        if any(marker in error.message for marker in _CASCADE_MARKERS):
            continue
        line = error.line or _line_of_path(tree, error.path)
        if line in findings.explained_lines or (line is None and findings.has_errors):
            return []
        return [
            Problem(
                path=findings.context.source,
                rule="atom-schema",
                message=f"Does not match the Atom 1.0 schema (RFC 4287): {error.message}. "
                "Compare the element with RFC 4287 and fix its structure.",
                line=line,
                severity=Severity.ERROR,
            )
        ]
    return []


def _line_of_path(tree: etree._ElementTree, path: str | None) -> int | None:
    """libxml2 gives attribute errors no line, but an XPath to the element."""
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return line_of(found[0])
    return None
