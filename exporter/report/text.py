"""For people: one line per problem in `file:line:col` form editors can follow."""

from __future__ import annotations

import os
import re
from typing import TextIO

import click

from exporter.problems import Problem
from exporter.report.base import Report, Reporter

_COLOURS = {"error": "red", "warning": "yellow", "notice": "cyan"}
# The summary line: red only when the run failed (issue 13: a successful export
# that skipped records was red).
_OUTCOME_COLOURS = {"failed": "red", "problems": "yellow", "ok": "green"}
# Characters that would drive a terminal (ANSI escapes), break XML or hide text, and
# lone surrogates: a file name with bytes that are not UTF-8 reaches us
# surrogate-escaped (b"\xff" as "\udcff"), which no UTF-8 writer (lxml, a strict
# stdout) can encode.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_INVISIBLE_INLINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, keep_newlines: bool = False) -> str:
    """User data (field names, file names) with control characters shown as \\xNN
    and lone surrogates as \\uXXXX, so any writer can encode it."""
    pattern = _INVISIBLE_INLINE if keep_newlines else _INVISIBLE
    return pattern.sub(lambda m: _escape(m.group()), text)


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
        f"{_style(visible(problem.location()), color, bold=True)}: "
        f"{_style(severity, color, fg=_COLOURS[severity], bold=True)} [{problem.rule}] "
    )
    # Messages may quote user text: never let it break the one-line format.
    return head + visible(" ".join(f"{problem.message}{tail}".split()))


def use_color(stream: TextIO, color: bool | None) -> bool:
    """`color` when the user chose (--color always|never); otherwise colour only
    a terminal that can show it, unless NO_COLOR is set (https://no-color.org:
    any non-empty value) or TERM is dumb."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class TextReporter(Reporter):
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        colored = use_color(stream, color)
        for problem in report.problems:
            stream.write(format_problem(problem, colored) + "\n")
        if report.summary:
            style = _OUTCOME_COLOURS[report.outcome]
            stream.write(_style(report.summary, colored, fg=style) + "\n")
