"""Selection: newest first, ties by id, --limit, --published-only, --since, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from exporter.export.plan import Selection, newest_first, parse_since, select
from exporter.problems import Severity
from tests.support import article


def ids(articles: list) -> list[str]:  # type: ignore[type-arg]
    return [a.id for a in articles]


def sample() -> list:  # type: ignore[type-arg]
    return [
        article(webUrl="https://x.example.com/b", publishedDateTime="2021-01-02T00:00:00Z"),
        article(webUrl="https://x.example.com/a", publishedDateTime="2021-01-02T00:00:00Z"),
        article(webUrl="https://x.example.com/old", publishedDateTime="2020-06-01T00:00:00Z",
                published=False),
        article(webUrl="https://x.example.com/new", publishedDateTime="2021-03-01T10:00:00+05:00"),
        # Same instant as ".../a" written with another offset: still a tie, broken by id.
        article(webUrl="https://x.example.com/c", publishedDateTime="2021-01-02T01:00:00+01:00"),
    ]  # fmt: skip


def test_newest_first_ties_broken_by_id() -> None:
    expected = [
        "https://x.example.com/new",
        "https://x.example.com/a",
        "https://x.example.com/b",
        "https://x.example.com/c",
        "https://x.example.com/old",
    ]
    assert ids(newest_first(sample())) == expected
    assert ids(newest_first(list(reversed(sample())))) == expected


def test_limit_keeps_the_newest() -> None:
    selected = select(sample(), Selection(limit=2))
    assert ids(selected.articles) == ["https://x.example.com/new", "https://x.example.com/a"]
    assert selected.dropped == 3
    assert select(sample(), Selection(limit=0)).articles == []


def test_published_only_drops_published_false() -> None:
    selected = select(sample(), Selection(published_only=True))
    assert "https://x.example.com/old" not in ids(selected.articles)
    assert len(selected.articles) == 4


def test_since_is_inclusive() -> None:
    since = datetime(2021, 1, 2, tzinfo=UTC)
    selected = select(sample(), Selection(since=since))
    assert ids(selected.articles) == [
        "https://x.example.com/new",
        "https://x.example.com/a",
        "https://x.example.com/b",
        "https://x.example.com/c",
    ]


def test_duplicate_ids_keep_the_newest_and_warn() -> None:
    older = article(title="older", publishedDateTime="2020-01-01T00:00:00Z")
    newer = article(title="newer", publishedDateTime="2021-01-01T00:00:00Z")
    selected = select([older, newer], Selection())
    assert [a.title for a in selected.articles] == ["newer"]
    [problem] = selected.problems
    assert problem.rule == "export-duplicate-id" and problem.severity is Severity.WARNING


def test_parse_since_accepts_dates_and_zoned_datetimes() -> None:
    assert parse_since("2021-02-09") == datetime(2021, 2, 9, tzinfo=UTC)
    assert parse_since("2021-02-09T04:31:00Z") == datetime(2021, 2, 9, 4, 31, tzinfo=UTC)
    assert parse_since("2021-02-09T04:31:00+02:00") == datetime(
        2021, 2, 9, 4, 31, tzinfo=timezone(timedelta(hours=2))
    )


@pytest.mark.parametrize("value", ["2021-02-09T04:31:00", "yesterday", "2021-13-01", ""])
def test_parse_since_refuses_naive_or_malformed(value: str) -> None:
    with pytest.raises(ValueError):
        parse_since(value)
