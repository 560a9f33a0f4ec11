"""Property tests of `check`: arbitrary bytes and mutated feeds give findings with
documented rule ids, never an exception."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.problems import Problem
from tests.support import REPO, examples

CONTEXT = CheckContext(source="feed.xml")
GOOD = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    b"<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>"
    b"<updated>2024-01-31T12:00:00Z</updated><author><name>A</name></author>"
    b'<link rel="self" href="https://example.com/feed.atom"/></feed>'
)
DOCUMENTED = frozenset(
    re.findall(
        r"`((?:xml|atom|check|feed|rss|jsonfeed|archive|opml)-[a-z0-9-]+)`",
        (REPO / "docs" / "check-rules.md").read_text(encoding="utf-8"),
    )
)


def _assert_findings(data: bytes) -> None:
    problems = check_bytes(data, CONTEXT)
    assert all(isinstance(p, Problem) and p.message for p in problems)
    undocumented = {p.rule for p in problems} - DOCUMENTED
    assert undocumented == set()


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_documented_findings_never_exceptions(data: bytes) -> None:
    _assert_findings(data)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(GOOD)),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=30),
)
def test_mutated_feeds_give_documented_findings(start: int, length: int, insert: str) -> None:
    """Cut a slice out of a valid feed and splice in arbitrary text."""
    text = GOOD.decode()
    mutated = text[:start] + insert + text[start + length :]
    _assert_findings(mutated.encode("utf-8", "surrogatepass"))
