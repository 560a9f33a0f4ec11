"""Ctrl-C (SIGINT to the whole process group, as a terminal sends it) in the
middle of a real run: exit 130, one line saying so, no finished-looking line;
for export, every previous feed byte for byte as it was (mtime included) and no
temporary file left behind (issue 13: Ctrl-C exited 1, the code for invalid
records)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from tests.support import REPO

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

RECORDS = 3000  # about 2 s of export on one core: the interrupt lands mid-run
FILES = ("rss.xml", "atom.xml", "feed.json")
NOTHING_WRITTEN = (
    "feed-exporter export: interrupted: nothing written, the previous feeds are untouched"
)


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "exporter", *args]


def _start(command: list[str], **options: object) -> subprocess.Popen[bytes]:
    """In its own process group, so SIGINT reaches it and its pool workers as
    Ctrl-C in a terminal would."""
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, **options,
    )  # fmt: skip


def _workers(process: subprocess.Popen[bytes]) -> bool:
    try:
        return bool(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
    except OSError:
        return False


def _interrupt_when(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 120
    while process.poll() is None and not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("still running a minute after Ctrl-C") from None
    assert process.returncode == 130, stderr.decode()
    return stderr.decode()


def _state(out: Path) -> dict[str, tuple[bytes, int]]:
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out.iterdir()}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Feeds exported from one corpus, and a different corpus whose export
    would replace every one of them."""
    root = tmp_path_factory.mktemp("ctrl-c")
    old, new = root / "old", root / "new"
    write_corpus(old, RECORDS, seed=1)
    write_corpus(new, RECORDS, seed=2)
    done = subprocess.run(
        _command("export", str(old), "--out", str(root / "out"), "--config",
                 str(REPO / "feed.toml"), "--no-cache", "-q"),
        cwd=REPO, capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return new, root / "out"


def _export(new: Path, out: Path) -> subprocess.Popen[bytes]:
    return _start(
        _command("export", str(new), "--out", str(out), "--config", str(REPO / "feed.toml"),
                 "--no-cache", "-j", "2")
    )  # fmt: skip


@pytest.mark.parametrize("moment", ["workers started", "temporary file written"])
def test_ctrl_c_during_export_leaves_the_previous_feeds(
    published: tuple[Path, Path], moment: str
) -> None:
    new, out = published
    before = _state(out)
    assert set(FILES) <= set(before)
    process = _export(new, out)
    if moment == "workers started":
        stderr = _interrupt_when(lambda: _workers(process), process)
    else:
        stderr = _interrupt_when(lambda: any(out.glob(".*.tmp")), process)
    assert stderr.splitlines() == [NOTHING_WRITTEN]
    assert _state(out) == before  # same bytes, same mtimes, no temporary file
    assert not list(out.glob(".*.tmp"))


def test_ctrl_c_during_validate(published: tuple[Path, Path]) -> None:
    new, out = published
    corpora = [str(new), str(out.parent / "old")]  # about 2 s of checking
    process = _start(_command("validate", *corpora, "-j", "2"))
    stderr = _interrupt_when(lambda: _workers(process), process)
    assert stderr.splitlines() == ["feed-exporter validate: interrupted"]
