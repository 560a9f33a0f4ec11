"""Feed-set slugs are stable, readable ASCII; two values on one slug are refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exporter.config import ConfigError, FeedSet
from exporter.export.fragments import Entry
from exporter.export.sets import group, slug, values_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Elections", "elections"),
        ("Künstliche Intelligenz", "kunstliche-intelligenz"),
        ("Выборы", "vybory"),
        ("選挙", "xuanju"),
        ("São Paulo / Brasil", "sao-paulo-brasil"),
        ("  AI & ML  ", "ai-ml"),
        ("Analytics India Magazine", "analytics-india-magazine"),
    ],
)
def test_slugs_are_readable_lowercase_ascii(value: str, expected: str) -> None:
    assert slug(value) == expected


def test_a_value_with_nothing_to_transliterate_gets_a_stable_name() -> None:
    first = slug("!!!")
    assert first.startswith("value-") and first == slug("!!!")
    assert first != slug("???")
    assert all(c.isalnum() or c == "-" for c in first) and first.isascii()


def test_long_values_make_bounded_slugs() -> None:
    made = slug("word " * 100)
    assert len(made) <= 80 and not made.endswith("-")


def _entry(number: int, **fields: object) -> Entry:
    return Entry(
        f"https://example.org/{number}", datetime(2024, 1, number, tzinfo=UTC), True,
        f"{number}.md", f"{number:064x}", **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def test_values_are_the_field_a_set_groups_by() -> None:
    entry = _entry(1, topics=("AI", " ", "Space"), provider="Wired", category="news", kind="post")
    assert list(values_of(entry, "topics")) == ["AI", "Space"]
    assert list(values_of(entry, "provider")) == ["Wired"]
    assert list(values_of(entry, "category")) == ["news"]
    assert list(values_of(entry, "type")) == ["post"]
    assert list(values_of(_entry(2), "provider")) == []


def test_groups_keep_the_order_given_and_name_each_value_once() -> None:
    entries = [
        _entry(3, topics=("AI", "Space")),
        _entry(2, topics=("AI", "AI")),
        _entry(1, topics=("Space",)),
    ]
    feed_set = FeedSet("topics", "topics", "topics/{slug}/", "{title}: {key}")
    found = {g.slug: g for g in group(feed_set, entries)}
    assert sorted(found) == ["ai", "space"]
    assert [e.source for e in found["ai"].entries] == ["3.md", "2.md"]
    assert [e.source for e in found["space"].entries] == ["3.md", "1.md"]
    assert found["ai"].value == "AI"


def test_two_values_on_one_slug_are_a_configuration_error_naming_both() -> None:
    feed_set = FeedSet("topics", "topics", "topics/{slug}/", "{title}: {key}")
    with pytest.raises(ConfigError) as raised:
        group(feed_set, [_entry(1, topics=("Elections",)), _entry(2, topics=("elections",))])
    message = str(raised.value)
    assert "'Elections'" in message and "'elections'" in message
    assert "topics/elections/" in message and "\n" not in message
