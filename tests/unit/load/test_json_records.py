"""JSON and JSON Lines records: per-record lines, and the JSON load rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.problems import Problem
from exporter.records import Record

ARTICLE = {
    "title": "T",
    "publishedDateTime": "2021-02-09T04:31:00Z",
    "webUrl": "https://e.com/a",
}


def load(tmp_path: Path, name: str, text: str, **settings: int) -> list[Record | Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_source(str(path), LoadSettings(**settings))


def only_problem(items: list[Record | Problem]) -> Problem:
    assert len(items) == 1 and isinstance(items[0], Problem), items
    return items[0]


def test_one_json_object_is_one_record(tmp_path: Path) -> None:
    items = load(tmp_path, "one.json", "\n\n" + json.dumps(ARTICLE, indent=2))
    assert len(items) == 1
    record = items[0]
    assert isinstance(record, Record)
    assert record.data == ARTICLE
    assert record.line == 3  # the line the object starts on
    assert record.source == str(tmp_path / "one.json")
    assert record.body == ""


def test_json_array_records_keep_their_lines(tmp_path: Path) -> None:
    text = (
        "[\n"  # 1
        '  {"title": "a"},\n'  # 2
        '  {"title": "b",\n'  # 3
        '   "webUrl": "x"},\n'  # 4
        "\n"  # 5
        '  {"title": "c"}\n'  # 6
        "]\n"
    )
    items = load(tmp_path, "many.json", text)
    assert all(isinstance(item, Record) for item in items)
    assert [(item.data["title"], item.line) for item in items if isinstance(item, Record)] == [
        ("a", 2),
        ("b", 3),
        ("c", 6),
    ]


def test_empty_json_array_has_no_records(tmp_path: Path) -> None:
    assert load(tmp_path, "none.json", "[ ]\n") == []


def test_json_lines_records_keep_their_line_numbers(tmp_path: Path) -> None:
    lines = [json.dumps({**ARTICLE, "title": str(n)}) for n in range(3)]
    text = lines[0] + "\n\n" + lines[1] + "\n   \n" + lines[2] + "\n"
    items = load(tmp_path, "r.jsonl", text)
    assert [(item.data["title"], item.line) for item in items if isinstance(item, Record)] == [
        ("0", 1),
        ("1", 3),
        ("2", 5),
    ]


def test_json_lines_bad_line_does_not_hide_the_others(tmp_path: Path) -> None:
    text = '{"title": "a"}\n{"title": \n[1, 2]\n{"a": 1, "a": 2}\n{"title": "e"}\n'
    items = load(tmp_path, "mixed.jsonl", text)
    summary = [
        (item.rule, item.line) if isinstance(item, Problem) else ("record", item.line)
        for item in items
    ]
    assert summary == [
        ("record", 1),
        ("json-syntax", 2),
        ("not-an-object", 3),
        ("duplicate-key", 4),
        ("record", 5),
    ]


def test_json_lines_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    items = load(tmp_path, "bad.jsonl", '{"title": "a"}\n{"title": "b",}\n')
    problem = items[1]
    assert isinstance(problem, Problem)
    assert (problem.rule, problem.line, problem.column) == ("json-syntax", 2, 15)
    assert problem.message.startswith("invalid JSON: ")


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "title": "a",\n  "webUrl": oops\n}\n'
    problem = only_problem(load(tmp_path, "bad.json", text))
    assert (problem.rule, problem.line, problem.column) == ("json-syntax", 3, 13)
    assert problem.message == "invalid JSON: Expecting value"


def test_json_array_error_keeps_the_records_before_it(tmp_path: Path) -> None:
    text = '[\n  {"title": "a"},\n  {"title": }\n]\n'
    items = load(tmp_path, "half.json", text)
    assert isinstance(items[0], Record) and items[0].line == 2
    problem = items[1]
    assert isinstance(problem, Problem)
    assert (problem.rule, problem.line, problem.column) == ("json-syntax", 3, 13)


@pytest.mark.parametrize(
    "text",
    ['{"title": "a"} {"title": "b"}', '[{"title": "a"}] x', '{"a": 1', '[{"a": 1} {"b": 2}]'],
)
def test_malformed_json_is_a_syntax_problem(tmp_path: Path, text: str) -> None:
    problem = [p for p in load(tmp_path, "x.json", text) if isinstance(p, Problem)]
    assert [p.rule for p in problem] == ["json-syntax"]
    assert problem[0].line == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_numbers_are_refused(tmp_path: Path, constant: str) -> None:
    problem = only_problem(load(tmp_path, "nan.json", '{"quality": ' + constant + "}"))
    assert problem.rule == "json-syntax"
    assert constant.lstrip("-") in problem.message


def test_non_finite_number_in_json_names_its_line_and_column(tmp_path: Path) -> None:
    text = '[\n  {"title": "NaN and Infinity in a string"},\n  {"quality":\n     -Infinity}\n]\n'
    items = load(tmp_path, "nan.json", text)
    problem = items[-1]
    assert isinstance(problem, Problem)
    assert (problem.rule, problem.line, problem.column) == ("json-syntax", 4, 6)


def test_non_finite_number_in_json_lines_names_its_line(tmp_path: Path) -> None:
    items = load(tmp_path, "nan.jsonl", '{"title": "a"}\n{"quality": NaN}\n')
    assert isinstance(items[1], Problem)
    assert (items[1].rule, items[1].line) == ("json-syntax", 2)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{"title": "a", "title": "b"}', 1),
        ('\n{"provider": {"name": "a",\n "name": "b"}}', 2),
        ('[{"title": "a"},\n {"x": 1, "x": 1}]', 2),
    ],
)
def test_json_duplicate_keys_are_refused(tmp_path: Path, text: str, line: int) -> None:
    problems = [p for p in load(tmp_path, "dup.json", text) if isinstance(p, Problem)]
    assert [(p.rule, p.line) for p in problems] == [("duplicate-key", line)]


@pytest.mark.parametrize("text", ["[1, 2]", '"text"', "null", '[{"title": "a"}, []]'])
def test_json_record_must_be_an_object(tmp_path: Path, text: str) -> None:
    problems = [p for p in load(tmp_path, "x.json", text) if isinstance(p, Problem)]
    assert {p.rule for p in problems} == {"not-an-object"}
    assert problems[0].message == "a record must be a JSON object"


def test_json_nesting_over_the_bound_is_too_deep(tmp_path: Path) -> None:
    nested = '{"a": ' * 40 + "1" + "}" * 40
    problem = only_problem(load(tmp_path, "deep.json", nested))
    assert (problem.rule, problem.line) == ("too-deep", 1)
    assert "32" in problem.message


def test_json_depth_bound_is_configurable(tmp_path: Path) -> None:
    text = '{"a": {"b": {"c": 1}}}'
    assert isinstance(load(tmp_path, "ok.json", text, max_depth=3)[0], Record)
    problem = only_problem(load(tmp_path, "deep.json", text, max_depth=2))
    assert problem.rule == "too-deep"


def test_json_nesting_beyond_the_parser_is_too_deep_not_a_crash(tmp_path: Path) -> None:
    problem = only_problem(load(tmp_path, "abyss.json", "[" * 200_000 + "]" * 200_000))
    assert (problem.rule, problem.line) == ("too-deep", 1)


def test_json_lines_deep_line_is_too_deep(tmp_path: Path) -> None:
    text = '{"title": "a"}\n' + '{"a": ' * 40 + "1" + "}" * 40 + "\n"
    items = load(tmp_path, "deep.jsonl", text)
    assert isinstance(items[0], Record)
    assert isinstance(items[1], Problem)
    assert (items[1].rule, items[1].line) == ("too-deep", 2)


def test_json_with_bom_and_crlf(tmp_path: Path) -> None:
    text = '[\r\n  {"title": "a"},\r\n  {"title": "b"}\r\n]\r\n'
    path = tmp_path / "win.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    items = load_source(str(path), LoadSettings())
    assert [(i.data["title"], i.line) for i in items if isinstance(i, Record)] == [
        ("a", 2),
        ("b", 3),
    ]


def test_json_lines_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"title": "a"}\r\n\r\n{"title": "b"}\r\n')
    items = load_source(str(path), LoadSettings())
    assert [(i.data["title"], i.line) for i in items if isinstance(i, Record)] == [
        ("a", 1),
        ("b", 3),
    ]


def test_stdin_is_read_as_json_lines() -> None:
    stream = io.BytesIO(b'{"title": "a"}\n{"title": "b"}\n')
    items = load_source("-", LoadSettings(), stream)
    assert [(i.source, i.line, i.data["title"]) for i in items if isinstance(i, Record)] == [
        ("<stdin>", 1, "a"),
        ("<stdin>", 2, "b"),
    ]


def test_stdin_over_the_size_bound_is_too_large() -> None:
    stream = io.BytesIO(b'{"title": "a"}\n' * 10)
    [problem] = load_source("-", LoadSettings(max_bytes=20), stream)
    assert isinstance(problem, Problem)
    assert (problem.path, problem.rule) == ("<stdin>", "too-large")


@pytest.mark.parametrize(
    ("line", "where"), [('{"title": "a\\ud800b"}', "a value"), ('{"x\\udc00": 1}', "a key")]
)
def test_lone_surrogate_escapes_are_refused_when_read(
    tmp_path: Path, line: str, where: str
) -> None:
    items = load(tmp_path, "s.jsonl", '{"title": "ok"}\n' + line + "\n")
    assert isinstance(items[0], Record)
    problem = items[1]
    assert isinstance(problem, Problem)
    assert (problem.rule, problem.line) == ("xml-illegal-char", 2)
    assert problem.message.startswith(f"{where} contains a lone UTF-16 surrogate")
