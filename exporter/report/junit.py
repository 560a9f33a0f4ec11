"""JUnit XML for CI dashboards: one test case per input, failing on its errors."""

from __future__ import annotations

from typing import TextIO

from lxml import etree

from exporter.problems import Problem
from exporter.report.base import Report, Reporter
from exporter.report.text import format_problem, visible
from exporter.words import counted


def _headline(errors: list[Problem]) -> str:
    """The failure message dashboards show: the first error itself (issue 13:
    "1 problem(s)" said nothing), and how many more the failure text lists."""
    more = len(errors) - 1
    return format_problem(errors[0]) + (f" (and {counted(more, 'more error')})" if more else "")


class JunitReporter(Reporter):
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        by_path: dict[str, list[Problem]] = {name: [] for name in report.checked}
        for problem in report.problems:
            by_path.setdefault(problem.path, []).append(problem)
        failing = sum(1 for found in by_path.values() if any(p.is_error for p in found))
        suite = etree.Element(
            "testsuite",
            name=f"feed-exporter {report.command}",
            tests=str(len(by_path)),
            failures=str(failing),
            errors="0",
        )
        for path, found in by_path.items():
            case = etree.SubElement(suite, "testcase", classname=report.command, name=visible(path))
            errors = [p for p in found if p.is_error]
            if errors:
                failure = etree.SubElement(
                    case, "failure", message=_headline(errors), type=errors[0].rule
                )
                failure.text = "\n".join(format_problem(p) for p in errors)
            warnings = [p for p in found if not p.is_error]
            if warnings:
                out = etree.SubElement(case, "system-out")
                out.text = "\n".join(format_problem(p) for p in warnings)
        suites = etree.Element("testsuites")
        suites.append(suite)
        stream.write(
            etree.tostring(
                suites, xml_declaration=True, encoding="UTF-8", pretty_print=True
            ).decode()
        )
