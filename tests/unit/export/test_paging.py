"""RFC 5005 paging in the plan: the links from a subscription document reach every
selected entry once, and a full archive page never changes when newer entries arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from exporter.config import FeedConfig, FeedSet
from exporter.export.fragments import Entry
from exporter.export.plan import FeedPlan, Selection, plan_feeds
from tests.support import repo_config

START = datetime(2020, 1, 1, tzinfo=UTC)


def _entries(count: int, topics: tuple[str, ...] = ("AI",)) -> list[Entry]:
    return [
        Entry(
            f"https://example.org/{n}",
            START + timedelta(hours=n),
            n % 5 != 0,
            f"{n}.md",
            f"{n:064x}",
            f"Title {n}",
            topics,
        )
        for n in range(count)
    ]


def _plan(
    entries: list[Entry], feed: FeedConfig, selection: Selection | None = None
) -> list[FeedPlan]:
    return list(
        plan_feeds(
            entries, selection or Selection(), ("atom", "json"), feed,
            lambda name: name, lambda name, digest: name + digest,
            lambda name, head, updated: f"{name}:{head.title}:{head.paging}:{updated}",
        ).feeds
    )  # fmt: skip


def _follow(plans: list[FeedPlan], start: FeedPlan) -> list[FeedPlan]:
    """The subscription document, then every page reached through prev-archive."""
    by_url = {plan.public_url: plan for plan in plans}
    chain, at = [start], start
    while at.feed.paging is not None and at.feed.paging.older is not None:
        at = by_url[at.feed.paging.older]
        assert at.archive and at.format_name == start.format_name
        assert at.feed.paging is not None and at.feed.paging.current == start.public_url
        chain.append(at)
    return chain


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 29, 30, 31])
@pytest.mark.parametrize("limit", [None, 3, 25])
def test_the_links_reach_every_selected_entry_once(count: int, limit: int | None) -> None:
    feed = replace(repo_config(), archive=10)
    entries = _entries(count)
    plans = _plan(entries, feed, Selection(limit=limit))
    for name in ("atom", "json"):
        [subscription] = [p for p in plans if p.format_name == name and not p.archive]
        chain = _follow(plans, subscription)
        archived = [e.id for page in chain[1:] for e in page.entries]
        assert len(archived) == len(set(archived)), "an entry in two archive pages"
        selected = entries[::-1][:limit] if limit is not None else entries
        reached = {e.id for page in chain for e in page.entries}
        assert reached == {e.id for e in selected}  # --limit applies to the whole chain
        assert all(len(page.entries) == 10 for page in chain[1:])
        assert len(chain) - 1 == len(selected) // 10
        assert len(subscription.entries) == min(len(selected), 10)
        for page in chain:  # newest first inside every document
            dates = [e.published_at for e in page.entries]
            assert dates == sorted(dates, reverse=True)


def test_full_pages_keep_their_plan_when_newer_entries_arrive() -> None:
    feed = replace(repo_config(), archive=10)
    before = {p.file_name: p for p in _plan(_entries(25), feed) if p.archive}
    after = {p.file_name: p for p in _plan(_entries(38), feed) if p.archive}
    assert sorted(before) == ["archive/1/atom.xml", "archive/1/feed.json",
                              "archive/2/atom.xml", "archive/2/feed.json"]  # fmt: skip
    assert set(before) < set(after)
    for name, plan in before.items():
        assert after[name].head == plan.head and after[name].digest == plan.digest


def test_without_archive_or_sets_the_plan_is_one_document_per_format() -> None:
    plans = _plan(_entries(30), repo_config(), Selection(limit=7))
    assert [(p.file_name, len(p.entries), p.feed.paging) for p in plans] == [
        ("atom.xml", 7, None),
        ("feed.json", 7, None),
    ]


def test_sets_take_their_limit_and_the_commands_limit() -> None:
    feed = replace(
        repo_config(),
        sets=(FeedSet("topics", "topics", "topics/{slug}/", "{title}: {key}", limit=4),),
    )
    entries = _entries(6, ("AI",)) + [
        replace(e, id=e.id + "x", topics=("Space",)) for e in _entries(3)
    ]
    plans = {p.file_name: p for p in _plan(entries, feed)}
    assert len(plans["topics/ai/atom.xml"].entries) == 4
    assert len(plans["topics/space/feed.json"].entries) == 3
    assert plans["topics/ai/atom.xml"].feed.title == f"{feed.title}: AI"
    assert plans["topics/ai/atom.xml"].public_url == "https://example.org/feeds/topics/ai/atom.xml"
    limited = {p.file_name: p for p in _plan(entries, feed, Selection(limit=2))}
    assert len(limited["topics/ai/atom.xml"].entries) == 2
    assert len(limited["topics/space/atom.xml"].entries) == 2  # newest 2 of each value
    published = {p.file_name: p for p in _plan(entries, feed, Selection(published_only=True))}
    assert all(e.published for e in published["topics/ai/atom.xml"].entries)
