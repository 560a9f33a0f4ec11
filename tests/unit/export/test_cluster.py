"""The Dask engine's folds, without a cluster: what each feed keeps, and that
folding in any split and tree gives what one pass over every record gives."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from exporter.collect import CheckedRecord, FileOutcome
from exporter.config import FeedSet
from exporter.export.cluster import (
    Membership,
    Produced,
    _combine_newest,
    _combine_uses,
    _dumped,
    _firsts,
    _keep_counts,
    _loaded,
    _merge,
    _Merged,
    _packed,
    _part_uses,
)
from exporter.export.fragments import Entry
from exporter.export.plan import Selection, newest_first
from exporter.export.request import ExportRequest
from exporter.load.settings import LoadSettings
from tests.support import repo_config

START = datetime(2024, 1, 1, tzinfo=UTC)


def _entry(number: int, hours: int, topics: tuple[str, ...] = (), provider: str = "") -> Entry:
    return Entry(f"https://example.org/{number:04d}", START + timedelta(hours=hours), True,
                 f"{number}.md", f"digest-{number}", topics=topics,
                 provider=provider or None)  # fmt: skip


def _request(**selection: object) -> ExportRequest:
    return ExportRequest(formats=("atom",), selection=Selection(**selection))  # type: ignore[arg-type]


def test_each_feed_keeps_what_the_plan_can_show() -> None:
    feed = replace(
        repo_config(),
        sets=(
            FeedSet("topics", "topics", "topics/{slug}/", "{title}", limit=8),
            FeedSet("paged", "provider", "p/{slug}/", "{title}", limit=8, archive=10),
        ),
    )
    assert _keep_counts(_request(), feed) == (
        ("", "", None), ("topics", "topics", 8), ("paged", "provider", None),
    )  # fmt: skip
    assert _keep_counts(_request(limit=5), feed) == (
        ("", "", 5), ("topics", "topics", 5), ("paged", "provider", 5),
    )  # fmt: skip
    # --limit 0 still brings one entry of every value back: the plan names their feeds
    assert _keep_counts(_request(limit=0), feed)[1] == ("topics", "topics", 1)
    only = replace(_request(limit=20), sets=("paged",))
    assert _keep_counts(only, feed) == (("", "", 20), ("paged", "provider", 20))


def _splits(items: list[bytes], rng: random.Random) -> list[list[bytes]]:
    """`items` cut into random consecutive runs."""
    runs, start = [], 0
    while start < len(items):
        size = rng.randrange(1, 9)
        runs.append(items[start : start + size])
        start += size
    return runs


def _tree(
    partials: list[bytes], combine: Callable[[list[bytes]], bytes], rng: random.Random
) -> bytes:
    """`combine` applied as a reduction tree of random fan-in, as Bag.reduction does."""
    while len(partials) > 1:
        partials = [combine(run) for run in _splits(partials, rng)]
    return combine(partials)


@pytest.mark.parametrize("kept", [None, 1, 7, 40])
def test_the_newest_fold_in_any_split_keeps_each_feeds_newest(kept: int | None) -> None:
    rng = random.Random(kept)
    topics = ["ai", "vision", "robots", "speech"]
    # many equal dates: ties are broken by id, as the plan breaks them
    entries = [
        _entry(number, rng.randrange(30), tuple(rng.sample(topics, rng.randrange(3))),
               rng.choice(["acme", "globex", ""]))
        for number in range(300)
    ]  # fmt: skip
    keep: tuple[Membership, ...] = (
        ("", "", kept), ("topics", "topics", 3), ("providers", "provider", kept),
    )  # fmt: skip
    expected: set[str] = set()
    expected.update(e.id for e in newest_first(entries)[:kept])
    for topic in topics:
        expected.update(e.id for e in newest_first([e for e in entries if topic in e.topics])[:3])
    for provider in ("acme", "globex"):
        members = [e for e in entries if e.provider == provider]
        expected.update(e.id for e in newest_first(members)[:kept])
    for _ in range(5):
        rng.shuffle(entries)
        parts, start = [], 0
        while start < len(entries):
            size = rng.randrange(1, 120)
            parts.append(_combine_newest(keep, [_dumped(entries[start : start + size])]))
            start += size
        found: list[Entry] = _loaded(_tree(parts, partial(_combine_newest, keep), rng))
        assert len(found) == len({e.id for e in found})
        assert {e.id for e in found} == expected


def test_the_webUrl_fold_in_any_split_finds_each_shared_urls_first_record() -> None:
    rng = random.Random(3)
    urls = [f"https://example.org/{n}" for n in range(40)]
    records = [[rng.choice(urls) for _ in range(rng.randrange(0, 6))] for _ in range(200)]
    produced = []
    for index in range(0, len(records), 10):  # partitions of 10 files
        outcomes = tuple(
            FileOutcome(f"{index + n}.md", (), tuple(
                CheckedRecord(f"{index + n}.md", url, k + 1, (), None) for k, url in enumerate(file)
            ))
            for n, file in enumerate(records[index : index + 10])
        )  # fmt: skip
        produced.append(_packed(index // 10, outcomes, (), LoadSettings()))
    seen: dict[str, list[tuple[int, int, int]]] = {}
    for number, file in enumerate(records):
        for k, url in enumerate(file):
            seen.setdefault(url, []).append((number // 10, number % 10, k))
    expected = {url: min(places) for url, places in seen.items() if len(places) > 1}
    for _ in range(5):
        firsts = _firsts(_tree([_part_uses([p]) for p in produced], _combine_uses, rng))
        assert {url: use[1] for url, use in firsts.items()} == expected
        assert all(use[0] == url and use[3] == use[1][2] + 1 for url, use in firsts.items())


def test_a_partition_merges_again_only_when_an_earlier_one_took_a_webUrl_of_its() -> None:
    def partition(index: int, numbers: list[int]) -> Produced:
        name = f"{index}.md"
        return _packed(index, (FileOutcome(name, (), tuple(
            CheckedRecord(name, f"https://example.org/{n}", k + 1, (), _entry(n, n))
            for k, n in enumerate(numbers)
        )),), (), LoadSettings())  # fmt: skip

    parts = [partition(0, [1, 2]), partition(1, [3, 4]), partition(2, [2, 5, 3])]
    firsts = _firsts(_combine_uses([_part_uses([part]) for part in parts]))
    merged = [_merge(part, firsts, LoadSettings()) for part in parts]
    assert [m.counts for m in merged] == [(2, 2, 0, 0), (2, 2, 0, 0), (3, 1, 2, 0)]
    assert [e.digest for e in merged[2].accepted] == ["digest-5"]
    assert [(p.path, p.rule, p.line) for p in merged[2].problems] == [
        ("2.md", "duplicate-url", 1), ("2.md", "duplicate-url", 3),
    ]  # fmt: skip
    assert "0.md" in merged[2].problems[0].message and "1.md" in merged[2].problems[1].message
    # a partition no earlier one took from keeps the merge the map made
    marked = _Merged((9, 9, 9, 9), [], [])
    untouched = (*parts[1][:4], _dumped(marked))
    assert _merge(untouched, firsts, LoadSettings()) == marked
