"""Pool workers never outlive the exporter: after a SIGKILL (which runs no
cleanup) they notice their parent is gone and exit instead of waiting forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_when_the_exporter_is_killed(tmp_path: Path, feed_toml: Path) -> None:
    records = write_corpus(tmp_path / "records", 600, seed=5)
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "export", str(records), "--out", str(tmp_path / "out"),
         "--config", str(feed_toml), "--jobs", "2", "--no-cache", "-q"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            workers = [pid for pid in children(process.pid) if alive(pid)]
            time.sleep(0.05)
        assert len(workers) >= 2, "the pool never started"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers), "workers outlived the exporter"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
