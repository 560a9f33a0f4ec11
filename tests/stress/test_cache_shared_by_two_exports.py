"""Exports sharing one cache folder (the default is per working folder) run at
the same time without stalling or corrupting each other: each writes the bytes
a cold export writes, and each finds the other's work afterwards."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from exporter.export.fragments import Fragment
from exporter.export.store import Cache
from tests.support import REPO

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

FEEDS = ("rss.xml", "atom.xml", "feed.json")


def _command(records: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "exporter", "export", str(records), "--out", str(out),
            "--config", str(REPO / "feed.toml"), "-q", *extra]  # fmt: skip


def _feeds(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FEEDS}


def test_two_exports_at_once_share_a_cache(tmp_path: Path) -> None:
    shared = write_corpus(tmp_path / "shared", 150, seed=4)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, skip in ((first, 0), (second, 50)):  # 100 records in common
        folder.mkdir()
        for path in sorted(shared.iterdir())[skip : skip + 100]:
            shutil.copy(path, folder / path.name)
    cache = tmp_path / "cache"
    commands = [
        _command(records, tmp_path / f"out-{records.name}", "--cache-dir", str(cache))
        for records in (first, second)
    ]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for command in commands]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        assert "cache-" not in stderr  # nothing damaged, nothing unusable
    for records in (first, second):
        reference = tmp_path / f"reference-{records.name}"
        subprocess.run(_command(records, reference, "--no-cache"), check=True, timeout=300)
        assert _feeds(tmp_path / f"out-{records.name}") == _feeds(reference)
    # Both remembered their exports: a second run writes nothing.
    for records in (first, second):
        done = subprocess.run(
            _command(records, tmp_path / f"out-{records.name}", "--cache-dir", str(cache), "-v"),
            capture_output=True, text=True, check=True, timeout=300,
        )  # fmt: skip
        assert "the feeds on disk are current" in done.stderr


def _fragment(key: str) -> Fragment:
    body = f"    <item>{key}</item>\n".encode()
    return Fragment(key, body, (), 1, True)


def test_interleaved_writers_are_quick_and_keep_every_row(tmp_path: Path) -> None:
    first, second = Cache(tmp_path), Cache(tmp_path)
    slowest = 0.0
    try:
        for index in range(40):
            for owner, cache in (("a", first), ("b", second)):
                started = time.perf_counter()
                cache.add([_fragment(f"{owner}{index}")])
                cache.store_outcome(f"o{owner}{index}", owner.encode())
                cache.flush()  # one transaction per row: the most interleaving there can be
                slowest = max(slowest, time.perf_counter() - started)
        # each one sees the other's rows while both are still open
        assert len(first.locate([f"b{index}" for index in range(40)])) == 40
        assert len(second.outcomes([f"oa{index}" for index in range(40)])) == 40
    finally:
        first.close()
        second.close()
    # A writer waiting for the other's open transaction would take the busy
    # timeout (1 s) per row: a generous bound, not a benchmark.
    assert slowest < 10.0
    with Cache(tmp_path) as third:
        found = third.locate([f"{who}{index}" for who in "ab" for index in range(40)])
        assert len(found) == 80
        for key, where in found.items():
            assert third.read(key, where) == f"    <item>{key}</item>\n".encode()
