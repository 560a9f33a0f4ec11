"""For tools: one JSON document with counts and every problem."""

from __future__ import annotations

import json
import re
from typing import TextIO

from exporter.report.base import Report, Reporter

# Lone surrogates (a file name with bytes that are not UTF-8, surrogate-escaped)
# cannot be encoded as UTF-8; written as JSON \uXXXX escapes they stay valid JSON
# and read back as the same string.
_SURROGATE = re.compile("[\ud800-\udfff]")


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
            **report.details,
        }
        text = json.dumps(document, indent=2, ensure_ascii=False)
        stream.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
