"""JSON Feed 1.0/1.1 rules of `feed-exporter check`.

Three layers, each reporting Problems with a JSON pointer (and a line when it can
be found cheaply): safe parsing (jsonfeed_parse), the structure in
schemas/jsonfeed-1.1.schema.json (draft 2020-12, formats checked), whose errors
are translated into stable `jsonfeed-` rule ids with a message saying how to fix
them, and the rules a schema cannot express (jsonfeed_rules).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from exporter.check.context import CheckContext
from exporter.check.dates import check_rfc3339
from exporter.check.hubs import hub_problems, json_hubs
from exporter.check.jsonfeed_parse import JSONValue, parse_json, pointer_lines
from exporter.check.jsonfeed_rules import rule_problems
from exporter.iri import is_valid_absolute_iri
from exporter.problems import Problem, json_pointer
from exporter.resources import schema_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_PATH = schema_path("jsonfeed-1.1.schema.json")
_REQUIRED_KEY = re.compile(r"'(.+)' is a required property")
TOP_LEVEL_REQUIRED = {"version", "title", "items"}


def check_jsonfeed(data: bytes, context: CheckContext) -> list[Problem]:
    """All JSON Feed findings for raw bytes; never raises on bad input."""
    parsed = parse_json(data, context.source)
    problems = list(parsed.problems)
    if not parsed.ok:
        return problems
    document = parsed.document
    if not isinstance(document, dict):
        problems.append(
            Problem(
                context.source,
                "jsonfeed-not-object",
                "A JSON Feed is a JSON object with version, title and items; this document is "
                f"a {type(document).__name__}.",
                pointer="",
                line=1,
            )
        )
        return problems
    problems.extend(schema_problems(document, context.source))
    problems.extend(rule_problems(document, context))
    problems.extend(hub_problems(json_hubs(document, context.base), context.source, False))
    return _with_lines(_unique(problems), parsed.text)


@cache
def _validator() -> Draft202012Validator:
    # Imported here: jsonschema only explains failures (jsonschema-rs gives the
    # verdict), and importing it costs more than verifying a feed of ten entries.
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    checker = FormatChecker(formats=())
    checker.checks("uri")(_is_url)
    checker.checks("date-time")(_is_date)
    return Draft202012Validator(schema, format_checker=checker)


def _is_url(value: object) -> bool:
    return not isinstance(value, str) or is_valid_absolute_iri(value)


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or check_rfc3339(value).ok


# Fast path, kept because it earns its place: the verdict from jsonschema-rs saves
# ~21 % of a cold 10,000-record export; jsonschema then runs only on failing
# feeds, to explain them (tests/test_check_jsonfeed_engines.py: both agree).
@cache
def _fast_validator() -> Any:
    """jsonschema-rs with the same format functions: the verdict ~50x faster."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(
        schema, validate_formats=True, formats={"uri": _is_url, "date-time": _is_date}
    )


def schema_problems(document: dict[str, JSONValue], source: str) -> list[Problem]:
    """jsonschema explains the failures; the fast engine only says when there are none
    (tests run both engines over valid and broken feeds and compare)."""
    if _fast_validator().is_valid(document):
        return []
    problems: list[Problem] = []
    for error in _validator().iter_errors(document):
        problems.extend(_translate(error, source))
    return problems


