"""bench.engines turns one fast path off at a time: the feeds must not change
(a fast path may only be faster), and the report says what each one saves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from bench.engines import ENGINES
from tests.support import REPO

FEEDS = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("engines") / "records", 30, seed=3, invalid=0.1)


def _export(corpus: Path, out: Path, *without: str) -> dict[str, bytes]:
    command = [sys.executable, "-m", "bench.engines", "--run", *without, "--", "export",
               str(corpus), "--out", str(out), "--no-cache", "-q",
               "--config", str(REPO / "feed.toml")]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, timeout=300)
    return {name: (out / name).read_bytes() for name in FEEDS}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_without_a_fast_path_the_feeds_are_the_same(
    corpus: Path, tmp_path: Path, engine: str
) -> None:
    shipped = _export(corpus, tmp_path / "shipped")
    assert _export(corpus, tmp_path / "without", "--without", engine) == shipped


def test_the_report_says_what_a_fast_path_saves(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.engines", "--size", "60", "--repeat", "1",
         "--only", "record-verdict", "--work", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    [row] = [line for line in done.stdout.splitlines() if line.startswith("record-verdict")]
    shipped, without, saves = row.split()[1:4]
    assert float(shipped) > 0 and float(without) > 0
    assert saves.endswith("%") and row.split()[4].rstrip(":") in ("keep", "remove")
