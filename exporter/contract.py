"""Check records against schemas/article.schema.json and explain each failure.

jsonschema's messages are written for schema authors ("'x' is not of type
'string'"); users of this tool edit YAML, so each error becomes a stable rule id,
the JSON pointer and line of the field, and a sentence that says what to do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

# Both are light (standard library only): contract runs on every `validate`.
from exporter.foreign_fields import foreign_field_hint
from exporter.iri import is_valid_absolute_iri
from exporter.model import parse_datetime
from exporter.problems import Problem, json_pointer
from exporter.records import Record, ScalarOrigin
from exporter.resources import load_json_schema
from exporter.url_advice import url_advice

SCHEMA_NAME = "article.schema.json"

# The named $defs whose `pattern` stands for a rule users can look up.
_PATTERN_RULES = {
    "xmlText": ("xml-illegal-char", "contains a character that XML cannot carry; remove it"),
    "nonBlank": ("empty-text", "is empty; write some text"),
    "httpUrl": ("url-scheme", "must be an absolute http:// or https:// URL"),
    "domain": ("invalid-domain", "must be a host name such as example.com (no scheme or path)"),
    "securedBlob": ("secured-shape", "must be two base64 strings joined by ';'"),
    "dateTime": (
        "invalid-date-time",
        "must be an RFC 3339 date-time with a time zone, such as 2021-02-09T04:31:00Z",
    ),
}
_FORMAT_RULES = {
    "date-time": (
        "invalid-date-time",
        "must be an RFC 3339 date-time with a time zone, such as 2021-02-09T04:31:00Z",
    ),
    "uri": ("invalid-url", "is not a valid URL"),
}
_KIND_WORDS = {
    "boolean": "a boolean",
    "integer": "a number",
    "float": "a number",
    "null": "an empty value (null)",
    "date": "a date without a time",
    "timestamp": "a date-time",
}
_JSON_TYPES = {
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "a mapping",
    type(None): "null",
}


@cache
def schema() -> dict[str, Any]:
    return load_json_schema(SCHEMA_NAME)


@cache
def _validator() -> Draft202012Validator:
    # Imported here: jsonschema only explains failures (the verdict comes from
    # jsonschema-rs), and importing it costs more than a whole pre-commit run.
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema(), format_checker=FormatChecker(["date-time", "uri"]))


@cache
def _fast_validator() -> Any:
    """jsonschema-rs (Rust, ~100x faster); None where it cannot be imported."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    return jsonschema_rs.validator_for(schema(), validate_formats=True)


def fast_verdict(data: dict[str, Any]) -> bool:
    """True when the record is certainly valid; False means "ask jsonschema"."""
    validator = _fast_validator()
    return validator is not None and bool(validator.is_valid(data))


@cache
def _pattern_rules() -> dict[str, tuple[str, str]]:
    defs = schema()["$defs"]
    return {defs[name]["pattern"]: rule for name, rule in _PATTERN_RULES.items()}


def _field_name(path: tuple[str | int, ...]) -> str:
    return "`" + ".".join(str(p) for p in path) + "`" if path else "the record"


def _type_hint(
    origin: ScalarOrigin | None, expected: str, path: tuple[str | int, ...]
) -> str | None:
    """Quoting only helps where a string is wanted: for `quality: 5.5` it would
    turn one wrong type into another. Nor for a value left empty (`title:`):
    `""` would only be the next error, an empty text."""
    if origin is None or expected != "string" or origin.kind in ("timestamp", "date"):
        return None
    if origin.kind == "null" and not origin.text:
        name = str(path[-1]) if path else "value"
        if len(path) == 1 and name in schema().get("required", ()):
            return f"`{name}` is required text: write it after `{name}:`"
        return f"write the text after `{name}:`, or delete the line"
    return f'YAML read {origin.text!r} as {_KIND_WORDS[origin.kind]}; quote it: "{origin.text}"'


