"""For tools: one JSON document with counts and every problem."""

from __future__ import annotations

import json
from typing import TextIO

from exporter.report.base import Report, Reporter


class JsonReporter(Reporter):
    def write(self, report: Report, stream: TextIO, color: bool | None) -> None:
        document = {
            "command": report.command,
            "summary": report.summary,
            "counts": report.counts,
            "checked": report.checked,
            "problems": [
                {
                    "path": p.path,
                    "line": p.line,
                    "column": p.column,
                    "pointer": p.pointer,
                    "severity": p.severity.value,
                    "rule": p.rule,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in report.problems
            ],
        }
        stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
