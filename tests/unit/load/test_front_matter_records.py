"""Front-matter records: safe YAML, JSON typing of YAML values, and field lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.load.yaml_safe import YamlRefused, compose
from exporter.problems import Problem
from exporter.records import Record

VALID = 'title: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n'


def front_matter(fields: str, body: str = "") -> str:
    return f"---\n{fields}---\n{body}"


def record(text: str, settings: LoadSettings | None = None) -> Record:
    loaded = parse_front_matter(text, "r.md", settings or LoadSettings())
    assert isinstance(loaded, Record), loaded
    return loaded


def refused(text: str, settings: LoadSettings | None = None) -> Problem:
    loaded = parse_front_matter(text, "r.md", settings or LoadSettings())
    assert isinstance(loaded, Problem), loaded
    return loaded


# --- timestamps and dates become RFC 3339 strings, never inventing a zone ---


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021-02-09T04:31:00Z", "2021-02-09T04:31:00Z"),
        # YAML 1.1 only knows an upper-case Z: this stays the string as written
        ("2021-02-09t04:31:00z", "2021-02-09t04:31:00z"),
        ("2021-02-09T04:31:00+02:00", "2021-02-09T04:31:00+02:00"),
        ("2021-02-09T04:31:00-05:30", "2021-02-09T04:31:00-05:30"),
        ("2021-02-09T04:31:00+00:00", "2021-02-09T04:31:00+00:00"),
        ("2021-02-09T04:31:00.250Z", "2021-02-09T04:31:00.250000Z"),
        ("2021-02-09 04:31:00 +2", "2021-02-09T04:31:00+02:00"),
        # naive stays naive, so the contract can reject it
        ("2021-02-09T04:31:00", "2021-02-09T04:31:00"),
        ("2021-02-09", "2021-02-09"),
    ],
)
def test_unquoted_timestamps_become_strings_keeping_their_offset(
    written: str, expected: str
) -> None:
    loaded = record(front_matter(f"when: {written}\n"))
    assert loaded.data == {"when": expected}


def test_timestamp_origin_remembers_what_yaml_saw() -> None:
    loaded = record(front_matter("a: 2021-02-09\nb: 2021-02-09T04:31:00Z\nc: '2021-02-09'\n"))
    assert loaded.origins["/a"].kind == "date"
    assert loaded.origins["/a"].text == "2021-02-09"
    assert loaded.origins["/b"].kind == "timestamp"
    assert "/c" not in loaded.origins  # quoted: a plain string, nothing to explain


def test_yaml_scalars_become_json_types() -> None:
    loaded = record(
        front_matter("s: text\ni: 12\nf: 1.5\nb: yes\nn: ~\nq: 'yes'\nl: [1, two]\nm: {k: v}\n")
    )
    assert loaded.data == {
        "s": "text",
        "i": 12,
        "f": 1.5,
        "b": True,
        "n": None,
        "q": "yes",
        "l": [1, "two"],
        "m": {"k": "v"},
    }
    assert loaded.origins["/b"].kind == "boolean"
    assert loaded.origins["/i"].kind == "integer"
    assert loaded.origins["/n"].kind == "null"


# --- field lines ---


def test_every_field_records_the_line_it_was_written_on() -> None:
    text = front_matter(
        "title: T\n"  # line 2
        "provider:\n"  # 3
        "  name: N\n"  # 4
        "topics:\n"  # 5
        "  - a\n"  # 6
        "  - b\n"  # 7
        "images:\n"  # 8
        "  - url: u\n"  # 9
        "    width: 3\n"  # 10
    )
    lines = record(text).lines
    assert lines["/title"] == 2
    assert lines["/provider"] == 3
    assert lines["/provider/name"] == 4
    assert lines["/topics/0"] == 6
    assert lines["/topics/1"] == 7
    assert lines["/images/0"] == 9
    assert lines["/images/0/url"] == 9
    assert lines["/images/0/width"] == 10


def _seed_line(lines: list[str], start: int, prefix: str) -> int:
    """1-based number of the first line at or after `start` that starts with `prefix`."""
    for index in range(start, len(lines)):
        if lines[index].startswith(prefix):
            return index + 1
    raise AssertionError(f"{prefix!r} not found in the seed")


def test_seed_field_lines_match_the_seed_text(seed_file: Path) -> None:
    text = seed_file.read_text(encoding="utf-8")
    lines = text.split("\n")
    related = [i for i, line in enumerate(lines) if line.startswith("  - title:")]
    assert len(related) == 3
    expected_width = _seed_line(lines, related[2], "        width:")
    expected_third = related[2] + 1

    loaded = load_source(str(seed_file), LoadSettings())
    assert len(loaded) == 1
    seed = loaded[0]
    assert isinstance(seed, Record)
    assert seed.line_of("/related/2/images/0/width") == expected_width
    assert seed.data["related"][2]["images"][0]["width"] == 600
    assert seed.line_of("/related/2") == expected_third
    assert seed.line_of("/secured") == _seed_line(lines, 0, "secured:")
    assert seed.line_of("/publishedDateTime") == _seed_line(lines, 0, "publishedDateTime:")
    assert seed.data["publishedDateTime"] == "2021-02-09T04:31:00Z"
    # a field that is not there falls back to its nearest parent
    assert seed.line_of("/related/2/images/0/missing") == expected_width - 1


def test_body_after_front_matter_is_kept() -> None:
    loaded = record(front_matter(VALID, "\n# Heading\n\nSome *text*.\n"))
    assert loaded.body == "# Heading\n\nSome *text*.\n"
    assert loaded.line == 2


def test_blank_lines_after_the_opening_boundary_keep_lines_right() -> None:
    loaded = record("---\n\n\ntitle: T\n---\n")
    assert loaded.lines["/title"] == 4


def test_bom_and_crlf_are_read_normally(tmp_path: Path) -> None:
    text = front_matter(VALID + "provider:\n  name: N\n", "body\n")
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    [loaded] = load_source(str(path), LoadSettings())
    assert isinstance(loaded, Record)
    assert loaded.data["title"] == "T"
    assert loaded.data["provider"] == {"name": "N"}
    assert loaded.lines["/title"] == 2
    assert loaded.lines["/provider/name"] == 6
    assert loaded.body == "body\n"


# --- YAML we refuse, with a rule id and a line ---


def test_alias_is_refused_at_the_anchor() -> None:
    problem = refused(front_matter("title: T\na: &x [1, 2]\nb: *x\n"))
    assert (problem.rule, problem.line) == ("yaml-alias", 3)
    assert problem.hint == "write the value out in full"


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    problem = refused(front_matter("\n".join(lines) + "\n"))
    assert (problem.rule, problem.line) == ("yaml-alias", 2)


def test_alias_alone_is_refused() -> None:
    with pytest.raises(YamlRefused) as caught:
        compose("a: 1\nb: *nothing\n")
    assert (caught.value.rule, caught.value.line) == ("yaml-alias", 2)


def test_nesting_deeper_than_the_bound_is_refused() -> None:
    deep = "a: " + "[" * 40 + "]" * 40 + "\n"
    problem = refused(front_matter(deep))
    assert (problem.rule, problem.line) == ("yaml-too-deep", 2)
    assert "32" in problem.message


def test_depth_bound_is_configurable() -> None:
    text = front_matter("a:\n  b:\n    c: 1\n")
    assert record(text, LoadSettings(max_depth=3)).data == {"a": {"b": {"c": 1}}}
    problem = refused(text, LoadSettings(max_depth=2))
    # the third mapping starts at its first key
    assert (problem.rule, problem.line) == ("yaml-too-deep", 4)


@pytest.mark.parametrize(
    ("value", "tag_word"),
    [
        ("!!binary aGVsbG8=", "binary"),
        ("!custom thing", "!custom"),
        ("!!python/object:os.system ls", "python"),
        # tags on mappings and lists too, not only on scalars
        ("!!set {a: null}", "set"),
        ("!!omap [a: 1]", "omap"),
        ("!custom [1, 2]", "!custom"),
        ("!!python/object:os.system {a: 1}", "python"),
    ],
)
def test_yaml_types_without_json_equivalent(value: str, tag_word: str | None) -> None:
    problem = refused(front_matter(f"title: T\nx: {value}\n"))
    assert (problem.rule, problem.line) == ("yaml-type", 3)
    if tag_word:
        assert tag_word in problem.message


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf"])
def test_non_finite_numbers_are_refused(value: str) -> None:
    problem = refused(front_matter(f"title: T\nquality: {value}\n"))
    assert (problem.rule, problem.line) == ("yaml-type", 3)
    assert "not a finite number" in problem.message


@pytest.mark.parametrize(
    ("key", "kind"), [("1", "integer"), ("yes", "boolean"), ("~", "null"), ("1.5", "float")]
)
def test_non_string_keys_are_refused(key: str, kind: str) -> None:
    problem = refused(front_matter(f"title: T\n{key}: x\n"))
    assert (problem.rule, problem.line) == ("yaml-key", 3)
    assert kind in problem.message
    assert problem.hint == "quote the key"


def test_complex_key_is_refused() -> None:
    problem = refused(front_matter("title: T\n? [a, b]\n: x\n"))
    assert (problem.rule, problem.line) == ("yaml-key", 3)


def test_quoted_numeric_key_is_a_string() -> None:
    assert record(front_matter("'1': x\n")).data == {"1": "x"}


@pytest.mark.parametrize(
    ("fields", "line"),
    [("title: T\nwebUrl: a\ntitle: U\n", 4), ("provider:\n  name: a\n  name: b\n", 4)],
)
def test_duplicate_keys_are_refused(fields: str, line: int) -> None:
    problem = refused(front_matter(fields))
    assert (problem.rule, problem.line) == ("duplicate-key", line)


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        # an unclosed list or quote is reported where it opens, not at the
        # closing --- line where the parser gave up (issue 13)
        ("title: [unclosed\n", 2),
        ("title: T\n  bad indent: x\n", 3),
        ('title: "no end\n', 2),
    ],
)
def test_yaml_syntax_errors_name_a_line(fields: str, line: int) -> None:
    problem = refused(front_matter(fields))
    assert (problem.rule, problem.line) == ("yaml-syntax", line)
    assert problem.message.startswith("invalid YAML: ")


def test_explicit_tags_for_json_types_are_fine() -> None:
    loaded = record(front_matter("a: !!str 12\nb: !!map {k: !!int '3'}\nc: !!seq [x]\n"))
    assert loaded.data == {"a": "12", "b": {"k": 3}, "c": ["x"]}


def test_a_second_yaml_document_is_refused() -> None:
    with pytest.raises(YamlRefused) as caught:
        compose("a: 1\n---\nb: 2\n", line_offset=1)
    assert (caught.value.rule, caught.value.line) == ("yaml-syntax", 3)


def test_yaml_syntax_error_line_points_into_the_file() -> None:
    problem = refused(front_matter(VALID + "provider:\n  name: [x\nother: 1\n"))
    # libyaml notices the unclosed list where the next key starts
    assert (problem.rule, problem.line) == ("yaml-syntax", 7)
    assert problem.message == "invalid YAML: did not find expected ',' or ']' (found ':')"


# --- front matter boundaries ---


@pytest.mark.parametrize(
    "text", ["title: T\n", "# Heading\n\n---\ntitle: T\n---\n", " ---\na: 1\n---\n"]
)
def test_missing_front_matter(text: str) -> None:
    problem = refused(text)
    assert (problem.rule, problem.line) == ("no-front-matter", 1)
    assert "must start with a line of ---" in problem.message


def test_unclosed_front_matter() -> None:
    problem = refused("---\ntitle: T\nwebUrl: x\n")
    assert (problem.rule, problem.line) == ("no-front-matter", 1)
    assert "not closed" in problem.message


@pytest.mark.parametrize("fields", ["- a\n- b\n", "just text\n", "", "42\n"])
def test_front_matter_that_is_not_a_mapping(fields: str) -> None:
    problem = refused(front_matter(fields))
    assert (problem.rule, problem.line) == ("not-an-object", 2)


# --- values the YAML resolver accepts but cannot build: problems, never tracebacks ---


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int abc", "'abc' cannot be read as YAML int"),
        ("!!int 0b2", "'0b2' cannot be read as YAML int"),
        ("!!bool maybe", "'maybe' cannot be read as YAML bool"),
        ("!!float abc", "'abc' cannot be read as YAML float"),
        ("1" * 5000, "'" + "1" * 37 + "...' cannot be read as YAML int"),
    ],
)
def test_unbuildable_scalars_are_yaml_type_problems(value: str, message: str) -> None:
    problem = refused(front_matter(f"title: T\nx: {value}\n"))
    assert (problem.rule, problem.line, problem.message) == ("yaml-type", 3, message)


@pytest.mark.parametrize("value", ["2021-02-30T04:31:00Z", "2021-13-01", "2021-02-29"])
def test_impossible_dates_stay_text_for_the_contract(value: str) -> None:
    loaded = record(front_matter(f"when: {value}\n"))
    assert loaded.data == {"when": value}
    assert "/when" not in loaded.origins
