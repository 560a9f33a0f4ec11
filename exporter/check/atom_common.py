"""What every Atom rule module shares: namespaces, Atom children and the
`Findings` accumulator that turns rule hits into located `Problem` values."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from exporter.check.context import CheckContext
from exporter.check.elements import line_of
from exporter.problems import Problem, Severity

ATOM = "http://www.w3.org/2005/Atom"
ATOM_03 = "http://purl.org/atom/ns#"
XHTML = "http://www.w3.org/1999/xhtml"
XML = "http://www.w3.org/XML/1998/namespace"

ERROR = Severity.ERROR
WARNING = Severity.WARNING


_ATOM_TAG = "{" + ATOM + "}"


def atom_children(element: etree._Element, name: str | None = None) -> list[etree._Element]:
    """Child elements in the Atom namespace, optionally with one local name
    (lxml filters by tag in C: this runs for every element of large feeds)."""
    return list(element.iterchildren(_ATOM_TAG + (name or "*")))


@dataclass(slots=True)
class Findings:
    """Collects problems for one document, located at the element they concern."""

    context: CheckContext
    problems: list[Problem] = field(default_factory=list)
    # Lines of elements that carry an error, and of their ancestors: a schema
    # error reported on one of them is already explained (see atom_schema).
    explained_lines: set[int] = field(default_factory=set)

    def add(
        self,
        rule: str,
        element: etree._Element | None,
        message: str,
        severity: Severity = ERROR,
        hint: str | None = None,
    ) -> None:
        if severity is ERROR:
            node = element
            while node is not None:
                line = line_of(node)
                if line is not None:
                    self.explained_lines.add(line)
                node = node.getparent()
        self.problems.append(
            Problem(
                path=self.context.source,
                rule=rule,
                message=message,
                line=line_of(element) if element is not None else None,
                severity=severity,
                hint=hint,
            )
        )

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)
