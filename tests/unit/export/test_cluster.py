"""The Dask engine's folds, without a cluster: what each feed keeps, and that
folding in any split gives the newest entries a plain sort gives."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from exporter.config import FeedSet
from exporter.export.cluster import Newest, _add_newest, _cut, _keep_counts, _merge_newest
from exporter.export.fragments import Entry
from exporter.export.plan import Selection, newest_first
from exporter.export.request import ExportRequest
from tests.support import repo_config

START = datetime(2024, 1, 1, tzinfo=UTC)


def _entry(number: int, hours: int) -> Entry:
    return Entry(f"https://example.org/{number:04d}", START + timedelta(hours=hours), True,
                 f"{number}.md", f"digest-{number}")  # fmt: skip


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


@pytest.mark.parametrize("kept", [None, 1, 7, 40])
def test_folding_in_any_split_keeps_the_newest(kept: int | None) -> None:
    rng = random.Random(kept)
    # many equal dates: ties are broken by id, as the plan breaks them
    entries = [_entry(number, rng.randrange(30)) for number in range(300)]
    expected = newest_first(entries)[:kept] if kept is not None else newest_first(entries)
    for _ in range(5):
        rng.shuffle(entries)
        parts: list[Newest | None] = []
        start = 0
        while start < len(entries):
            size = rng.randrange(1, 120)
            found: Newest | None = None
            for entry in entries[start : start + size]:
                found = _add_newest(found, (("", ""), kept, entry))
            parts.append(found)
            start += size
        merged: Newest | None = None
        for part in parts:
            merged = _merge_newest(merged, part)
        assert merged is not None
        assert newest_first(_cut((("", ""), merged))) == expected
