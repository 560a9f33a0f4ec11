"""The one-regex shortcut for ordinary URLs never accepts what the full IRI
checks would refuse."""

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
def test_the_shortcut_accepts_only_what_the_full_checks_accept(value: str) -> None:
    if iri._SIMPLE_URL.match(value):
        assert full_absolute(value)
        assert _full_reference(value)
    assert iri.is_valid_absolute_iri(value) == full_absolute(value)
    assert iri.is_valid_iri_reference(value) == _full_reference(value)


def test_ordinary_urls_take_the_shortcut() -> None:
    for value in (
        "https://example.com/",
        "https://news.example.org/2024/05/a-title?x=1&y=2#top",
        "http://a.b/(x)[y]@!$';=,*+~",
    ):
        assert iri._SIMPLE_URL.match(value), value
    for value in ("https://exa mple.com/", "https://example.com/%zz", "https://é.com/"):
        assert not iri._SIMPLE_URL.match(value), value
