"""A record as loaded from disk, before it is trusted: data plus where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ScalarOrigin:
    """How YAML typed a plain scalar, so a type error can say "YAML read `yes` as a
    boolean; quote it" instead of a bare "expected string"."""

    kind: str  # "boolean", "integer", "float", "null", "date", "timestamp"
    text: str


@dataclass(frozen=True, slots=True)
class Record:
    """`line` is where the record starts; `lines` maps JSON pointers to the line of
    that field (front matter), so problems point at the line to edit."""

    data: dict[str, Any]
    source: str
    line: int | None = None
    body: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)
    origins: Mapping[str, ScalarOrigin] = field(default_factory=dict)
    # Read by the fast YAML path: `lines` and `origins` are exact but computed by
    # the reference parser on first use, so ask for them only when reporting.
    locations_deferred: bool = False

    def line_of(self, pointer: str) -> int | None:
        """Line of the field, else of its nearest located parent, else the record's."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return self.line
