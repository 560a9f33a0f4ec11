"""Collects RSS findings with their location, so rule code stays one line per finding."""

from __future__ import annotations

from lxml import etree

from exporter.check.elements import line_of
from exporter.problems import Problem, Severity


class Report:
    """An accumulator of Problems for one feed; it never prints."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self,
        severity: Severity,
        rule: str,
        element: etree._Element | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        line = line_of(element) if element is not None else None
        self.problems.append(
            Problem(
                path=self.source,
                rule=rule,
                message=message,
                line=line,
                severity=severity,
                hint=hint,
            )
        )

    def error(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self.add(Severity.ERROR, rule, element, message, hint)

    def warning(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self.add(Severity.WARNING, rule, element, message, hint)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)
