"""Reporters: one class per output format behind one registry line each."""

from __future__ import annotations

from typing import TextIO

from exporter.report.base import Report, Reporter
from exporter.report.github import GithubReporter
from exporter.report.json_ import JsonReporter
from exporter.report.junit import JunitReporter
from exporter.report.text import TextReporter, format_problem

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "junit": JunitReporter,
}
OUTPUT_FORMATS = tuple(REPORTERS)


def write_report(
    report: Report, output_format: str, stream: TextIO, color: bool | None = None
) -> None:
    REPORTERS[output_format]().write(report, stream, color)


__all__ = ["OUTPUT_FORMATS", "Report", "Reporter", "format_problem", "write_report"]
