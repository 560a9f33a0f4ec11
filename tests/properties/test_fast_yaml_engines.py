"""The fast YAML path means the same as the reference composer, or steps aside.

Differential: for every text, `fast_compose` is either None or exactly (types,
values and key order) what `compose(text).value` gives; on the seed and a
generated corpus it must also be taken for almost every record, or the speed-up
would not be real.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from frontmatter.default_handlers import YAMLHandler

from bench.corpus import generate
from exporter.collect import collect
from exporter.contract import check_record
from exporter.load import frontmatter_
from exporter.load.fast_yaml import fast_compose
from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.load.yaml_safe import compose
from exporter.records import Record
from tests.support import YamlReference


def front_matter_yaml(text: str) -> str:
    """The YAML between the --- lines, cut out as frontmatter_.py does."""
    opening = YAMLHandler.FM_BOUNDARY.match(text)
    assert opening is not None
    closing = YAMLHandler.FM_BOUNDARY.search(text, opening.end())
    assert closing is not None
    return text[opening.end() : closing.start()]


# --- the seed and the generated corpus ---


def test_the_seed_takes_the_fast_path_and_means_the_same(
    yaml_reference: YamlReference, seed_file: Path
) -> None:
    text = front_matter_yaml(seed_file.read_text(encoding="utf-8"))
    assert yaml_reference.agrees(text)
    assert fast_compose(text, 32) == yaml_reference.read(text)


@pytest.fixture(scope="module")
def corpus(yaml_reference: YamlReference) -> list[tuple[str, Any]]:
    """(front matter, reference value) of 3000 generated records, 10 % broken."""
    texts = [front_matter_yaml(text) for _, text in generate(3000, seed=5, invalid=0.1)]
    return [(text, yaml_reference.read(text)) for text in texts]


def test_generated_corpus_agrees_and_mostly_takes_the_fast_path(
    corpus: list[tuple[str, Any]],
    yaml_reference: YamlReference,
) -> None:
    mappings = 0
    taken = 0
    for text, expected in corpus:
        fast = fast_compose(text, 32)
        mappings += isinstance(expected, dict)
        if fast is not None:
            assert expected is not yaml_reference.REFUSED, text
            assert yaml_reference.same(fast, expected), text
            taken += 1
    assert mappings > 2900  # the corpus's bad-yaml records are few
    assert taken / mappings > 0.9


def test_the_fast_path_is_never_taken_for_a_refused_corpus_record(
    corpus: list[tuple[str, Any]],
    yaml_reference: YamlReference,
) -> None:
    refused = [text for text, expected in corpus if expected is yaml_reference.REFUSED]
    assert refused  # bench/corpus.py breaks some records' YAML
    assert all(fast_compose(text, 32) is None for text in refused)


# --- YAML type traps, quoted and not, as values, keys and list items ---

ATOMS = [
    *("yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF", "Y", "N"),
    *("true", "false", "True", "FALSE", "tRue", "~", "null", "Null", "NULL", "nULL", ""),
    *("0", "-0", "+0", "00", "017", "-017", "+017", "08", "09", "0o17", "0O17", "0x1F"),
    *("-0x1F", "0b101", "1_000", "0_1", "1:30", "-1:30", "190:20:30", "12", "+12", "-17"),
    *("9223372036854775807", "-9223372036854775809", "99999999999999999999999"),
    *("1e3", "1E3", "-1e3", "12e03", "1.5e3", "1.0", ".5", "+0.5", "-.5", "1.", "1_0.5"),
    *(".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.Inf", ".INF", "1e400", "1.0e400"),
    *("2021-02-09", "2021-2-9", "2021-02-30", "2021-13-01", "0001-01-01", "9999-12-31"),
    "2021-02-09T04:31:00Z",
    "2021-02-09t04:31:00z",
    "2021-02-09T04:31:00",
    "2021-02-09 04:31:00",
    "2021-02-09  04:31:00Z",
    "2021-02-09T04:31:00.5Z",
    "2021-02-09T04:31:00.000Z",
    "2021-02-09T04:31:00.123456789+02:00",
    "2021-02-09T04:31:00+02:00",
    "2021-02-09T04:31:00+02",
    "2021-02-09T04:31:00 +2",
    "2021-02-09 04:31:00 +2",
    "2021-02-09T04:31:00-00:00",
    "2021-02-09T04:31:00+00:00",
    "2021-02-09T4:31:00Z",
    "2021-02-30T04:31:00Z",
    "2021-02-09T24:00:00Z",
    "2021-02-09T23:59:60Z",
    *("<<", "=", "!", "&", "*", "-", "?", ":", "-x", "?x", ":x", "x:y", "a,b", "#x"),
    *("@x", "`x", "%x", "|", ">", "'", '"', "a # b", "a#b", "Café ☕ 東京", "a < b && c > d"),
    *("https://e.com/a?b=1&c=2", "O'Brien", "]]>", "[x]", "{x}", "&a x", "*a", "!x y"),
]


def _double_quoted(atom: str) -> str:
    return '"' + atom.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _single_quoted(atom: str) -> str:
    return "'" + atom.replace("'", "''") + "'"


CONTEXTS = [
    "k: {plain}\n",
    "k: {double}\n",
    "k: {single}\n",
    "k:\n  - {plain}\n  - {double}\n",
    "- {plain}\n",
    "{plain}: v\n",
    "{double}: v\n",
    "{single}: v\n",
    "k: |\n  {plain}\n",
    "k: >-\n  {plain}\n",
    "k: x\n  {plain}\n",
    "k: {plain}\n  x\n",
    "outer:\n  k: {plain}\n  {plain}: w\n",
    "k: {plain}\r\nj: {double}\r\n",
    "k: {plain} # comment\n",
]


@pytest.mark.parametrize("atom", ATOMS)
def test_type_traps_agree_in_every_context(atom: str, yaml_reference: YamlReference) -> None:
    for context in CONTEXTS:
        text = context.format(plain=atom, double=_double_quoted(atom), single=_single_quoted(atom))
        yaml_reference.agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "k: yes\n",  # a boolean to PyYAML, a string to YAML 1.2
        "k: Off\n",
        "k: 017\n",  # 15 to PyYAML, 17 to YAML 1.2
        "k: 08\n",  # "08" to PyYAML, 8 to YAML 1.2
        "k: 0o17\n",  # "0o17" to PyYAML, 15 to YAML 1.2
        "k: 1_000\n",
        "k: 1:30\n",  # 90 to PyYAML
        "k: 1e3\n",  # "1e3" to PyYAML, 1000.0 to YAML 1.2
        "k: 1.5\n",  # floats always go to the reference
        "k: .nan\n",
        "k: 2021-02-09 04:31:00\n",  # normalised to ...T04:31:00 by the reference
        "k: 2021-02-09T04:31:00.5Z\n",
        'k: "yes"\n',  # cannot tell quoted from plain after parsing: reference
        "yes: v\n",
        "1: v\n",
        "null: v\n",
        "<<: v\n",
        "k: =\n",
        "k: 1\nk: 2\n",
        "k: 1\n'k': 2\n",
        "a:\n  k: 1\n  k: 2\n",
        "- k: 1\n  k: 2\n",
        "k: &a 1\nj: *a\n",
        "k: !!str 1\n",
        "k: !custom x\n",
        "k: ! 12\n",
        "k: [1, 2]\n",
        "k: {a: 1}\n",
        "? k\n: v\n",
        "%YAML 1.1\n---\nk: v\n",
        "k: v\n---\nj: w\n",
        "k: v\n...\n",
        "\ufeffk: v\n",
        "k: a\tb\n",
        "k: a\rj: b\n",
        "k: a\x85b\n",
        "k: a\u2028b\n",
        "k: \x01\n",
        'k: "\\ud83d\\ude00"\n',
        "k: |\n  \n",  # "" to PyYAML, "\n" to py-yaml12: block scalars are not vouched for
        "k: >-\n  a\n",
        # py-yaml12 drops what follows an indented top-level mapping less indented
        "  a: b\n c\n",
        "  a: b\n\n x\n",
        " a: b\nc\n",
        "# note\n  a: b\n- c\n",
        "\r\n  a: b\r\n c\r\n",
        "- a\n",  # a list, not a mapping
        "just text\n",
        "",
    ],
)
def test_differences_and_refusals_go_to_the_reference(text: str) -> None:
    assert fast_compose(text, 32) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k: true\nj: FALSE\n", {"k": True, "j": False}),
        ("k: ~\nj: null\ni:\n", {"k": None, "j": None, "i": None}),
        ("k: 0\nj: -17\ni: +12\n", {"k": 0, "j": -17, "i": 12}),
        ("k: 2021-02-09T04:31:00Z\n", {"k": "2021-02-09T04:31:00Z"}),
        ("k: 2021-02-09T04:31:00+05:30\n", {"k": "2021-02-09T04:31:00+05:30"}),
        ("k: 2021-02-09\n", {"k": "2021-02-09"}),
        ("k: \"\"\nj: ''\n", {"k": "", "j": ""}),
        ("k: Fish & Chips\n", {"k": "Fish & Chips"}),
        ("k: a\n  b\n\n  c\n", {"k": "a b\nc"}),
        ('k: "a\\tb\\u00e9\\x41"\n', {"k": "a\tbéA"}),
        ("k: a\r\nj:\r\n  - b\r\n", {"k": "a", "j": ["b"]}),
        ("k: Café ☕ 東京\n", {"k": "Café ☕ 東京"}),
    ],
)
def test_the_fast_path_is_taken_where_it_can_vouch(
    text: str, expected: Any, yaml_reference: YamlReference
) -> None:
    assert yaml_reference.agrees(text)
    assert yaml_reference.same(fast_compose(text, 32), expected)


@pytest.mark.parametrize("word", ["true", "false", "null", "yes", "no", "on", "off", "y", "n"])
def test_every_case_variant_of_booleans_and_nulls_agrees(
    word: str, yaml_reference: YamlReference
) -> None:
    variants = {
        "".join(letters) for letters in itertools.product(*({c.lower(), c.upper()} for c in word))
    }
    for variant in variants:
        yaml_reference.agrees(f"k: {variant}\n")
        yaml_reference.agrees(f"- {variant}\n- x\nk: {variant}\n")
        yaml_reference.agrees(f"{variant}: v\n")


# --- nesting, bombs and size ---


def _block_nesting(levels: int) -> str:
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(levels - 1)) + (
        f"{'  ' * (levels - 1)}k: v\n"
    )


@pytest.mark.parametrize("max_depth", [1, 2, 3, 5, 32])
def test_the_depth_bound_is_the_references_exactly(
    max_depth: int, yaml_reference: YamlReference
) -> None:
    for levels in range(max(1, max_depth - 2), max_depth + 3):
        yaml_reference.agrees(_block_nesting(levels), max_depth)
        yaml_reference.agrees("k:\n" + "- " * (levels - 1) + "x\n", max_depth)
    assert fast_compose(_block_nesting(max_depth + 1), max_depth) is None
    if max_depth <= 30:
        assert fast_compose(_block_nesting(max_depth), max_depth) is not None


def test_deep_flow_nesting_and_deep_indentation_never_reach_the_parser() -> None:
    assert fast_compose("k: " + "[" * 100_000 + "]" * 100_000 + "\n", 32) is None
    assert fast_compose("k: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", 32) is None
    assert fast_compose(_block_nesting(40), 10_000) is None  # indentation over 64


def test_an_alias_bomb_goes_to_the_reference() -> None:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    assert fast_compose("\n".join(lines) + "\n", 32) is None
    block = ["a0: &a0 lol"] + [f"a{n}: &a{n}\n  - *a{n - 1}\n  - *a{n - 1}" for n in range(1, 30)]
    assert fast_compose("\n".join(block) + "\n", 32) is None


def test_a_key_longer_than_pyyaml_allows_is_refused_by_both(yaml_reference: YamlReference) -> None:
    text = "k" * 1100 + ": v\n"
    assert yaml_reference.read(text) is yaml_reference.REFUSED
    assert fast_compose(text, 32) is None


# --- records built on the fast path ---


def _reference_record(text: str, monkeypatch: pytest.MonkeyPatch) -> Record:
    with monkeypatch.context() as patch:
        patch.setattr(frontmatter_, "fast_compose", lambda _text, _depth: None)
        loaded = parse_front_matter(text, "r.md", LoadSettings())
    assert isinstance(loaded, Record)
    return loaded


def test_a_fast_record_has_the_reference_lines_origins_and_body(
    monkeypatch: pytest.MonkeyPatch,
    yaml_reference: YamlReference,
    seed_file: Path,
) -> None:
    text = seed_file.read_text(encoding="utf-8")
    fast = parse_front_matter(text, "r.md", LoadSettings())
    expected = _reference_record(text, monkeypatch)
    assert isinstance(fast, Record)
    assert fast.locations_deferred and not expected.locations_deferred
    assert yaml_reference.same(fast.data, expected.data)
    assert (fast.source, fast.line, fast.body) == (expected.source, expected.line, expected.body)
    assert dict(fast.lines) == dict(expected.lines)
    assert dict(fast.origins) == dict(expected.origins)
    assert fast.line_of("/related/2/images/0/width") == expected.line_of(
        "/related/2/images/0/width"
    )


def test_a_fast_record_still_gets_the_yaml_hint_and_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (
        "---\ntitle: T\nwebUrl: https://e.com/a\npublishedDateTime: 2021-02-09\n"
        "published: 2021-02-10\n---\n"
    )
    fast = parse_front_matter(text, "r.md", LoadSettings())
    assert isinstance(fast, Record) and fast.locations_deferred
    problems = check_record(fast)
    expected = check_record(_reference_record(text, monkeypatch))
    assert problems == expected
    dated = [p for p in problems if p.pointer == "/publishedDateTime"]
    assert [(p.line, p.hint) for p in dated] == [
        (4, "YAML read this as a date only; add a time and offset, such as T00:00:00Z")
    ]


def test_duplicate_urls_between_fast_records_name_both_lines(tmp_path: Path) -> None:
    body = "title: T\npublishedDateTime: 2021-02-09T04:31:00Z\n"
    (tmp_path / "a.md").write_text(f"---\n{body}webUrl: https://e.com/1\n---\n", "utf-8")
    (tmp_path / "b.md").write_text(f"---\n\n{body}\nwebUrl: https://e.com/1\n---\n", "utf-8")
    result = collect([str(tmp_path)])
    assert [(p.path, p.rule, p.line) for p in result.problems] == [
        (str(tmp_path / "b.md"), "duplicate-url", 6)
    ]
    assert f"{tmp_path / 'a.md'}:4;" in result.problems[0].message


def test_valid_fast_records_are_never_composed_by_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The speed-up is real only if nothing asks a valid record for its lines."""
    calls: list[str] = []

    def counting_compose(text: str, **options: Any) -> Any:
        calls.append(text)
        return compose(text, **options)

    monkeypatch.setattr("exporter.load.fast_yaml.compose", counting_compose)
    monkeypatch.setattr(frontmatter_, "compose", counting_compose)
    files = generate(30, seed=2)
    for name, text in files:
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = collect([str(tmp_path)])
    assert result.counts() == {"records": 30, "valid": 30, "invalid": 0, "unreadable": 0}
    fallbacks = sum(fast_compose(front_matter_yaml(text), 32) is None for _, text in files)
    assert len(calls) == fallbacks < 5

    text = files[0][1]
    record = parse_front_matter(text, "r.md", LoadSettings())
    assert isinstance(record, Record) and record.locations_deferred
    before = len(calls)
    lines = text.split("\n")
    url_line = next(n for n, line in enumerate(lines, 1) if line.startswith("webUrl:"))
    assert record.line_of("/webUrl") == url_line
    assert "/title" in record.lines and "/publishedDateTime" in record.origins
    assert len(calls) == before + 1  # composed once, on first use
