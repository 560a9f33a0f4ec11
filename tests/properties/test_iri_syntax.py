"""The IRI answers, worked out in one pass per URL, equal the rules spelled out
one at a time: legal characters, a parse urlsplit accepts, a host for the
hierarchical schemes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import iri
from tests.support import examples

# Characters around every decision the full checks make: scheme and host
# syntax, IRI-legal and illegal ASCII, percent-encoding, non-ASCII, controls.
ALPHABET = st.sampled_from(list("aZ09+.-_~:/?#[]@!$&'()*,;=% \"<>\\^`{|}\t\n\x7fé\u00a0\ufffe"))
URLISH = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https", "ftp", "x-y.z+1", "1http", ""]),
    st.text(ALPHABET, max_size=12),
    st.text(ALPHABET, max_size=30),
)


def full_absolute(value: str) -> bool:
    return iri.is_absolute(value) and _full_reference(value)


def _full_reference(value: str) -> bool:
    if iri.invalid_iri_character(value) is not None:
        return False
    if iri.is_absolute(value):
        parts = iri._split(value)
        if parts is None:
            return False
        if parts[0].lower() in iri.HIERARCHICAL_SCHEMES and not parts[1]:
            return False
    return True


@settings(max_examples=examples(3000), deadline=None)
@given(st.one_of(URLISH, st.text(ALPHABET, max_size=40)))
def test_one_pass_answers_equal_the_rules_one_by_one(value: str) -> None:
    assert iri.is_valid_absolute_iri(value) == full_absolute(value)
    assert iri.is_valid_iri_reference(value) == _full_reference(value)


def test_ordinary_and_broken_urls() -> None:
    for value in (
        "https://example.com/",
        "https://news.example.org/2024/05/a-title?x=1&y=2#top",
        "http://a.b/(x)[y]@!$';=,*+~",
        "https://\u00e9.example/caf\u00e9",
        "mailto:someone@example.com",
    ):
        assert iri.is_valid_absolute_iri(value), value
    for value in (
        "https://exa mple.com/",
        "https://example.com/%zz",
        "http:/example.com",
        "https://example.com:port/",
        "https://[::1/",
        "/relative/path",
    ):
        assert not iri.is_valid_absolute_iri(value), value
    assert iri.is_valid_iri_reference("/relative/path")
    assert iri.scheme("HTTPS://example.com/") == "https"
    assert iri.scheme("no-scheme") is None
