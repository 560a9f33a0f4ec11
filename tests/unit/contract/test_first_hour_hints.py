"""Hints a first-time user needs: site-generator field names and empty values (issue 13)."""

from __future__ import annotations

import pytest

from exporter.contract import check_record
from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.problems import Problem
from exporter.records import Record

BASE = 'title: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n'


def problems(fields: str) -> list[Problem]:
    loaded = parse_front_matter(f"---\n{fields}---\n", "r.md", LoadSettings())
    assert isinstance(loaded, Record), loaded
    return check_record(loaded)


@pytest.mark.parametrize(
    ("field", "value", "target"),
    [
        ("tags", "[a]", "`topics`"),
        ("keywords", "[a]", "`topics`"),
        ("categories", "[a]", "`category`"),
        ("date", "2021-02-09T04:31:00Z", "`publishedDateTime`"),
        ("draft", "false", "`published`"),
        ("description", "d", "`excerpt`"),
        ("summary", "d", "`excerpt`"),
        ("author", "me", "`provider.name`"),
        ("lastmod", "2021-02-09T04:31:00Z", "`modifiedDateTime`"),
        ("updated", "2021-02-09T04:31:00Z", "`modifiedDateTime`"),
        ("url", "/a/", "`webUrl`"),
        ("permalink", "/a/", "`webUrl`"),
        ("slug", "a", "`webUrl`"),
    ],
)
def test_hugo_and_jekyll_names_point_at_our_field(field: str, value: str, target: str) -> None:
    [problem] = problems(f"{BASE}{field}: {value}\n")
    assert (problem.rule, problem.pointer, problem.line) == ("unknown-field", f"/{field}", 5)
    assert problem.hint is not None
    assert problem.hint.startswith(f"`{field}` (Hugo, Jekyll) is {target} here"), problem.hint


def test_draft_says_the_meaning_is_inverted() -> None:
    [problem] = problems(f"{BASE}draft: true\n")
    assert problem.hint is not None and "draft: true is published: false" in problem.hint


def test_a_typo_still_gets_the_closest_name() -> None:
    [problem] = problems(f"{BASE}exerpt: x\n")
    assert problem.hint == "did you mean `excerpt`?"


def test_nested_names_are_not_taken_for_site_generator_fields() -> None:
    [problem] = problems(f"{BASE}provider:\n  name: P\n  url: https://p.com\n")
    assert problem.pointer == "/provider/url"
    assert problem.hint is None or "Hugo" not in problem.hint


def test_an_empty_title_says_it_is_required_text_not_quote_it() -> None:
    [problem] = problems(
        'title:\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n'
    )
    assert (problem.rule, problem.line) == ("wrong-type", 2)
    assert problem.hint == "`title` is required text: write it after `title:`"
    assert '""' not in problem.hint


def test_an_empty_optional_field_says_write_or_delete() -> None:
    [problem] = problems(f"{BASE}excerpt:\n")
    assert problem.hint == "write the text after `excerpt:`, or delete the line"


def test_null_written_out_still_gets_the_quote_hint() -> None:
    [problem] = problems(f"{BASE}excerpt: null\n")
    assert problem.hint == "YAML read 'null' as an empty value (null); quote it: \"null\""
