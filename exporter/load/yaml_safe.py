"""Front-matter YAML composed from parser events, so hostile YAML cannot hurt us.

`yaml.safe_load` would expand aliases (a 1 KB file can describe a billion nodes),
recurse without bound, and forget where each value was written. Walking the event
stream ourselves refuses anchors and aliases outright, bounds nesting, records the
line of every field and turns YAML-only types into JSON types or problems.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from yaml import events
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from exporter.load.text import SURROGATE_MESSAGE, has_surrogate
from exporter.load.yaml_hints import character_at, quote_hint
from exporter.problems import json_pointer
from exporter.records import ScalarOrigin

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_KINDS = {
    "bool": "boolean",
    "int": "integer",
    "float": "float",
    "null": "null",
    "timestamp": "timestamp",
}


class YamlRefused(Exception):
    """A YAML document we will not read, with the rule id and 1-based line."""

    def __init__(
        self,
        rule: str,
        message: str,
        line: int | None,
        hint: str | None = None,
        column: int | None = None,
    ):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.hint = hint
        self.column = column  # 1-based, where the parser says the problem is


@dataclass
class YamlDocument:
    value: Any
    lines: dict[str, int] = field(default_factory=dict)
    origins: dict[str, ScalarOrigin] = field(default_factory=dict)


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: tuple[str | int, ...]
    key: str | None = None  # pending mapping key
    key_line: int = 0


def _timestamp_text(value: datetime | date, source: str) -> tuple[str, str]:
    """RFC 3339 text that keeps the written offset; a naive time stays naive so
    the contract rejects it (we never invent a time zone)."""
    if not isinstance(value, datetime):
        return value.isoformat(), "date"
    spec = "seconds" if value.microsecond == 0 else "microseconds"
    text = value.isoformat(timespec=spec)
    if text.endswith("+00:00") and source.rstrip()[-1:] in ("Z", "z"):
        text = text[:-6] + "Z"
    return text, "timestamp"


def scalar_value(event: events.ScalarEvent, line: int) -> tuple[Any, ScalarOrigin | None]:
    """The JSON value of one scalar as the reference reads it (YAML 1.1 typing as
    PyYAML resolves it, timestamps to RFC 3339 text); the fast path reuses it."""
    tag = event.tag
    if tag in (None, "!"):
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    if not tag.startswith(_TAG) or tag[len(_TAG) :] not in ("str", *_KINDS):
        raise YamlRefused(
            "yaml-type",
            f"the YAML tag {tag} has no JSON equivalent",
            line,
            hint="remove the tag and write a plain string, number or boolean",
        )
    short = tag[len(_TAG) :]
    if short == "str":
        if has_surrogate(event.value):
            raise YamlRefused("xml-illegal-char", SURROGATE_MESSAGE, line)
        return event.value, None
    node = yaml.ScalarNode(tag, event.value)
    try:
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except (ValueError, OverflowError, KeyError, AttributeError):
        # The resolver's regexes accept what the constructors cannot build:
        # 2021-02-30T04:31:00Z, a 5000-digit integer, `!!bool maybe`.
        if short == "timestamp":
            return event.value, None  # left as text, the contract names the bad date
        shown = event.value if len(event.value) <= 40 else event.value[:37] + "..."
        raise YamlRefused("yaml-type", f"{shown!r} cannot be read as YAML {short}", line) from None
    plain = not event.style and event.tag is None
    origin = ScalarOrigin(_KINDS[short], event.value) if plain else None
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlRefused(
            "yaml-type",
            f"{event.value!r} is not a finite number (JSON has no NaN or infinity)",
            line,
        )
    if isinstance(value, (date, datetime)):
        value, kind = _timestamp_text(value, event.value)
        origin = ScalarOrigin(kind, event.value)
    return value, origin


_COLLECTION_TAGS = (None, "!", f"{_TAG}map", f"{_TAG}seq")


def _check_collection_tag(
    event: events.MappingStartEvent | events.SequenceStartEvent, line: int
) -> None:
    """`!!set`, `!!omap`, `!!python/...` or a custom tag on a mapping or list
    would otherwise be read as a plain mapping or list without a word."""
    if event.tag not in _COLLECTION_TAGS:
        raise YamlRefused(
            "yaml-type",
            f"the YAML tag {event.tag} has no JSON equivalent",
            line,
            hint="remove the tag and write a plain mapping or list",
        )


def compose(text: str, *, line_offset: int = 0, max_depth: int = 32) -> YamlDocument:
    """Load one YAML document as JSON-typed values; raise YamlRefused when it
    is not one we accept. `line_offset` maps document lines to file lines."""
    parser = _Parser(text)
    doc = YamlDocument(value=None)
    stack: list[_Frame] = []
    documents = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            line = event.start_mark.line + 1 + line_offset
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlRefused("yaml-syntax", "more than one YAML document", line)
                continue
            if isinstance(event, events.AliasEvent) or getattr(event, "anchor", None):
                raise YamlRefused(
                    "yaml-alias",
                    "YAML anchors and aliases (&name, *name) are not allowed",
                    line,
                    hint="write the value out in full",
                )
            if isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
                frame = stack.pop()
                if not stack:
                    doc.value = frame.container
                continue
            if isinstance(event, events.ScalarEvent):
                value, origin = scalar_value(event, line)
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                    _take_key(stack[-1], value, origin, line)
                    continue
                _place(stack, doc, value, origin, line)
                continue
            if isinstance(event, (events.MappingStartEvent, events.SequenceStartEvent)):
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                    raise YamlRefused("yaml-key", "a mapping key must be a plain string", line)
                _check_collection_tag(event, line)
                if len(stack) >= max_depth:
                    raise YamlRefused(
                        "yaml-too-deep", f"nesting deeper than {max_depth} levels", line
                    )
                container: dict[str, Any] | list[Any] = (
                    {} if isinstance(event, events.MappingStartEvent) else []
                )
                path = _place(stack, doc, container, None, line)
                stack.append(_Frame(container, path))
    except yaml.YAMLError as error:
        raise _syntax_error(error, text, line_offset) from None
    except YamlRefused as refused:
        # `title: !important`, `title: &co`: text YAML read as a tag or an anchor
        if refused.rule in ("yaml-type", "yaml-alias") and refused.line is not None:
            refused.hint = quote_hint(text, [refused.line - 1 - line_offset]) or refused.hint
        raise
    finally:
        parser.dispose()
    return doc


def _syntax_error(error: yaml.YAMLError, text: str, line_offset: int) -> YamlRefused:
    """PyYAML's own line and column, the character it stopped at, and a "quote
    the value" hint when the line holds one of the plain-scalar traps."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    mark = problem_mark or context_mark
    at_end = problem_mark is not None and problem_mark.index >= len(text.rstrip())
    if at_end and context_mark is not None:
        # an unclosed quote or list: the parser stops at the end of the front
        # matter (the closing --- line), the mistake is where the value opened
        mark = context_mark
        context = getattr(error, "context", None) or "while scanning"
        problem = f"{problem} {context} that starts here and is never closed"
    if mark is None:
        return YamlRefused("yaml-syntax", f"invalid YAML: {problem}", None)
    found = character_at(text, mark.line, mark.column)
    if found is not None:
        # libyaml's "found character that cannot start any token" leaves it out
        problem = problem.replace("found character that", f"found character {found!r} that")
        if "found" not in problem:
            problem += f" (found {found!r})"
    candidates = [mark.line] + ([context_mark.line] if context_mark is not None else [])
    hint = quote_hint(text, candidates)
    if found == "\t" or "tab character" in problem:
        hint = "YAML indents with spaces, never tabs: replace the tab with spaces"
    return YamlRefused(
        "yaml-syntax",
        f"invalid YAML: {problem}",
        mark.line + 1 + line_offset,
        hint=hint,
        column=mark.column + 1,
    )


def _take_key(frame: _Frame, value: Any, origin: ScalarOrigin | None, line: int) -> None:
    if not isinstance(value, str):
        shown = origin.text if origin else repr(value)
        kind = origin.kind if origin else "a non-string"
        raise YamlRefused(
            "yaml-key",
            f"the key {shown!r} is not a string (YAML read it as {kind})",
            line,
            hint="quote the key",
        )
    assert isinstance(frame.container, dict)
    if value in frame.container:
        raise YamlRefused("duplicate-key", f"the key {value!r} appears twice", line)
    frame.key = value
    frame.key_line = line


def _place(
    stack: list[_Frame], doc: YamlDocument, value: Any, origin: ScalarOrigin | None, line: int
) -> tuple[str | int, ...]:
    """Put a value into the open container and remember its line and origin."""
    if not stack:
        doc.value = value
        path: tuple[str | int, ...] = ()
    else:
        frame = stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None
            path = (*frame.path, frame.key)
            frame.container[frame.key] = value
            line = frame.key_line
            frame.key = None
        else:
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
    pointer = json_pointer(path)
    doc.lines[pointer] = line
    if origin is not None:
        doc.origins[pointer] = origin
    return path
