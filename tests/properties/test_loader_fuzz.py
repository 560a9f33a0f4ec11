"""Any bytes in any input kind give records or problems, never an exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.contract import check_record
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.problems import Problem
from exporter.records import Record
from tests.support import examples

SUFFIXES = st.sampled_from([".md", ".json", ".jsonl"])
# YAML-ish text: the characters that make YAML interesting, so the parser gets far
YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t[]{},&*!|>'\"#%@`?~.019eEnNtTzZ+\\\x00\x85\ufeff")),
    max_size=200,
)


def _load_and_check(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "input" + suffix)
        path.write_bytes(data)
        items = load_source(str(path), LoadSettings(max_bytes=4096, max_depth=8))
    assert all(isinstance(item, (Record, Problem)) for item in items)
    for item in items:
        if isinstance(item, Record):
            problems = check_record(item)
            assert all(p.rule and p.path == str(path) for p in problems)
        else:
            assert item.rule and item.path == str(path)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=SUFFIXES, data=st.binary(max_size=300))
def test_any_bytes(suffix: str, data: bytes) -> None:
    _load_and_check(suffix, data)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=YAMLISH)
def test_any_front_matter(body: str) -> None:
    _load_and_check(".md", ("---\n" + body + "\n---\n").encode("utf-8", "surrogatepass"))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_value_as_a_record_field(value: object) -> None:
    record = {"title": "T", "webUrl": "https://e.com/", "publishedDateTime": "x", "f": value}
    text = json.dumps(record, allow_nan=True)
    _load_and_check(".json", text.encode("utf-8"))
    _load_and_check(".jsonl", text.encode("utf-8"))
