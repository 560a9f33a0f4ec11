"""Property tests: whatever the YAML, the fast path gives the reference's value
or steps aside; it never reads a document the reference refuses.

Three sources of documents: block mappings generated from YAML type-trap atoms
in every scalar style, raw text over the characters YAML gives meaning to, and
corpus records with random edits (they start on the fast path, so each edit
probes a guard).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.corpus import generate
from exporter.load.fast_yaml import fast_compose
from tests.support import YamlReference, examples

SETTINGS = settings(
    max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ATOMS = [
    *("yes", "No", "ON", "off", "y", "N", "true", "False", "TRUE", "~", "null", "NULL", "Nul"),
    *("0", "-0", "017", "08", "0o17", "0x1F", "0b1", "1_000", "1:30", "12", "+12", "-7"),
    *("1e3", "1.0", ".5", ".nan", ".inf", "-.Inf", "99999999999999999999"),
    *("2021-02-09", "2021-02-09T04:31:00Z", "2021-02-09t04:31:00z", "2021-02-09 04:31:00"),
    *("2021-02-09T04:31:00+02:00", "2021-02-09T04:31:00.5Z", "2021-02-30T04:31:00Z"),
    *("<<", "=", "-", "?x", ":x", "x:y", "a #b", "a#b", "Café ☕", "a & b", "O'Brien", "x!"),
    *("title", "webUrl", "k", "Fish and Chips", "https://e.com/a?b=1", "v 1.2"),
]
# Mostly harmless words, so that many documents do take the fast path and the
# traps land in documents the fast path would otherwise read.
WORDS = ["title", "k", "a", "webUrl", "Title", "x y", "news", "Fox News", "e.com", "a-b", "a.b"]
KEYS = [*WORDS, "yes", "1", "null", "~", "2021-02-09", "<<"]


def _double(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@st.composite
def scalars(draw: st.DrawFn, indent: str) -> str:
    atom = draw(
        st.sampled_from(WORDS)
        | st.sampled_from(WORDS)
        | st.sampled_from(ATOMS)
        | st.text(max_size=8)
    )
    style = draw(st.sampled_from(["plain", "plain", "double", "single", "folded"]))
    if style == "double":
        return _double(atom)
    if style == "single":
        return _single(atom)
    if style == "folded":  # a plain or quoted scalar continued on the next line
        second = draw(st.sampled_from(WORDS) | st.sampled_from(ATOMS))
        quote = draw(st.sampled_from(["", '"', "'"]))
        return f"{quote}{atom}\n{indent}  {second}{quote}"
    return atom


@st.composite
def block_yaml(draw: st.DrawFn, depth: int = 0, indent: str = "") -> str:
    """A block mapping (sometimes with list values) in varied styles."""
    lines = []
    step = " " * draw(st.integers(1, 4))
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(WORDS) | st.sampled_from(KEYS) | st.sampled_from(ATOMS))
        key = draw(st.sampled_from([key, key, _double(key), _single(key)]))
        kind = draw(st.sampled_from(["scalar", "scalar", "scalar", "map", "list", "empty"]))
        if kind == "map" and depth < 3:
            nested = draw(block_yaml(depth + 1, indent + step))
            lines.append(f"{indent}{key}:\n{nested}")
        elif kind == "list" and depth < 3:
            items = [
                f"{indent}{step}- {draw(scalars(indent + step))}"
                for _ in range(draw(st.integers(1, 3)))
            ]
            lines.append(f"{indent}{key}:\n" + "\n".join(items))
        elif kind == "empty":
            lines.append(f"{indent}{key}:")
        else:
            lines.append(f"{indent}{key}: {draw(scalars(indent))}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", f"{indent}# note", "   "])))
    return "\n".join(lines)


@SETTINGS
@given(
    block_yaml(),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "", "", " ", "  "]),
    st.sampled_from(["", "", "", "\nx", "\n y", "\n- z", "\n'q'", "\n:", "\n ? w"]),
)
def test_generated_block_yaml_agrees(
    yaml_reference: YamlReference, text: str, newline: str, indent: str, last: str
) -> None:
    """Also indented as a whole and with a stray last line: py-yaml12 drops
    less-indented lines after an indented top-level mapping."""
    text = indent + text.replace("\n", "\n" + indent) + last
    yaml_reference.agrees(text.replace("\n", newline))


YAML_CHARACTERS = st.sampled_from(
    [*"ab01-:?# \n\n  '\"[]{},&*!|>%@`~.+_eEoxTZ\\", "\t", "\r", "\x85", "\ufeff", "é"]
)


@SETTINGS
@given(st.lists(YAML_CHARACTERS, max_size=60).map("".join))
def test_raw_yaml_characters_agree(yaml_reference: YamlReference, text: str) -> None:
    yaml_reference.agrees(text)


CORPUS = [text.split("---\n")[1] for _, text in generate(40, seed=11)]
EDITS = st.sampled_from(
    [
        *list("-:?#'\"[]{},&*!|>%@`~ \t\r\n0\\"),
        ": ",
        "\n  ",
        "\n- ",
        "yes",
        "017",
        "1e3",
        "\nk: 1",
        "\ntitle: x",
        '"',
        "\\u00e9",
        "2021-02-09 04:31:00",
    ]
)


@SETTINGS
@given(
    st.sampled_from(CORPUS),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), EDITS), min_size=1, max_size=4),
)
def test_edited_corpus_records_agree(
    yaml_reference: YamlReference, text: str, edits: list[tuple[float, int, str]]
) -> None:
    for where, removed, inserted in edits:
        at = int(where * len(text))
        text = text[:at] + inserted + text[at + removed :]
    yaml_reference.agrees(text)


def test_unedited_corpus_records_take_the_fast_path() -> None:
    """The edits above start from documents the fast path reads."""
    taken = [fast_compose(text, 32) is not None for text in CORPUS]
    assert sum(taken) >= 0.9 * len(CORPUS)
