"""JSON (one record or an array of records) and JSON Lines (one record a line).

Each record keeps the line it starts on. Duplicate keys, NaN/Infinity and
over-deep nesting are problems, as they have no single meaning in JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from exporter.load.json_locations import LazyLines
from exporter.load.settings import LoadSettings
from exporter.load.text import SURROGATE_MESSAGE, has_surrogate
from exporter.problems import Problem
from exporter.records import Record


class _Refused(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _Refused(f"{name} is not valid JSON (no NaN or infinity)")


class _Decoder:
    """A decoder that notes duplicate keys instead of silently keeping the last."""

    def __init__(self) -> None:
        self.duplicates: list[str] = []
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._pairs, parse_constant=_reject_constant
        )

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                self.duplicates.append(key)
            result[key] = value
        return result

    def decode_at(self, text: str, index: int) -> tuple[Any, int]:
        self.duplicates.clear()
        return self.decoder.raw_decode(text, index)


def _shape_problem(value: Any, max_depth: int) -> tuple[str, str] | None:
    """(rule, message) when a decoded value is too deep or holds a lone surrogate;
    one iterative walk, so hostile nesting cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return "too-deep", f"nesting deeper than {max_depth} levels"
        if isinstance(item, dict):
            if any(has_surrogate(key) for key in item):
                return "xml-illegal-char", f"a key {SURROGATE_MESSAGE}"
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and has_surrogate(item):
            return "xml-illegal-char", f"a value {SURROGATE_MESSAGE}"
    return None


def _record(
    value: Any,
    decoder: _Decoder,
    name: str,
    line: int,
    settings: LoadSettings,
    lines: Mapping[str, int] | None = None,
) -> Record | Problem:
    if decoder.duplicates:
        return Problem(
            name, "duplicate-key", f"the key {decoder.duplicates[0]!r} appears twice", line=line
        )
    if not isinstance(value, dict):
        return Problem(name, "not-an-object", "a record must be a JSON object", line=line)
    shape = _shape_problem(value, settings.max_depth)
    if shape is not None:
        return Problem(name, shape[0], shape[1], line=line)
    return Record(data=value, source=name, line=line, lines=lines or {})


def _syntax(name: str, error: Exception, text: str, base_line: int = 0) -> Problem:
    if isinstance(error, json.JSONDecodeError):
        return Problem(
            name,
            "json-syntax",
            f"invalid JSON: {error.msg}",
            line=base_line + error.lineno,
            column=error.colno,
        )
    if isinstance(error, RecursionError):
        return Problem(name, "too-deep", "nesting too deep to read", line=base_line + 1)
    line, column = _constant_position(text)
    return Problem(name, "json-syntax", str(error), line=base_line + line, column=column)


# JSON strings, or a NaN/Infinity outside them: the decoder gives no position.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _constant_position(text: str) -> tuple[int, int | None]:
    """1-based line and column of the first NaN or Infinity outside a string."""
    for match in _TOKENS.finditer(text):
        if match.group(1):
            start = match.start(1)
            return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    return 1, None


def parse_json(text: str, name: str, settings: LoadSettings) -> Iterator[Record | Problem]:
    decoder = _Decoder()
    start = len(text) - len(text.lstrip())
    try:
        if not text.startswith("[", start):
            value, end = decoder.decode_at(text, start)
            _expect_end(text, end)
            line = text.count("\n", 0, start) + 1
            yield _record(value, decoder, name, line, settings, LazyLines(text, start, end))
            return
        yield from _parse_array(text, start + 1, decoder, name, settings)
    except (ValueError, RecursionError) as error:
        yield _syntax(name, error, text)


def _expect_end(text: str, end: int) -> None:
    if text[end:].strip():
        raise json.JSONDecodeError("extra data after the JSON value", text, end)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def _parse_array(
    text: str, index: int, decoder: _Decoder, name: str, settings: LoadSettings
) -> Iterator[Record | Problem]:
    index = _skip(text, index)
    if text.startswith("]", index):
        _expect_end(text, index + 1)
        return
    while True:
        line = text.count("\n", 0, index) + 1
        start = index
        value, index = decoder.decode_at(text, index)
        yield _record(value, decoder, name, line, settings, LazyLines(text, start, index))
        index = _skip(text, index)
        if text.startswith("]", index):
            _expect_end(text, index + 1)
            return
        if not text.startswith(",", index):
            raise json.JSONDecodeError("expected ',' or ']'", text, index)
        index = _skip(text, index + 1)


def parse_standard_input(
    text: str, name: str, settings: LoadSettings
) -> Iterator[Record | Problem]:
    """JSON Lines, as `parse_json_lines`; but when no line is JSON at all (a
    Markdown file piped in), one problem says what stdin takes instead of one
    "invalid JSON" per line. Issue 13."""
    items = list(parse_json_lines(text, name, settings))
    if any(isinstance(item, Record) for item in items) or not items:
        yield from items
        return
    if not all(isinstance(item, Problem) and item.rule == "json-syntax" for item in items):
        yield from items
        return
    looks = "Markdown with front matter" if text.lstrip().startswith("---") else "not JSON"
    yield Problem(
        name,
        "json-syntax",
        f"standard input takes JSON Lines (one JSON object per line); this is {looks}",
        line=1,
        hint="pass the file's path instead of piping it: feed-exporter validate post.md",
    )


def parse_json_lines(text: str, name: str, settings: LoadSettings) -> Iterator[Record | Problem]:
    decoder = _Decoder()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value, end = decoder.decode_at(line, len(line) - len(line.lstrip()))
            _expect_end(line, end)
        except (ValueError, RecursionError) as error:
            yield _syntax(name, error, line, base_line=number - 1)
            continue
        yield _record(value, decoder, name, number, settings)
