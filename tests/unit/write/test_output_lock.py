"""The output-folder lock: one holder at a time, a bounded wait, gone with its process."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from exporter.write.lock import LOCK_NAME, LockBusy, OutputLock
from tests.support import REPO


def _holder(folder: Path, seconds: float) -> subprocess.Popen[str]:
    """A separate process that takes the lock, says so, and holds it `seconds`."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from exporter.write.lock import OutputLock
        with OutputLock(Path({str(folder)!r}), wait=0):
            print("locked", flush=True)
            time.sleep({seconds})
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


def test_lock_is_exclusive_within_one_process_too(tmp_path: Path) -> None:
    with OutputLock(tmp_path, wait=0):
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
        with pytest.raises(LockBusy) as busy, OutputLock(tmp_path, wait=0):
            pass
    assert busy.value.holder == os.getpid()
    assert "--wait" in str(busy.value) and "at once" in str(busy.value)
    assert list(tmp_path.iterdir()) == []  # released: the lock file is gone


def test_second_process_gives_up_after_the_wait_naming_the_holder(tmp_path: Path) -> None:
    holder = _holder(tmp_path, 60)  # killed below; holds past any bound of this test
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy) as busy, OutputLock(tmp_path, wait=0.5):
            pass
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert 0.45 <= waited < 10  # 0.5 s on an idle machine: the upper bound catches a hang
    assert busy.value.holder == holder.pid
    message = str(busy.value)
    assert "\n" not in message
    assert f"process {holder.pid}" in message and str(tmp_path) in message
    assert "after waiting 0.5 s" in message


def test_waiter_gets_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    holder = _holder(tmp_path, 0.5)
    started = time.monotonic()
    with OutputLock(tmp_path, wait=10):
        waited = time.monotonic() - started
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    holder.wait()
    assert 0.3 < waited < 10  # 0.5 s on an idle machine: the upper bound catches a hang


def test_sigkilled_holder_releases_the_lock_at_once(tmp_path: Path) -> None:
    holder = _holder(tmp_path, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_NAME).exists()  # a leftover file, but nobody holds it
    started = time.monotonic()
    with OutputLock(tmp_path, wait=0):
        assert time.monotonic() - started < 1
    assert not (tmp_path / LOCK_NAME).exists()  # the next run removed the leftover


def test_forked_workers_do_not_keep_the_lock_alive(tmp_path: Path) -> None:
    """Process pools fork while the lock is held; a killed exporter must not leave
    its orphaned workers holding the folder."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from exporter.write.lock import OutputLock
        lock = OutputLock(Path({str(tmp_path)!r}), wait=0)
        lock.acquire()
        child = os.fork()
        if child == 0:
            os.write(1, b"child running\\n")  # after the at-fork handlers ran
            time.sleep(60)
            os._exit(0)
        os.write(1, f"{{child}}\\n".encode())  # one write each: lines never mix
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    lines = sorted(parent.stdout.readline().strip() for _ in range(2))
    assert lines[1] == "child running"
    child = int(lines[0])
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        os.kill(child, 0)  # the forked worker is still running ...
        with OutputLock(tmp_path, wait=0):  # ... yet the lock is free
            pass
    finally:
        os.kill(child, signal.SIGKILL)


def test_many_contenders_never_hold_the_lock_together(tmp_path: Path) -> None:
    """Each contender appends 'enter'/'leave' lines while holding the lock; with
    mutual exclusion the log strictly alternates."""
    log = tmp_path / "log"
    folder = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from exporter.write.lock import OutputLock
        for _ in range(5):
            with OutputLock(Path({str(folder)!r}), wait=30):
                with open({str(log)!r}, "a") as f:
                    f.write("enter\\n"); f.flush()
                    time.sleep(0.01)
                    f.write("leave\\n")
        """
    )
    processes = [subprocess.Popen([sys.executable, "-c", script], cwd=REPO) for _ in range(4)]
    assert [process.wait(timeout=60) for process in processes] == [0, 0, 0, 0]
    lines = log.read_text().split()
    assert lines == ["enter", "leave"] * 20
    assert list(folder.iterdir()) == []  # created for the lock; the lock file is gone


def test_a_symlink_planted_as_the_lock_file_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / LOCK_NAME).symlink_to(victim)
    with pytest.raises(OSError), OutputLock(folder, wait=0):
        pass
    assert victim.read_bytes() == b"keep me"


def test_a_full_disk_while_writing_the_pid_still_gives_a_working_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("exporter.write.lock.os.write", full)
    lock = OutputLock(tmp_path, wait=0)
    lock.acquire()  # held, although the pid could not be written
    try:
        with pytest.raises(LockBusy):
            OutputLock(tmp_path, wait=0).acquire()
        assert lock.holder() is None
    finally:
        lock.release()
    monkeypatch.undo()
    with OutputLock(tmp_path, wait=0) as again:  # released: free for the next run
        assert again.holder() == os.getpid()