def _explain(
    error: ValidationError, record: Record
) -> Iterator[tuple[tuple[str | int, ...], str, str, str | None]]:
    """(path, rule, message, hint) for one jsonschema error."""
    path = tuple(error.absolute_path)
    name = _field_name(path)
    keyword = error.validator
    if keyword == "required":
        for missing in _missing(error):
            yield (*path, missing), "missing-field", f"required field `{missing}` is missing", None
    elif keyword == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            close = difflib.get_close_matches(extra, allowed, n=1)
            hint = foreign_field_hint(extra) if not path else None
            if hint is None and close:
                hint = f"did you mean `{close[0]}`?"
            yield (*path, extra), "unknown-field", f"unknown field `{extra}`", hint
    elif keyword == "type":
        expected = str(error.validator_value)
        actual = _JSON_TYPES.get(type(error.instance), "another type")
        origin = record.origins.get(json_pointer(path))
        yield (
            path,
            "wrong-type",
            f"{name} must be {_article(expected)}, not {actual}",
            _type_hint(origin, expected, path),
        )
    elif keyword == "pattern":
        rule, text = _pattern_rules().get(
            str(error.validator_value), ("invalid-value", "has an invalid form")
        )
        advice = url_advice(error.instance) if rule == "url-scheme" else None
        if advice is not None:
            yield path, advice[0], f"{name} {advice[1]}", advice[2]
        else:
            echo = f" (got {error.instance!r})" if rule == "url-scheme" else ""
            yield path, rule, f"{name} {text}{echo}", None
    elif keyword == "format":
        rule, text = _FORMAT_RULES.get(
            str(error.validator_value), ("invalid-value", "has an invalid form")
        )
        advice = url_advice(error.instance) if rule == "invalid-url" else None
        if advice is not None:
            yield path, advice[0], f"{name} {advice[1]}", advice[2]
            return
        origin = record.origins.get(json_pointer(path))
        hint = None
        if origin is not None and origin.kind == "date":
            hint = "YAML read this as a date only; add a time and offset, such as T00:00:00Z"
        elif rule == "invalid-date-time" and isinstance(error.instance, str):
            hint = (
                "add a time zone offset such as Z or +02:00"
                if _lacks_offset(error.instance)
                else None
            )
        yield path, rule, f"{name} {text} (got {error.instance!r})", hint
    elif keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        yield path, "out-of-range", f"{name} must be {bound} {error.validator_value}", None
    elif keyword == "uniqueItems":
        yield path, "duplicate-item", f"{name} lists the same value twice", None
    else:
        yield path, "invalid-value", f"{name}: {error.message}", None


# A date and time with no zone after it: the one mistake the offset hint fixes.
_NAIVE = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d(:\d\d(\.\d+)?)?")


def _lacks_offset(value: str) -> bool:
    return _NAIVE.fullmatch(value) is not None


def _article(json_type: str) -> str:
    return {"integer": "a whole number", "array": "a list", "object": "a mapping"}.get(
        json_type, f"a {json_type}"
    )


