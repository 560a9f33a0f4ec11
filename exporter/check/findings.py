"""The accumulator the XML feed rules (Atom and RSS) report into.

A rule names the element a finding concerns and the accumulator turns that into
a located `Problem`; it never prints, so the rules stay one line per finding and
the reporters decide how findings look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from exporter.check.context import CheckContext
from exporter.check.elements import line_of
from exporter.problems import Problem, Severity


@dataclass(slots=True)
class Findings:
    """The problems of one document, in the order the rules found them."""

    context: CheckContext
    problems: list[Problem] = field(default_factory=list)
    # Elements that carry an error: see `explained_lines`.
    _errors_at: list[etree._Element] = field(default_factory=list, init=False, repr=False)

    def error(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self._add(rule, element, message, Severity.ERROR, hint)

    def warning(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self._add(rule, element, message, Severity.WARNING, hint)

    def _add(
        self,
        rule: str,
        element: etree._Element | None,
        message: str,
        severity: Severity,
        hint: str | None = None,
    ) -> None:
        """A finding located at `element` (no line when there is no element)."""
        if severity is Severity.ERROR and element is not None:
            self._errors_at.append(element)
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

    @property
    def explained_lines(self) -> set[int]:
        """Lines of the elements that carry an error, and of their ancestors: a
        schema error reported on one of them is already explained by a precise rule
        (see atom_schema). Computed on demand, as only a failing schema asks."""
        lines: set[int] = set()
        for element in self._errors_at:
            node: etree._Element | None = element
            while node is not None:
                line = line_of(node)
                if line is not None:
                    lines.add(line)
                node = node.getparent()
        return lines
