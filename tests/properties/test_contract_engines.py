"""Record verdicts come from jsonschema-rs for speed; jsonschema with format
checks is the reference. They must agree on every record: generated corpora
with thousands of valid and broken records, and arbitrary values in every field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import generate
from exporter.contract import _validator, fast_verdict, schema
from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.records import Record
from tests.support import examples


def reference(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


def records(count: int, seed: int, invalid: float) -> list[dict[str, Any]]:
    found = []
    for name, text in generate(count, seed=seed, invalid=invalid):
        record = parse_front_matter(text, name, LoadSettings())
        if isinstance(record, Record):
            found.append(record.data)
    return found


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return records(2500, seed=21, invalid=0.4)


def test_engines_agree_on_every_generated_record(corpus: list[dict[str, Any]]) -> None:
    verdicts = [fast_verdict(data) for data in corpus]
    assert verdicts == [reference(data) for data in corpus]
    assert sum(verdicts) > 1000 and verdicts.count(False) > 500, "both kinds are covered"


FIELDS = sorted(schema()["properties"])
NASTY = [
    "", " ", "x", "javascript:alert(1)", "https://", "https://exa mple.com/", "https://a.b/%zz",
    "https://例え.jp/", "http://a_b.com/", "//example.com/x", "2021-02-09T23:59:60Z",
    "2021-02-30T10:00:00Z", "2021-02-09T04:31:00", "2021-02-09t04:31:00z", "2021-02-09",
    "bell\x07", "\ufffe", "a;b", "QUJD;REVG", "QUJD==;REVG", 0, -1, 101, 55, 1.5, True, None,
    [], ["a", "a"], {}, {"name": ""}, {"name": "x", "domain": "http://x"},
]  # fmt: skip


@settings(max_examples=examples(400), deadline=None)
@given(field=st.sampled_from([*FIELDS, "publishDateTime"]), value=st.sampled_from(NASTY))
def test_engines_agree_on_hostile_field_values(
    field: str, value: Any, corpus: list[dict[str, Any]]
) -> None:
    base = next(data for data in corpus if fast_verdict(data))
    mutated = copy.deepcopy(base)
    mutated[field] = value
    assert fast_verdict(mutated) == reference(mutated)


@settings(max_examples=examples(200), deadline=None)
@given(
    index=st.integers(0, 50),
    key=st.sampled_from(["url", "width", "height", "isCached", "title", "webUrl", "x"]),
    value=st.sampled_from(NASTY),
)
def test_engines_agree_inside_images_and_related(
    index: int, key: str, value: Any, corpus: list[dict[str, Any]]
) -> None:
    candidates = [data for data in corpus if data.get("images") and data.get("related")]
    mutated = copy.deepcopy(candidates[index % len(candidates)])
    mutated["images"][0][key] = value
    mutated["related"][-1][key] = value
    assert fast_verdict(mutated) == reference(mutated)


def test_leap_seconds_are_refused_by_both_engines(corpus: list[dict[str, Any]]) -> None:
    leap = {**next(data for data in corpus if fast_verdict(data))}
    leap["publishedDateTime"] = "2016-12-31T23:59:60Z"
    assert fast_verdict(leap) is False and reference(leap) is False