def _missing(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    return [name for name in error.validator_value if name not in instance]


# When several keywords fail for one field, the most specific message wins.
_PRIORITY = ("wrong-type", "missing-field", "unknown-field", "empty-text", "url-scheme")


def check_record(record: Record) -> list[Problem]:
    """Every contract problem of one record, one per field and rule, in field order.

    The verdict comes from the fast engine when it is installed; jsonschema runs
    only for records that fail, to explain why (tests prove both agree)."""
    problems = [] if fast_verdict(record.data) else explain(record)
    return _with_edges(record, problems)


def explain(record: Record) -> list[Problem]:
    """The reference path: jsonschema with format checks, turned into Problems."""
    found: dict[tuple[str, str], Problem] = {}
    errors = sorted(
        _validator().iter_errors(record.data), key=lambda e: list(map(str, e.absolute_path))
    )
    for error in errors:
        for path, rule, message, hint in _explain(error, record):
            pointer = json_pointer(path)
            found.setdefault(
                (pointer, rule),
                Problem(
                    path=record.source,
                    rule=rule,
                    message=message,
                    line=record.line_of(pointer),
                    pointer=pointer,
                    hint=hint,
                ),
            )
    return _one_per_field(list(found.values()))


def _one_per_field(problems: list[Problem]) -> list[Problem]:
    """A bad URL fails both `format` and `pattern`: report the clearer one only."""
    by_pointer: dict[str | None, list[Problem]] = {}
    for problem in problems:
        by_pointer.setdefault(problem.pointer, []).append(problem)
    kept: list[Problem] = []
    for group in by_pointer.values():
        group.sort(key=lambda p: _PRIORITY.index(p.rule) if p.rule in _PRIORITY else len(_PRIORITY))
        kept.append(group[0])
        kept.extend(p for p in group[1:] if p.rule in ("missing-field", "unknown-field"))
    return kept


# The years every feed can carry in UTC. Python stops at 1 and 9999, and feedgen
# writes RSS dates with strftime("%Y"), which gives "999" where RFC 822 needs four
# digits: a record dated before 1000 would fail our own RSS check (exit 3).
FIRST_YEAR, LAST_YEAR = 1000, 9999
_URL_FIELDS = ("webUrl", "originalUrl")
_RELATED_URL_FIELDS = ("webUrl", "ampWebUrl", "cdnAmpWebUrl")
FieldPath = tuple[str | int, ...]


def _with_edges(record: Record, problems: list[Problem]) -> list[Problem]:
    """Add what JSON Schema cannot say but the feeds need: dates the renderers
    can convert to UTC and URLs the feed checker accepts. A field the schema
    already reported keeps its one problem."""
    reported = {problem.pointer for problem in problems}
    extra = [problem for problem in _edge_problems(record) if problem.pointer not in reported]
    if not extra:
        return problems
    return sorted(problems + extra, key=lambda p: (p.pointer or "").split("/"))


def _edge_problems(record: Record) -> list[Problem]:
    """Dates and URLs at the top level, then per related item. Runs on every
    record: a field's path is built only when it fails (a generator of path
    tuples per field cost more than the checks themselves)."""
    data = record.data
    if not isinstance(data, Mapping):
        return []
    found: list[Problem] = []
    published = data.get("publishedDateTime")
    _check_date(record, found, published, (), "publishedDateTime")
    modified = data.get("modifiedDateTime")
    if modified is not None:
        _check_date(record, found, modified, (), "modifiedDateTime")
        _check_modified(record, found, published, modified)
    for name in _URL_FIELDS:
        _check_url(record, found, data.get(name), (), name)
    _check_image_urls(record, found, data.get("images"), ("images",))
    related = data.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if not isinstance(item, Mapping):
                continue
            at: FieldPath = ("related", index)
            _check_date(record, found, item.get("publishedDateTime"), at, "publishedDateTime")
            for name in _RELATED_URL_FIELDS:
                _check_url(record, found, item.get(name), at, name)
            _check_image_urls(record, found, item.get("images"), (*at, "images"))
    return found


def _check_date(
    record: Record, found: list[Problem], value: Any, at: FieldPath, name: str | int
) -> None:
    if isinstance(value, str) and not _carried_date(value):
        text = (
            f"must lie in the years from {FIRST_YEAR} to {LAST_YEAR} once converted to UTC"
            f" (got {value!r})"
        )
        found.append(_edge_problem(record, (*at, name), "invalid-date-time", text))


def _check_modified(record: Record, found: list[Problem], published: Any, modified: Any) -> None:
    """An edit cannot come before the article existed: readers would show an
    `updated` older than `published`, and Atom validators flag it."""
    if not (isinstance(published, str) and isinstance(modified, str)):
        return
    try:
        first, last = parse_datetime(published), parse_datetime(modified)
        earlier = last < first
    except (ValueError, TypeError, OverflowError):
        return  # unparsable or without an offset: reported as a date already
    if earlier:
        text = f"({modified!r}) is before publishedDateTime ({published!r}); an edit comes after"
        found.append(
            _edge_problem(record, ("modifiedDateTime",), "modified-before-published", text)
        )


def _check_url(
    record: Record, found: list[Problem], value: Any, at: FieldPath, name: str | int
) -> None:
    if isinstance(value, str) and not is_valid_absolute_iri(value):
        rule, text, hint = url_advice(value) or (
            "invalid-url",
            f"is not a valid URL (got {value!r}); a port must be a number up to 65535",
            None,
        )
        found.append(_edge_problem(record, (*at, name), rule, text, hint))


def _check_image_urls(record: Record, found: list[Problem], images: Any, at: FieldPath) -> None:
    if isinstance(images, list):
        for index, image in enumerate(images):
            if isinstance(image, Mapping):
                _check_url(record, found, image.get("url"), (*at, index), "url")


def _edge_problem(
    record: Record, path: FieldPath, rule: str, text: str, hint: str | None = None
) -> Problem:
    pointer = json_pointer(path)
    return Problem(
        path=record.source,
        rule=rule,
        message=f"{_field_name(path)} {text}",
        line=record.line_of(pointer),
        pointer=pointer,
        hint=hint,
    )


def _carried_date(value: str) -> bool:
    """True when the model can parse the date and every format can write it in UTC."""
    try:
        moment = parse_datetime(value)
        if moment.tzinfo is None:
            return True  # no offset: the schema reports that
        year = moment.astimezone(UTC).year
    except (ValueError, OverflowError):
        return False
    return FIRST_YEAR <= year <= LAST_YEAR
