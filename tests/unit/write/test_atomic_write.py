"""Atomic writes: the previous file or the new one, never a part; leftovers cleaned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.write import atomic as write_module
from exporter.write.atomic import AtomicFile, remove_leftovers, temp_path


def write_atomic(target: Path, data: bytes) -> None:
    with AtomicFile(target) as file:
        file.write(data)
        file.commit()


def test_write_replaces_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "rss.xml"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["rss.xml"]


def test_temp_file_is_hidden_in_the_same_folder_with_the_pid(tmp_path: Path) -> None:
    target = tmp_path / "rss.xml"
    assert temp_path(target, 123) == tmp_path / ".rss.xml.123.tmp"


def test_failure_during_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "atom.xml"
    target.write_bytes(b"previous")

    def crash(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(write_module.os, "fsync", crash)
    with pytest.raises(OSError):
        write_atomic(target, b"new content")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["atom.xml"]


def _dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    return int(process.stdout)


def test_leftovers_of_dead_writers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "feed.json"
    dead = temp_path(target, _dead_pid())
    dead.write_bytes(b"partial")
    live = temp_path(target, os.getppid())  # our parent is certainly running
    live.write_bytes(b"in progress")
    other = tmp_path / ".rss.xml.1.tmp"
    other.write_bytes(b"another target's")
    assert remove_leftovers(target) == [dead]
    assert live.exists() and other.exists() and not dead.exists()


def test_killed_writer_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    """A process killed mid-write (SIGKILL) leaves a complete file and a temp leftover
    that the next write removes."""
    target = tmp_path / "rss.xml"
    target.write_bytes(b"old")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from exporter.write import atomic\n"
        "def die(*a):\n"
        "    os.kill(os.getpid(), 9)\n"
        "atomic.os.replace = die\n"
        f"file = atomic.AtomicFile(Path({str(target)!r}))\n"
        "file.write(b'new' * 100000)\n"
        "file.commit()\n"
    )
    process = subprocess.run([sys.executable, "-c", script], check=False)
    assert process.returncode == -9
    assert target.read_bytes() == b"old"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "rss.xml"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".rss.xml.")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["rss.xml"]
