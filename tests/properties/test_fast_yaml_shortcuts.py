"""The shortcuts that make the fast YAML path cheaper never change an answer.

Each shortcut stands in for a slower check that is still in the code: the
timestamp and resolver shortcuts of `_reads_as_itself` for the reference's own
typing, `_may_start_node` for "a node mark after any space", `_closing` for
python-frontmatter's boundary search. The properties compare each with the
check it replaces, on generated text aimed at the edges of its argument.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml import ScalarNode
from yaml.resolver import Resolver

from bench.corpus import generate
from exporter.load.fast_yaml import (
    _CANONICAL_TIMESTAMP,
    _IMPLICIT_TYPES,
    _LEADING_ZERO,
    _odd_line_start,
    _reads_as_itself,
    _reference_reads_as_itself,
    fast_compose,
)
from exporter.load.frontmatter_ import _BOUNDARY, _closing
from tests.support import YamlReference, examples

SETTINGS = settings(
    max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_STR = "tag:yaml.org,2002:str"


def shortcut_agrees(text: str) -> None:
    """The cached answer with its shortcuts is the reference's answer."""
    _reads_as_itself.cache_clear()
    assert _reads_as_itself(text) == _reference_reads_as_itself(text), repr(text)


# --- canonical timestamps ---

DIGIT = st.sampled_from("0123456789")
NEAR_DIGIT = DIGIT | st.sampled_from(["", "00", "٣", "x", " "])
TIME_ZONE = st.sampled_from(["Z", "z", "", "+", "-", "+00:00", "-00:00", "+5:30", " Z", "+0530"])


@st.composite
def near_timestamps(draw: st.DrawFn) -> str:
    """Date-times of every shape PyYAML's timestamp resolver takes, with digits
    out of range, missing or not ASCII, other separators, fractions, offsets."""
    digit = NEAR_DIGIT if draw(st.booleans()) else DIGIT
    parts = [draw(st.lists(digit, min_size=n, max_size=n).map("".join)) for n in (4, 2, 2)]
    text = "-".join(parts)
    if draw(st.integers(0, 4)) == 0:
        return text
    clock = ":".join(draw(st.lists(digit, min_size=2, max_size=2).map("".join)) for _ in "hms")
    separator = draw(st.sampled_from(["T", "T", "t", " ", "  "]))
    fraction = draw(st.sampled_from(["", "", "", ".", ".5", ".000000", ".123456", ".1234567"]))
    if draw(st.booleans()):
        sign = draw(st.sampled_from("+-"))
        hours = draw(st.integers(0, 30))
        minutes = draw(st.integers(0, 99))
        zone = f"{sign}{hours:02d}:{minutes:02d}"
    else:
        zone = draw(TIME_ZONE)
    return text + separator + clock + fraction + zone + draw(st.sampled_from(["", "", "\n", " "]))


@SETTINGS
@given(st.from_regex(_CANONICAL_TIMESTAMP, fullmatch=True))
def test_every_canonical_timestamp_reads_as_itself(text: str) -> None:
    shortcut_agrees(text)


@SETTINGS
@given(near_timestamps())
def test_near_timestamps_get_the_references_answer(text: str) -> None:
    shortcut_agrees(text)


@pytest.mark.parametrize("sign", "+-")
def test_every_offset_within_a_day_gets_the_references_answer(sign: str) -> None:
    for hours in range(26):
        for minutes in range(0, 100, 7):
            shortcut_agrees(f"2021-02-09T04:31:00{sign}{hours:02d}:{minutes:02d}")


@pytest.mark.parametrize(
    ("text", "verbatim"),
    [
        ("2021-02-09T04:31:00Z", True),
        ("2021-02-09T04:31:00+05:30", True),
        ("2021-02-09T04:31:00-00:30", True),
        ("2021-02-09", True),
        ("0001-01-01T00:00:00Z", True),
        ("2021-02-30T04:31:00Z", True),  # not a date: PyYAML leaves the text
        ("2021-02-09T24:00:00Z", True),
        ("2021-02-09T04:31:00-00:00", False),  # written back as +00:00
        ("2021-02-09T04:31:00+05:99", False),  # written back as +06:39
        ("2021-02-09t04:31:00Z", False),
        ("2021-02-09 04:31:00Z", False),
        ("2021-02-09T04:31:00.500Z", False),
        ("2021-02-09T04:31:00Z\n", False),
    ],
)
def test_timestamp_verdicts(text: str, verbatim: bool) -> None:
    assert _reference_reads_as_itself(text) is verbatim
    shortcut_agrees(text)


def test_corpus_timestamps_take_the_shortcut() -> None:
    """The point of the shortcut: the corpus's unique date-times skip PyYAML."""
    _, text = generate(1, seed=3)[0]
    stamps = [line.split(": ", 1)[1] for line in text.splitlines() if "DateTime: " in line]
    assert stamps
    assert all(_CANONICAL_TIMESTAMP.fullmatch(stamp) for stamp in stamps)


# --- one regex for all implicit resolvers ---

