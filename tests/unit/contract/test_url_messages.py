"""URL problems say what is wrong, echo the value and show the fix (issue 13)."""

from __future__ import annotations

import pytest

from exporter.contract import check_record
from exporter.problems import Problem
from exporter.records import Record


def url_problem(url: str, field: str = "webUrl") -> Problem:
    data = {"title": "T", "publishedDateTime": "2021-02-09T04:31:00Z", "webUrl": "https://e.com/"}
    data[field] = url
    [problem] = check_record(Record(data=data, source="r.json", line=1))
    return problem


def test_a_space_is_not_a_bad_scheme() -> None:
    problem = url_problem("https://e.com/a b")
    assert problem.rule == "invalid-url"
    assert problem.message == "`webUrl` contains a space or line break (got 'https://e.com/a b')"
    assert problem.hint == "write a space as %20: https://e.com/a%20b"


def test_spaces_around_a_url_are_named() -> None:
    problem = url_problem(" https://e.com/a")
    assert (problem.rule, problem.hint) == ("invalid-url", "remove them")
    assert "has spaces around it" in problem.message


def test_an_idn_host_and_a_non_ascii_path_show_the_ascii_form() -> None:
    problem = url_problem("https://bücher.de/ä?q=ü")
    assert problem.rule == "invalid-url"
    assert "non-ASCII" in problem.message and "'https://bücher.de/ä?q=ü'" in problem.message
    assert problem.hint is not None
    assert problem.hint.endswith("https://xn--bcher-kva.de/%C3%A4?q=%C3%BC")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("javascript:alert(1)", "not a javascript: URL (got 'javascript:alert(1)')"),
        ("ftp://e.com/a", "not a ftp: URL (got 'ftp://e.com/a')"),
        ("e.com/a", "must be an absolute http:// or https:// URL (got 'e.com/a')"),
        ("/a/", "(got '/a/')"),
    ],
)
def test_url_scheme_messages_echo_the_value(url: str, words: str) -> None:
    problem = url_problem(url, "originalUrl")
    assert problem.rule == "url-scheme"
    assert words in problem.message


def test_a_missing_scheme_on_a_host_suggests_https() -> None:
    assert url_problem("e.com/a").hint == "did you mean https://e.com/a?"


def test_a_character_a_url_cannot_hold_is_named_with_its_encoding() -> None:
    problem = url_problem("https://e.com/a<b")
    assert problem.rule == "invalid-url"
    assert "contains '<'" in problem.message
    assert problem.hint == "percent-encode it as %3C"
