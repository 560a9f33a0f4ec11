"""Problems are values: every stage returns them, only reporters print them.

One shape serves record validation (`validate`), feed checking (`check`) and
export, so all three share reporters and a CI pipeline sees one format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"  # information, never a failure: `diff` lists added and changed entries


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, located as precisely as the input allows.

    `rule` is a stable id (documented in the README) that users may grep for or
    suppress; `message` is a plain sentence saying what is wrong and how to fix it.
    """

    path: str
    rule: str
    message: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    severity: Severity = Severity.ERROR
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """`file:line:column` as editors and terminals link it."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


def problem_from_dict(data: dict[str, Any]) -> Problem:
    """A Problem back from its JSON form (as orjson writes the dataclass)."""
    return Problem(**{**data, "severity": Severity(data["severity"])})


def json_pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
