"""Feed listings for the discovery index tests: ordinary and hostile values side by side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from exporter.render.discovery import EntryPreview, FeedListing

BASE = "https://example.org/feeds/"
# Text a record may carry: markup, quotes, ampersands, non-Latin scripts, right-to-left.
HOSTILE_TITLE = (
    "<script>window.pwned = 1</script> & \"quotes\" 'single' <img src=x onerror=alert(1)>"
)
NON_LATIN_TITLE = "Εκλογές 2024 — 選挙 — الانتخابات"


def _entries(prefix: str, count: int) -> tuple[EntryPreview, ...]:
    """`count` entries, newest first, one day apart, in a +02:00 zone (written as UTC)."""
    zone = timezone(timedelta(hours=2))
    newest = datetime(2024, 3, 10, 14, 30, tzinfo=zone)
    return tuple(
        EntryPreview(
            title=f"{prefix} story {number}",
            url=f"https://news.example.com/{prefix.lower()}/{number}?ref=feed&lang=en",
            published=newest - timedelta(days=number),
        )
        for number in range(count)
    )


@pytest.fixture(scope="module")
def discovery_feeds() -> list[FeedListing]:
    """Main feed in three formats, two topics (one hostile), a category, out of order.

    Module-scoped so the browser test loads one page; tests copy, never change, it."""
    hostile_entries = (
        EntryPreview(HOSTILE_TITLE, "https://news.example.com/x?a=1&b='2'", _at(2024, 3, 11)),
        EntryPreview("Click me", "javascript:window.pwned=2", _at(2024, 3, 9)),
        EntryPreview(NON_LATIN_TITLE, "https://news.example.com/選挙", _at(2024, 3, 8)),
    )
    main = _entries("Main", 7)
    return [
        FeedListing(
            'Topic: <b>Elections</b> & "more"',
            "atom",
            "topics/elections/atom.xml",
            BASE + "topics/elections/atom.xml",
            "topics",
            "Elections",
            hostile_entries,
        ),
        FeedListing("Example news", "json", "feed.json", BASE + "feed.json", "", "", main),
        FeedListing("Example news", "rss", "rss.xml", BASE + "rss.xml", "", "", main),
        FeedListing(
            "Category: Science",
            "rss",
            "categories/science/rss.xml",
            BASE + "categories/science/rss.xml",
            "categories",
            "Science",
            _entries("Science", 2),
        ),
        FeedListing("Example news", "atom", "atom.xml", BASE + "atom.xml", "", "", main),
        FeedListing(
            NON_LATIN_TITLE,
            "rss",
            "topics/ai/rss.xml",
            BASE + "topics/ai/rss.xml",
            "topics",
            "AI",
            (),
        ),
    ]


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 8, 0, tzinfo=UTC)
