"""Two exports sharing one cache folder (the default is per working folder)
neither stall each other nor lose each other's rows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from exporter.cache import Cache
from exporter.collect import FileOutcome
from exporter.load.settings import LoadSettings
from exporter.problems import Problem

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

ROWS = 20


def outcome(owner: str, index: int) -> FileOutcome:
    name = f"{owner}/{index}.md"
    problem = Problem(path=name, rule="test-rule", message=f"row {index} of {owner}", line=index)
    return FileOutcome(name=name, load_problems=(problem,), records=(), digest=f"{owner}{index}")


def test_interleaved_stores_are_quick_and_all_rows_survive(tmp_path: Path) -> None:
    settings = LoadSettings()
    first, second = Cache(tmp_path, settings), Cache(tmp_path, settings)
    slowest = 0.0
    for index in range(ROWS):
        for owner, cache in (("a", first), ("b", second)):
            started = time.perf_counter()
            cache.store(f"{owner}/{index}.md", f"{owner}{index}", outcome(owner, index))
            cache.flush()  # one transaction per row: the most interleaving there can be
            slowest = max(slowest, time.perf_counter() - started)
    # Before the fix the second writer waited for the first's open transaction
    # (5 s per store); a generous bound, not a micro-benchmark.
    assert slowest < 1.0
    # Each flushed row is visible to the other writer while both are still open.
    assert second.outcome("a/3.md", "a3") == outcome("a", 3)
    assert first.outcome("b/3.md", "b3") == outcome("b", 3)
    first.close()
    second.close()

    third = Cache(tmp_path, settings)
    try:
        for index in range(ROWS):
            for owner in ("a", "b"):
                assert third.outcome(f"{owner}/{index}.md", f"{owner}{index}") == outcome(
                    owner, index
                )
    finally:
        third.close()


def test_export_states_of_two_folders_both_survive(tmp_path: Path) -> None:
    settings = LoadSettings()
    first, second = Cache(tmp_path / "cache", settings), Cache(tmp_path / "cache", settings)
    first.store_export_state(tmp_path / "out-a", {"key": "a", "files": {"rss.xml": "1"}})
    second.store_export_state(tmp_path / "out-b", {"key": "b", "files": {"rss.xml": "2"}})
    first.close()
    second.close()
    third = Cache(tmp_path / "cache", settings)
    try:
        assert third.export_state(tmp_path / "out-a") == {"key": "a", "files": {"rss.xml": "1"}}
        assert third.export_state(tmp_path / "out-b") == {"key": "b", "files": {"rss.xml": "2"}}
    finally:
        third.close()
