"""YAML syntax problems name PyYAML's line and column, the character, and the
"quote the value" fix for plain-scalar traps (issue 13)."""

from __future__ import annotations

import pytest

from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.problems import Problem

REST = 'publishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n'


def refused(fields: str) -> Problem:
    loaded = parse_front_matter(f"---\n{fields}---\n", "r.md", LoadSettings())
    assert isinstance(loaded, Problem), loaded
    return loaded


@pytest.mark.parametrize(
    ("title", "rule", "column"),
    [
        ("Python 3.13: what's new", "yaml-syntax", 19),
        ("@mention", "yaml-syntax", 8),
        ("[draft] x", "yaml-syntax", 16),
        ("{draft} x", "yaml-syntax", 16),
        ("`code`", "yaml-syntax", 8),
        ("%50 off", "yaml-syntax", 8),
        ("| x", "yaml-syntax", 10),
        ("> x", "yaml-syntax", 10),
        ("!important", "yaml-type", None),
        ("&co x", "yaml-alias", None),
        ("*star x", "yaml-alias", None),
    ],
)
def test_plain_scalar_traps_say_quote_the_value(title: str, rule: str, column: int | None) -> None:
    problem = refused(f"title: {title}\n{REST}")
    assert (problem.rule, problem.line, problem.column) == (rule, 2, column)
    escaped = title.replace('"', '\\"')
    assert problem.hint is not None
    assert problem.hint.endswith(f'quote the value: title: "{escaped}"'), problem.hint


def test_the_character_libyaml_leaves_out_is_named() -> None:
    problem = refused(f"title: @mention\n{REST}")
    assert problem.message == "invalid YAML: found character '@' that cannot start any token"
    tab = refused(f"\ttitle: x\n{REST}")
    assert "'\\t'" in tab.message
    assert tab.hint is not None and "tab" in tab.hint


def test_a_tab_in_the_indentation_is_explained() -> None:
    problem = refused(f"title: x\n\t{REST}")
    assert (problem.line, problem.column) == (3, 1)
    assert problem.hint == "YAML indents with spaces, never tabs: replace the tab with spaces"


def test_an_unclosed_quote_is_reported_where_it_opens_not_at_the_closing_line() -> None:
    problem = refused(f'title: T\n{REST}excerpt: "open\n')
    assert (problem.rule, problem.line, problem.column) == ("yaml-syntax", 5, 10)
    assert "never closed" in problem.message


def test_an_anchored_collection_keeps_the_alias_advice() -> None:
    problem = refused("a: &x [1, 2]\nb: *x\n")
    assert problem.hint == "write the value out in full"


def test_a_list_item_value_gets_the_hint_too() -> None:
    problem = refused("topics:\n  - [draft] x\n")
    assert problem.hint is not None and problem.hint.endswith('quote the value: - "[draft] x"')


def test_toml_front_matter_is_named() -> None:
    loaded = parse_front_matter('+++\ntitle = "x"\n+++\nbody\n', "r.md", LoadSettings())
    assert isinstance(loaded, Problem)
    assert loaded.rule == "no-front-matter"
    assert "TOML front matter (+++)" in loaded.message
    assert "YAML front matter between --- lines" in loaded.message
    assert loaded.hint is not None and "hugo convert toYAML" in loaded.hint
