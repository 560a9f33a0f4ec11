"""GitHub Actions workflow commands, so problems show inline on pull requests."""

from __future__ import annotations

from typing import TextIO

from exporter.problems import Problem
from exporter.report.base import Report, Reporter
from exporter.report.text import visible


def _data(text: str) -> str:
    text = visible(text, keep_newlines=True)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    props = [f"file={_property(problem.path)}"]
    if problem.line is not None:
        props.append(f"line={problem.line}")
    if problem.column is not None:
        props.append(f"col={problem.column}")
    props.append(f"title={_property(problem.rule)}")
    message = problem.message
    if problem.pointer:
        message += f" (at {problem.pointer})"
    if problem.hint:
        message += f" {problem.hint}"
    return f"::{problem.severity.value} {','.join(props)}::{_data(message)}"


class GithubReporter(Reporter):
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        for problem in report.problems:
            stream.write(annotation(problem) + "\n")
        if report.summary:
            stream.write(report.summary + "\n")
