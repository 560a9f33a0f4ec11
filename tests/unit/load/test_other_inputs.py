"""Inputs a first-time user brings: .json field lines, Markdown on stdin,
UTF-16/UTF-32 files (issue 13)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exporter.contract import check_record
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.problems import Problem
from exporter.records import Record

ARRAY = """[
 {"title": "a",
  "publishedDateTime": "2021",
  "webUrl": "https://e.com/1",
  "images": [
    {"url": "https://e.com/i.png",
     "width": -1}
  ]
 }
]
"""


def test_json_record_problems_point_at_the_field_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(ARRAY, encoding="utf-8")
    [record] = load_source(str(path), LoadSettings())
    assert isinstance(record, Record) and record.line == 2
    found = [(p.pointer, p.line) for p in check_record(record)]
    assert found == [("/images/0/width", 7), ("/publishedDateTime", 3)]


def test_a_single_json_object_has_field_lines_too(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "title": "a",\n  "webUrl": "x"\n}\n', encoding="utf-8")
    [record] = load_source(str(path), LoadSettings())
    assert isinstance(record, Record)
    assert (record.line_of("/webUrl"), record.line_of("/title")) == (3, 2)


def test_markdown_on_stdin_is_one_problem_that_names_json_lines() -> None:
    text = b"---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\n---\nbody\nmore\n"
    items = load_source("-", LoadSettings(), io.BytesIO(text))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert "standard input takes JSON Lines (one JSON object per line)" in items[0].message
    assert "Markdown" in items[0].message


def test_json_lines_on_stdin_with_one_bad_line_keep_their_problems() -> None:
    text = b'{"title": "T"}\nnot json\n'
    items = load_source("-", LoadSettings(), io.BytesIO(text))
    assert [type(item).__name__ for item in items] == ["Record", "Problem"]


VALID = '---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n---\n'


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
def test_utf16_and_utf32_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(VALID.encode(encoding))
    [record] = load_source(str(path), LoadSettings())
    assert isinstance(record, Record), record
    assert record.data["title"] == "T" and record.line_of("/webUrl") == 4


def test_binary_data_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"\x01\x00\x00\x07\x00\x05")
    [problem] = load_source(str(path), LoadSettings())
    assert isinstance(problem, Problem) and problem.rule in ("binary", "encoding")
