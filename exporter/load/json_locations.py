"""The line of every field of a JSON record, worked out only when asked.

`json` gives values without positions, so a problem in a `.json` record would
point at the record's first line. A token scan of the record's own text finds
the line of each key and list item; it runs on first use (a problem, or the
duplicate-URL rule), never for a valid record's content. Issue 13.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from exporter.problems import json_pointer

# Strings, the six structural characters, and anything else (numbers, literals).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def locate(text: str, start: int, end: int) -> dict[str, int]:
    """JSON pointer -> 1-based line for the value that spans `text[start:end]`."""
    lines: dict[str, int] = {}
    line = text.count("\n", 0, start) + 1
    position = start
    # per open container: its path, whether it is a list, the next index, a pending key
    stack: list[tuple[tuple[str | int, ...], bool, list[int], list[str | None]]] = []
    expect_key = False
    for match in _TOKEN.finditer(text, start, end):
        line += text.count("\n", position, match.start())
        position = match.start()
        token = match.group()
        if token in "{[":
            path = _value_path(stack, lines, line)
            stack.append((path, token == "[", [0], [None]))
            expect_key = token == "{"
        elif token in "}]":
            stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(stack) and not stack[-1][1]
        elif token == ":":
            expect_key = False
        elif expect_key and stack:
            stack[-1][3][0] = _key(token)
            expect_key = False
        else:
            _value_path(stack, lines, line)
    return lines


def _key(token: str) -> str:
    value = json.loads(token)
    return value if isinstance(value, str) else token


def _value_path(
    stack: list[tuple[tuple[str | int, ...], bool, list[int], list[str | None]]],
    lines: dict[str, int],
    line: int,
) -> tuple[str | int, ...]:
    """The path of a value starting here; its line is remembered (a field's
    line is its value's line, the key's when both are on one line)."""
    if not stack:
        return ()
    path, is_list, index, key = stack[-1]
    if is_list:
        here: tuple[str | int, ...] = (*path, index[0])
        index[0] += 1
    else:
        here = (*path, key[0] if key[0] is not None else "")
        key[0] = None
    lines.setdefault(json_pointer(here), line)
    return here


class LazyLines(Mapping[str, int]):
    """`locate(text, start, end)`, computed on first lookup."""

    __slots__ = ("_end", "_lines", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end
        self._lines: dict[str, int] | None = None

    def _mapping(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = locate(self._text, self._start, self._end)
            self._text = ""
        return self._lines

    def __getitem__(self, key: str) -> int:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())
