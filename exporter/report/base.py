"""What every reporter receives: the problems, what was checked, and a summary."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, TextIO

from exporter.problems import Problem, Severity


@dataclass(frozen=True)
class Report:
    """`checked` names every input (JUnit makes one test case of each, so a
    clean file shows as a passing test, not as nothing)."""

    command: str
    problems: list[Problem]
    checked: list[str] = field(default_factory=list)
    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # more for tools: JSON output only
    # Whether the run failed (its exit code is not 0); by default, when it found
    # an error. `export` says so itself: rejected records do not fail an export.
    failed: bool | None = None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    @property
    def outcome(self) -> str:
        """`failed`, `problems` (passed, with something to look at) or `ok`: the
        colour of the summary line (red, yellow, green)."""
        failed = self.errors > 0 if self.failed is None else self.failed
        if failed:
            return "failed"
        return "problems" if self.errors or self.warnings else "ok"


class Reporter(ABC):
    @abstractmethod
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        """Write the whole report to `stream`."""