def _translate(error: ValidationError, source: str) -> list[Problem]:
    """One schema error as Problems with our rule ids and fix-it messages."""
    path = list(error.absolute_path)
    pointer = json_pointer(path)
    where = pointer or "the feed"
    in_item = len(path) == 2 and path[0] == "items"
    last = path[-1] if path else None
    keyword = error.validator

    def problem(rule: str, message: str, at: str = pointer) -> Problem:
        return Problem(source, rule, message, pointer=at)

    if keyword == "required":
        match = _REQUIRED_KEY.match(error.message)
        key = match.group(1) if match else str(error.validator_value)
        if not path and key in TOP_LEVEL_REQUIRED:
            return [problem(f"jsonfeed-missing-{key}", f"The feed has no {key!r}; add it.")]
        if in_item and key == "id":
            return [
                problem(
                    "jsonfeed-item-missing-id",
                    f"Item {where} has no 'id'; give every item a unique, stable string id.",
                )
            ]
        return [problem("jsonfeed-missing-key", f"{where} needs the key {key!r}; add it.")]
    if keyword == "anyOf" and in_item:
        return [
            problem(
                "jsonfeed-item-missing-content",
                f"Item {where} has neither 'content_html' nor 'content_text'; add one of them.",
            )
        ]
    if keyword == "anyOf":
        return [
            problem(
                "jsonfeed-author-empty",
                f"Author {where} needs at least one of 'name', 'url' or 'avatar'.",
            )
        ]
    if keyword == "additionalProperties":
        return [
            problem(
                "jsonfeed-unknown-key",
                f"{key!r} is not a JSON Feed key; extension keys must start with '_' "
                "(for example '_myapp'), otherwise fix the spelling.",
                pointer + json_pointer([key]),
            )
            for key in _unexpected_keys(error)
        ]
    if keyword == "type" and last == "id" and len(path) == 3 and path[0] == "items":
        return [
            problem(
                "jsonfeed-item-id-not-string",
                f"Item id {error.instance!r} at {where} is a {_json_type(error.instance)}; "
                "JSON Feed 1.1 requires a string, and readers such as gofeed reject the whole "
                'feed otherwise. Quote it: "id": "' + str(error.instance) + '".',
            )
        ]
    if keyword == "type" and isinstance(last, str) and last.startswith("_"):
        return [
            problem(
                "jsonfeed-extension-not-object",
                f'Extension {last!r} must hold an object, e.g. {{"about": ...}}.',
            )
        ]
    if keyword == "type":
        return [
            problem(
                "jsonfeed-wrong-type",
                f"{where} must be of type {error.validator_value}, not "
                f"{_json_type(error.instance)}.",
            )
        ]
    if keyword == "format" and error.validator_value == "uri":
        return [
            problem(
                "jsonfeed-invalid-url",
                f"{where} {error.instance!r} is not an absolute URL; write it in full with "
                "its scheme, such as 'https://example.com/post'.",
            )
        ]
    if keyword == "format":
        return [
            problem(
                "jsonfeed-invalid-date",
                f"{where} {error.instance!r} is not an RFC 3339 date-time; write it like "
                "'2006-01-02T15:04:05Z' or '2006-01-02T15:04:05+01:00'.",
            )
        ]
    return [_other(error, pointer, where, source)]


def _other(error: ValidationError, pointer: str, where: str, source: str) -> Problem:
    rules = {
        "minLength": ("jsonfeed-empty-value", f"{where} is empty; give it a value."),
        "uniqueItems": ("jsonfeed-duplicate-tag", f"{where} lists the same tag twice."),
        "minimum": ("jsonfeed-negative-number", f"{where} must not be negative."),
        "pattern": (
            "jsonfeed-invalid-code",
            f"{where} {error.instance!r} is not well-formed (a language code such as 'en-US', "
            "or a media type such as 'audio/mpeg').",
        ),
    }
    rule, message = rules.get(
        str(error.validator), ("jsonfeed-schema", f"{where}: {error.message}.")
    )
    return Problem(source, rule, message, pointer=pointer)


def _unexpected_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return [key for key in instance if key not in known and not key.startswith("_")]


def _json_type(value: JSONValue) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string"}
    names.update({dict: "object", list: "array", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str | None]] = set()
    kept: list[Problem] = []
    for item in problems:
        key = (item.rule, item.pointer)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _with_lines(problems: list[Problem], text: str) -> list[Problem]:
    """Attach the source line of each pointer (or of its nearest existing parent)."""
    wanted = {p.pointer for p in problems if p.pointer is not None and p.line is None}
    if not wanted:
        return problems
    lines = pointer_lines(text, wanted)
    located: list[Problem] = []
    for item in problems:
        if item.pointer is not None and item.line is None:
            pointer = item.pointer
            while pointer not in lines and pointer:
                pointer = pointer.rsplit("/", 1)[0]
            line = lines.get(pointer)
            item = Problem(
                item.path,
                item.rule,
                item.message,
                line,
                item.column,
                item.pointer,
                item.severity,
                item.hint,
            )
        located.append(item)
    return located
