"""The contract file itself: a valid draft 2020-12 schema, documented, with `format` enforced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exporter.contract import _validator, check_record, schema
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.records import Record
from tests.support import REPO

SCHEMA_FILE = REPO / "schemas" / "article.schema.json"
GOOD = {"title": "T", "publishedDateTime": "2021-02-09T04:31:00Z", "webUrl": "https://e.com/a"}


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (location, subschema) under a `properties` keyword, at any depth."""
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", child
        for key, child in node.items():
            yield from _properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _properties(child, f"{where}/{index}")


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    document = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"]
    assert document == schema()


def test_every_property_and_definition_has_a_title_and_description() -> None:
    document = schema()
    located = list(_properties(document))
    assert len(located) > 30
    undocumented = [
        where for where, sub in located if not (sub.get("title") and sub.get("description"))
    ]
    assert undocumented == []
    for name, definition in document["$defs"].items():
        assert definition.get("title") and definition.get("description"), name


def test_schema_has_examples_and_they_are_valid() -> None:
    document = schema()
    assert document["examples"]
    for example in document["examples"]:
        assert list(_validator().iter_errors(example)) == []
    with_examples = [
        (name, sub) for name, sub in document["properties"].items() if "examples" in sub
    ]
    assert len(with_examples) >= 10
    for name, sub in with_examples:
        for value in sub["examples"]:
            errors = list(_validator().iter_errors({**GOOD, name: value}))
            assert errors == [], (name, value, [e.message for e in errors])


def test_unknown_fields_are_rejected_everywhere() -> None:
    document = schema()
    assert document["additionalProperties"] is False
    for name in ("provider", "image", "relatedArticle"):
        assert document["$defs"][name]["additionalProperties"] is False


def test_contract_requires_the_three_identity_fields() -> None:
    assert set(schema()["required"]) >= {"title", "publishedDateTime", "webUrl"}


def test_every_field_of_the_seed_is_described(seed_file: Path) -> None:
    [seed] = load_source(str(seed_file), LoadSettings())
    assert isinstance(seed, Record)
    document = schema()
    assert set(seed.data) <= set(document["properties"])
    related = document["$defs"]["relatedArticle"]["properties"]
    for item in seed.data["related"]:
        assert set(item) <= set(related)
    assert set(related) >= {
        "title",
        "excerpt",
        "publishedDateTime",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "provider",
        "quality",
        "images",
    }


# --- format is enforced, not just annotated ---


def test_format_checker_knows_date_time_and_uri() -> None:
    checker = _validator().format_checker
    assert checker is not None
    assert {"date-time", "uri"} <= set(checker.checkers)
    assert checker.conforms("2021-02-09T04:31:00Z", "date-time")
    assert not checker.conforms("2021-02-09T04:31:00", "date-time")
    assert not checker.conforms("2021-02-30T04:31:00Z", "date-time")
    assert checker.conforms("https://e.com/a", "uri")
    assert not checker.conforms("https://e.com/a|b", "uri")
    assert not checker.conforms("no-scheme", "uri")


def test_a_value_failing_only_the_date_time_format_is_rejected() -> None:
    # a string (so `type` passes) that only the format checker can refuse
    value = "2021-02-30T10:00:00Z"  # February 30th: right shape, no such day
    errors = list(_validator().iter_errors({**GOOD, "publishedDateTime": value}))
    assert [(e.validator, e.validator_value) for e in errors] == [("format", "date-time")]
    problems = check_record(Record(data={**GOOD, "publishedDateTime": value}, source="r.json"))
    assert [(p.rule, p.pointer) for p in problems] == [("invalid-date-time", "/publishedDateTime")]


def test_a_value_failing_only_the_uri_format_is_rejected() -> None:
    value = "https://e.com/a%zz"
    errors = list(_validator().iter_errors({**GOOD, "webUrl": value}))
    assert [(e.validator, e.validator_value) for e in errors] == [("format", "uri")]
    problems = check_record(Record(data={**GOOD, "webUrl": value}, source="r.json"))
    assert [(p.rule, p.pointer) for p in problems] == [("invalid-url", "/webUrl")]


@pytest.mark.parametrize("fmt", ["date-time", "uri"])
def test_schema_uses_the_formats_it_checks(fmt: str) -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert f'"format": "{fmt}"' in text