TRAPS = [
    *("yes", "No", "ON", "y", "~", "null", "", " ", "<<", "=", "!", "&", "*", "-", "+"),
    *("017", "0o17", "0x1F", "0b1", "1_000", "1:30", "-1:30", "190:20:30.15", "+12"),
    *("1e3", "1.0e+3", ".5", ".nan", ".inf", "-.Inf", "1.", "99999999999999999999"),
    *("yes\n", "1\n", "~\n", "null\n\n", "\n", "1 ", " 1", "Yes!", "ño", "\ud800", "a\ud800"),
]
YAML_TEXT = st.text(
    st.sampled_from([*"0123456789-+.:_eExXoObB ~<=!&*TZtzyYnNfF\n", "\ud800", "é"]),
    max_size=14,
)


@SETTINGS
@given(YAML_TEXT | st.sampled_from(TRAPS) | st.text(max_size=10))
def test_strings_no_resolver_matches_get_the_references_answer(text: str) -> None:
    shortcut_agrees(text)


@SETTINGS
@given(YAML_TEXT | st.sampled_from(TRAPS))
def test_the_combined_regex_matches_whatever_pyyaml_types(text: str) -> None:
    resolved = Resolver().resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if resolved != _STR:
        assert _IMPLICIT_TYPES.match(text), repr(text)


def test_the_combined_regex_is_made_of_every_resolver() -> None:
    patterns = {r.pattern for rs in Resolver.yaml_implicit_resolvers.values() for _, r in rs}
    assert len(patterns) >= 8
    assert all(pattern in _IMPLICIT_TYPES.pattern for pattern in patterns)


# --- node marks only where a node may start ---

MARKS = ["&a", "*a", "!t", "!!str", "[x]", "{x: 1}", "|", ">", "? x", "&&", "& b", "[", "!"]
BEFORE = ["", "a", "a ", "a b", '"a"', "'a'", "-", "- ", "?", "? ", ":", "k:", "x -", "#", '"']


@st.composite
def documents_with_marks(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(["k", "title", "a b", '"q"', "- k", "- "]))
        spaces = " " * draw(st.integers(0, 3))
        value = draw(st.sampled_from(BEFORE)) + spaces + draw(st.sampled_from(MARKS))
        value += draw(st.sampled_from(["", " c", ": d", " # e", "x", '"']))
        indent = draw(st.sampled_from(["", "", "  "]))
        if draw(st.booleans()):
            lines.append(f"{indent}{key}: {value}")
        else:
            lines.append(f"{indent}{key}:\n{indent}  {value}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(documents_with_marks())
def test_marks_inside_scalars_and_at_node_starts_agree(
    yaml_reference: YamlReference, text: str
) -> None:
    yaml_reference.agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "k: a && b\n",
        "k: a < b && c > d\n",
        'k: "a < b && c > d"\n',
        "k: Fish &Chips *and* [more] !now | >\n",
        "k: a - b\n",
    ],
)
def test_marks_inside_a_scalar_take_the_fast_path(text: str, yaml_reference: YamlReference) -> None:
    assert yaml_reference.agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "k: &a b\n",
        "k:   *a\n",
        "&a k: b\n",
        "- &a b\n",
        "k:\n  - !t b\n",
        "k:\n  [b]\n",
        'k: "v" &a\n',
        "k: 'v'  [a]\n",
        'k: "v" |\n',
        "k: x\n  &a y\n",  # a continuation line: text, but alarmed all the same
        "? &a k\n: b\n",
    ],
)
def test_marks_where_a_node_may_start_go_to_the_reference(text: str) -> None:
    assert fast_compose(text, 32) is None


def test_every_valid_generated_record_takes_the_fast_path() -> None:
    """Quoted titles with `a < b && c > d` once sent 3 % of them to PyYAML."""
    texts = [text.split("---\n")[1] for _, text in generate(300, seed=7)]
    assert all(fast_compose(text, 32) is not None for text in texts)


# --- the closing --- line ---

BOUNDARY_TEXT = st.lists(
    st.sampled_from(["---", "----", "-", "--", "\n", "\r\n", " ", "\t", "a", "k: v", "\n---"]),
    max_size=16,
).map("".join)


@SETTINGS
@given(BOUNDARY_TEXT, st.integers(0, 40))
def test_the_closing_line_is_the_boundary_search(text: str, start: int) -> None:
    text = "---" + text
    start = min(start, len(text)) or 1
    expected: Any = _BOUNDARY.search(text, start)
    found = _closing(text, start)
    assert (found and found.span()) == (expected and expected.span()), (text, start)


# --- line-start checks without copying the text ---

LINE_TEXT = st.lists(
    st.sampled_from([*"\n\n 0-+.%xo", "---", "...", "017", "0x1", " " * 64, "- " * 32]),
    max_size=24,
).map("".join)


@SETTINGS
@given(LINE_TEXT)
def test_a_text_that_starts_with_a_line_feed_is_searched_as_it_is(text: str) -> None:
    """Front matter cut after `---` starts with its LF; another LF before it
    would only add an empty line, where neither pattern matches."""
    text = "\n" + text
    for pattern in (_LEADING_ZERO, _odd_line_start(32)):
        assert bool(pattern.search(text)) == bool(pattern.search("\n" + text)), repr(text)
