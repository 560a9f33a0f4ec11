"""RELAX NG validation against schemas/atom.rng as a structural safety net.

The precise Atom rules run first and explain most failures better than libxml2's
schema messages can. A schema error is only reported where no precise rule
already reported an error on the same line, so one mistake gives one finding;
what remains is structure the rules did not anticipate.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from exporter.check.atom_common import Findings
from exporter.problems import Problem, Severity

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "atom.rng"
# libxml2 follows a real error with summaries of every enclosing element.
_CASCADE_MARKERS = ("failed to validate content", "Invalid sequence in interleave")
MAX_SCHEMA_PROBLEMS = 5


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
    """Schema errors not already explained by a precise rule."""
    schema = atom_schema()
    if schema is None or schema.validate(tree):
        return []
    explained_lines = findings.explained_lines
    problems: list[Problem] = []
    for error in schema.error_log:
        if error.line in explained_lines or any(m in error.message for m in _CASCADE_MARKERS):
            continue
        if not error.line and findings.has_errors:
            # libxml2 gives interleave errors no line; a located rule already fired.
            continue
        problems.append(
            Problem(
                path=findings.context.source,
                rule="atom-schema",
                message=f"Does not match the Atom 1.0 schema (RFC 4287): {error.message}. "
                "Compare the element with RFC 4287 and fix its structure.",
                line=error.line or None,
                severity=Severity.ERROR,
            )
        )
        if len(problems) >= MAX_SCHEMA_PROBLEMS:
            break
    return problems
