"""For people: one line per problem in `file:line:col` form editors can follow."""

from __future__ import annotations

from typing import TextIO

import click

from exporter.problems import Problem
from exporter.report.base import Report, Reporter

_COLOURS = {"error": "red", "warning": "yellow"}


def _style(text: str, color: bool, **styles: object) -> str:
    return click.style(text, **styles) if color else text  # type: ignore[arg-type]


def format_problem(problem: Problem, color: bool = False) -> str:
    """`file:line: error [rule] message (at /pointer; hint)`: one line, always."""
    severity = problem.severity.value
    extra = [f"at {problem.pointer}"] if problem.pointer else []
    if problem.hint:
        extra.append(problem.hint)
    tail = f" ({'; '.join(extra)})" if extra else ""
    head = (
        f"{_style(problem.location(), color, bold=True)}: "
        f"{_style(severity, color, fg=_COLOURS[severity], bold=True)} [{problem.rule}] "
    )
    # Messages may quote user text: never let it break the one-line format.
    return head + " ".join(f"{problem.message}{tail}".split())


def use_color(stream: TextIO, color: bool | None) -> bool:
    if color is not None:
        return color
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class TextReporter(Reporter):
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        colored = use_color(stream, color)
        for problem in report.problems:
            stream.write(format_problem(problem, colored) + "\n")
        if report.summary:
            style = "red" if report.errors else "green"
            stream.write(_style(report.summary, colored, fg=style) + "\n")
