"""Verified entry fragments: the bytes a whole render gives, and exactly the
findings `check` reports for them once they are assembled into a feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.config import EntrySettings, FeedAuthor, FeedConfig
from exporter.export.fragments import Fragment, make_fragments, placed, probe_feed
from exporter.model import Article, article_from_record
from exporter.render import FORMATS, FeedFormat
from exporter.render.dates import articles_updated
from exporter.render.pieces import SEPARATORS, open_ends, split_entries

NOW = datetime(2025, 1, 1, tzinfo=UTC)
SETTINGS = EntrySettings(FeedAuthor("Fallback Author", "https://fallback.example/"))
FORMAT_NAMES = ("rss", "atom", "json")


def article(index: int, **fields: Any) -> Article:
    record: dict[str, Any] = {
        "title": f"Article {index}",
        "webUrl": f"https://news.example.com/articles/{index}",
        "publishedDateTime": f"2021-02-{index % 27 + 1:02d}T04:31:00Z",
        "excerpt": f"Excerpt {index}.",
    }
    record.update(fields)
    return article_from_record(record, f"Body of *article* {index}.", f"{index}.md")


def keys(articles: list[Article]) -> list[str]:
    return [f"key-{a.id}" for a in articles]


def assembled(name: str, fragments: list[Fragment], feed: FeedConfig, updated: datetime) -> bytes:
    """head + fragments + tail, the way the export assembles a feed."""
    head, tail = open_ends(name, FORMATS[name].render((), feed, updated))
    return head + SEPARATORS[name].join(f.body for f in fragments) + tail


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_fragments_are_the_entries_of_one_render(name: str) -> None:
    articles = [article(index) for index in range(5)]
    feed = probe_feed(SETTINGS)
    whole = FORMATS[name].render(articles, feed, None)
    fragments = make_fragments(name, articles, keys(articles), SETTINGS, NOW)
    assert [f.body for f in fragments] == split_entries(name, whole, len(articles))
    assert [f.key for f in fragments] == keys(articles)
    assert all(f.findings == () and f.lasting for f in fragments)
    assert [f.lines for f in fragments] == [f.body.count(b"\n") for f in fragments]


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_a_fragment_made_alone_equals_one_made_in_a_batch(name: str) -> None:
    articles = [article(index) for index in range(4)]
    batch = make_fragments(name, articles, keys(articles), SETTINGS, NOW)
    alone = make_fragments(name, articles[2:3], keys(articles[2:3]), SETTINGS, NOW)
    assert alone == batch[2:3]


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_findings_land_where_check_finds_them_in_the_assembled_feed(name: str) -> None:
    # Entry 3 is dated after the run's clock: every format warns about it.
    articles = [article(index) for index in range(6)]
    articles[3] = article(3, publishedDateTime="2030-06-01T00:00:00Z")
    fragments = make_fragments(name, articles, keys(articles), SETTINGS, NOW)
    assert [bool(f.findings) for f in fragments] == [False, False, False, True, False, False]
    assert not fragments[3].lasting  # judged differently once 2030 has come
    assert all(f.lasting for i, f in enumerate(fragments) if i != 3)

    # Assembled in another order, under another head: findings move with the entry.
    order = [fragments[i] for i in (5, 0, 3, 1, 2, 4)]
    feed = FeedConfig(
        title="Another feed",
        description="Another head.",
        site_url="https://another.example/",
        author=SETTINGS.author,
        feed_urls={n: f"https://another.example/{FORMATS[n].file_name}" for n in FORMAT_NAMES},
        language="en",
    )
    updated = articles_updated(articles)
    document = assembled(name, order, feed, updated)
    file_name = FORMATS[name].file_name
    context = CheckContext(source=file_name, base=feed.url_for(name), now=NOW)
    empty = FORMATS[name].render((), feed, updated)
    # The head says 2030 too: that finding is the head's (verified with the head).
    expected = check_bytes(document, context)
    for problem in check_bytes(empty, context):
        expected.remove(problem)
    start = open_ends(name, empty)[0].count(b"\n") + 1
    found = []
    for index, fragment in enumerate(order):
        found += [placed(f, file_name, start, index) for f in fragment.findings]
        start += fragment.lines + SEPARATORS[name].count(b"\n")
    assert found and found == expected
    if name == "json":
        assert all(p.pointer and p.pointer.startswith("/items/2/") for p in found)
        assert all("/items/2" in p.message or "/items/" not in p.message for p in found)


def test_an_entry_dated_like_its_batch_neighbour_carries_no_finding_of_it() -> None:
    """Two entries with one <updated> draw a warning on the feed that holds both
    (W3C's DuplicateUpdated), but a batch is not a feed: the fragment made beside
    its twin is the fragment made alone, and the feed is judged when assembled."""
    twins = [article(1), article(2, publishedDateTime="2021-02-02T04:31:00Z"), article(3)]
    batch = make_fragments("atom", twins, keys(twins), SETTINGS, NOW)
    alone = [make_fragments("atom", [a], keys([a]), SETTINGS, NOW)[0] for a in twins]
    assert batch == alone
    assert all(fragment.findings == () for fragment in batch)

    feed = probe_feed(SETTINGS)
    document = assembled("atom", batch, feed, articles_updated(twins))
    context = CheckContext(source="atom.xml", base=feed.url_for("atom"), now=NOW)
    [problem] = check_bytes(document, context)
    second = document[: document.index(b"<id>https://news.example.com/articles/2<")]
    assert problem.rule == "atom-duplicate-updated"
    assert problem.line == second.count(b"\n")  # the second entry's <entry> line
    assert "'2021-02-02T04:31:00+00:00'" in problem.message


def _corrupting(format_name: str, bad_id: str) -> FeedFormat:
    """A renderer that slips an undefined element into one entry (a bug to catch)."""
    original = FORMATS[format_name]

    def render(articles: Any, feed: FeedConfig, updated: datetime | None = None) -> bytes:
        document = original.render(articles, feed, updated)
        marker = f'<guid isPermaLink="true">{bad_id}</guid>'.encode()
        return document.replace(marker, marker + b"<bogus>x</bogus>")

    return replace(original, render=render)


def test_an_error_in_a_batch_is_placed_on_its_own_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = [article(index) for index in range(5)]
    monkeypatch.setitem(FORMATS, "rss", _corrupting("rss", articles[1].id))
    fragments = make_fragments("rss", articles, keys(articles), SETTINGS, NOW)
    rules = [[f.problem.rule for f in fragment.findings] for fragment in fragments]
    assert rules[0] == rules[2] == rules[3] == rules[4] == []
    assert "rss-undefined-element" in rules[1]
    assert all(f.problem.is_error for f in fragments[1].findings)


def test_a_renderer_that_fails_gives_a_fragment_that_cannot_be_published(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = FORMATS["atom"]

    def render(articles: Any, feed: FeedConfig, updated: datetime | None = None) -> bytes:
        if any(a.title == "Article 2" for a in articles):
            raise RuntimeError("boom")
        return original.render(articles, feed, updated)

    monkeypatch.setitem(FORMATS, "atom", replace(original, render=render))
    articles = [article(index) for index in range(4)]
    fragments = make_fragments("atom", articles, keys(articles), SETTINGS, NOW)
    assert [f.body == b"" for f in fragments] == [False, False, True, False]
    [failure] = fragments[2].findings
    assert failure.problem.rule == "export-render-failed" and failure.problem.is_error
    assert "RuntimeError: boom" in failure.problem.message
    assert not fragments[2].lasting
