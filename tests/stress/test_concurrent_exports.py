"""Two `feed-exporter export` runs writing to one folder at the same time: the
second waits for the first, so the folder ends with one run's complete, valid
feeds, never a mix; with `--wait 0` the loser says so in one line and exits 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from exporter.write.lock import OutputLock
from tests.support import REPO

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

FILES = ("rss.xml", "atom.xml", "feed.json")


def _command(records: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "exporter", "export", str(records), "--out", str(out),
            "--config", str(REPO / "feed.toml"), "-q", "--no-cache", *args]  # fmt: skip


def _feeds(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict[str, bytes]]]:
    """Two corpora and the feeds each one gives on its own."""
    root = tmp_path_factory.mktemp("concurrent")
    found = []
    for seed in (21, 22):
        records = write_corpus(root / f"records-{seed}", 80, seed=seed)
        subprocess.run(_command(records, root / f"alone-{seed}"), cwd=REPO, check=True)
        found.append((records, _feeds(root / f"alone-{seed}")))
    assert found[0][1]["rss.xml"] != found[1][1]["rss.xml"]
    return found


def _race(
    corpora: list[tuple[Path, dict[str, bytes]]], out: Path, *args: str
) -> list[subprocess.CompletedProcess[str]]:
    processes = [
        subprocess.Popen(_command(records, out, *args), cwd=REPO, stderr=subprocess.PIPE, text=True)
        for records, _ in corpora
    ]
    return [
        subprocess.CompletedProcess(p.args, p.wait(timeout=120), "", p.communicate()[1])
        for p in processes
    ]


def _one_run(out: Path, corpora: list[tuple[Path, dict[str, bytes]]]) -> int:
    """Which corpus the folder's feeds all come from; fails on a mix."""
    found = _feeds(out)
    owners = {
        name: [index for index, (_, feeds) in enumerate(corpora) if feeds[name] == found[name]]
        for name in FILES
    }
    assert all(len(owner) == 1 for owner in owners.values()), owners
    assert len({owner[0] for owner in owners.values()}) == 1, f"interleaved: {owners}"
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temp or lock file
    return owners["rss.xml"][0]


def test_concurrent_exports_end_with_one_complete_set(
    tmp_path: Path, corpora: list[tuple[Path, dict[str, bytes]]]
) -> None:
    out = tmp_path / "out"
    results = _race(corpora, out, "--wait", "60")
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert [r.stderr for r in results] == ["", ""]
    _one_run(out, corpora)


def test_waiting_exports_run_one_after_another(
    tmp_path: Path, corpora: list[tuple[Path, dict[str, bytes]]]
) -> None:
    """Both start while the folder is held; when it is let go, they take turns."""
    out = tmp_path / "out"
    holder = OutputLock(out, wait=0)
    holder.acquire()
    processes = [
        subprocess.Popen(_command(records, out, "--wait", "60"), cwd=REPO, stderr=subprocess.PIPE)
        for records, _ in corpora
    ]
    try:
        for process in processes:
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=1.5)  # both are waiting for the folder
        assert sorted(p.name for p in out.iterdir()) == [".feed-exporter.lock"]
    finally:
        holder.release()
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    _one_run(out, corpora)


def test_with_wait_0_the_loser_exits_1_with_one_line(
    tmp_path: Path, corpora: list[tuple[Path, dict[str, bytes]]]
) -> None:
    out = tmp_path / "out"
    holder = OutputLock(out, wait=0)
    holder.acquire()
    try:
        loser = subprocess.run(
            _command(corpora[0][0], out, "--wait", "0"),
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        holder.release()
    assert loser.returncode == 1
    assert loser.stderr.count("\n") == 1
    assert loser.stderr.startswith("feed-exporter export: error: another export (process ")
    assert list(out.iterdir()) == []
