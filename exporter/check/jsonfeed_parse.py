"""Safe JSON parsing for JSON Feed: every failure is a Problem, never an exception.

`json` itself has no limits and silently keeps the last of duplicate keys, so
this module adds what a validator needs: strict UTF-8, duplicate-key findings
with their JSON pointer, a nesting bound, and the source line of a pointer
(computed only when there are findings to locate).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from exporter.problems import Problem, Severity, json_pointer

MAX_DEPTH = 64
MAX_LINE_SCAN_BYTES = 8 * 1024 * 1024
JSONValue = Any  # what json.loads returns: dict, list, str, int, float, bool or None


@dataclass
class Parsed:
    """The document (None when it could not be read) and the parse findings."""

    document: JSONValue = None
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    ok: bool = False


class _Rejected(ValueError):
    """NaN or Infinity: accepted by Python's json, not by JSON (RFC 8259)."""


def _reject_constant(name: str) -> None:
    raise _Rejected(f"{name} is not a JSON value; write a number or null")


def parse_json(data: bytes, source: str) -> Parsed:
    result = Parsed()
    if data.startswith(b"\xef\xbb\xbf"):
        result.problems.append(
            Problem(
                source,
                "jsonfeed-bom",
                "The file starts with a byte-order mark; JSON (RFC 8259) must not have one. "
                "Save it as UTF-8 without BOM.",
                line=1,
                severity=Severity.WARNING,
            )
        )
        data = data[3:]
    try:
        result.text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.problems.append(
            Problem(
                source,
                "jsonfeed-encoding",
                f"Byte {error.start} is not valid UTF-8 ({error.reason}); JSON Feed must be "
                "UTF-8: re-encode the file.",
                line=line,
            )
        )
        return result
    duplicates: list[tuple[dict[str, JSONValue], str]] = []

    def collect(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
        obj: dict[str, JSONValue] = {}
        for key, value in pairs:
            if key in obj:
                duplicates.append((obj, key))
            obj[key] = value
        return obj

    try:
        result.document = json.loads(
            result.text, object_pairs_hook=collect, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        result.problems.append(
            Problem(
                source,
                "jsonfeed-syntax",
                f"Invalid JSON: {error.msg}; fix the syntax at this position.",
                line=error.lineno,
                column=error.colno,
            )
        )
        return result
    except RecursionError:
        result.problems.append(_too_deep(source))
        return result
    except ValueError as error:  # NaN/Infinity, or an integer with too many digits
        result.problems.append(
            Problem(source, "jsonfeed-syntax", f"Invalid JSON value: {error}.", line=None)
        )
        return result
    if nesting_depth(result.document) > MAX_DEPTH:
        result.problems.append(_too_deep(source))
        return result
    # Pointers are only needed to locate duplicate keys (rare): not built otherwise.
    pointers = _pointers_by_identity(result.document) if duplicates else {}
    for obj, key in duplicates:
        pointer = pointers.get(id(obj), "") + json_pointer([key])
        result.problems.append(
            Problem(
                source,
                "jsonfeed-duplicate-key",
                f"The key {key!r} appears twice in the same object; readers differ in which "
                "one they keep. Remove the duplicate.",
                pointer=pointer,
            )
        )
    result.ok = True
    return result


def _too_deep(source: str) -> Problem:
    return Problem(
        source,
        "jsonfeed-too-deep",
        f"The JSON nests objects or arrays more than {MAX_DEPTH} levels deep; no feed needs "
        "that, and readers may crash on it.",
    )


def nesting_depth(document: JSONValue) -> int:
    """Deepest object/array nesting, computed level by level without recursion
    (only containers are visited: scalars cannot add depth)."""
    level = [document] if isinstance(document, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        inner: list[JSONValue] = []
        keep = inner.append
        for value in level:
            for child in value.values() if isinstance(value, dict) else value:
                if isinstance(child, _CONTAINERS):
                    keep(child)
        level = inner
    return depth


# A tuple, not `dict | list`: isinstance is faster with it, and this runs per value.
_CONTAINERS = (dict, list)


def _pointers_by_identity(document: JSONValue) -> dict[int, str]:
    found: dict[int, str] = {}
    stack: list[tuple[JSONValue, str]] = [(document, "")]
    while stack:
        value, pointer = stack.pop()
        if isinstance(value, dict):
            found[id(value)] = pointer
            stack.extend((v, pointer + json_pointer([k])) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, pointer + json_pointer([i])) for i, v in enumerate(value))
    return found


def pointer_lines(text: str, wanted: Collection[str] | None = None) -> dict[str, int]:
    """Line of each value's start, by JSON pointer, for text that parsed as JSON.

    A small scanner over the already-valid text: strings and numbers are
    skipped with the stdlib decoder, so the cost is one pass; skipped for very large files.
    With `wanted`, only those pointers and their ancestors are located: any other
    value is skipped whole by the C decoder (a feed with a few findings among
    hundreds of items is not scanned token by token).
    """
    if len(text) > MAX_LINE_SCAN_BYTES:
        return {}
    needed = None if wanted is None else _with_ancestors(wanted)
    lines: dict[str, int] = {}
    decoder = json.JSONDecoder()
    position, line = 0, 1
    # Each frame: (pointer of the container, is_object, next index, pending key)
    stack: list[list[Any]] = []
    pointer = ""
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\n":
            line += 1
            position += 1
            continue
        if char in " \t\r,:":
            position += 1
            continue
        if char in "}]":
            stack.pop()
            position += 1
            continue
        if stack and stack[-1][1] and stack[-1][3] is None and char == '"':
            key, end = decoder.raw_decode(text, position)
            stack[-1][3] = key
            line += text.count("\n", position, end)
            position = end
            continue
        if stack:
            frame = stack[-1]
            if frame[1]:
                pointer = frame[0] + json_pointer([frame[3]])
                frame[3] = None
            else:
                pointer = frame[0] + json_pointer([frame[2]])
                frame[2] += 1
        lines.setdefault(pointer, line)
        if char in "{[" and (needed is None or pointer in needed):
            stack.append([pointer, char == "{", 0, None])
            position += 1
            continue
        _, end = decoder.raw_decode(text, position)
        line += text.count("\n", position, end)
        position = end
    return lines


def _with_ancestors(pointers: Collection[str]) -> set[str]:
    """The pointers and every parent of each, up to the root ("")."""
    found = {""}
    for pointer in pointers:
        while pointer and pointer not in found:
            found.add(pointer)
            pointer = pointer.rsplit("/", 1)[0]
    return found
