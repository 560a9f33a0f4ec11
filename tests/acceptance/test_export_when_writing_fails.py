"""`feed-exporter export` when the feeds cannot be written: a full disk, no
permission, another export busy with the folder. Each is one line on stderr,
exit 1, and the previous feeds stay byte for byte as they were."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from exporter.write.lock import LOCK_NAME, OutputLock
from tests.support import REPO, SEED

FILES = ("rss.xml", "atom.xml", "feed.json")


def _export(out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["export", str(SEED), "--config", str(REPO / "feed.toml"), "--out", str(out), *args],
        env={"FEED_EXPORTER_CACHE_DIR": str(out.parent / "cache")},
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


@pytest.fixture
def previous(tmp_path: Path) -> dict[str, bytes]:
    """An output folder holding the feeds of an earlier run (not the seed's)."""
    out = tmp_path / "out"
    out.mkdir()
    versions = {name: f"<!-- published yesterday: {name} -->\n".encode() for name in FILES}
    for name, data in versions.items():
        (out / name).write_bytes(data)
    return versions


def _folder(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in out.iterdir()}


def _is_temporary(descriptor: int) -> bool:
    return os.readlink(f"/proc/self/fd/{descriptor}").endswith(".tmp")


def _one_line(stderr: str) -> str:
    # The placeholders are no feeds: the id guard says it cannot compare with them.
    lines = [line for line in stderr.strip().splitlines() if "[published-unreadable]" not in line]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("full_at", [1, 2, 3])
def test_disk_full_is_one_line_exit_1_and_keeps_previous_feeds(
    tmp_path: Path, previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, full_at: int
) -> None:
    """The disk fills up while the first, second or third feed is written: every
    previous feed is kept, not just the one being written."""
    real_write = os.write
    seen: list[str] = []

    def write(descriptor: int, data: bytes | memoryview) -> int:
        if not _is_temporary(descriptor):
            return real_write(descriptor, data)
        name = os.readlink(f"/proc/self/fd/{descriptor}")
        if name not in seen:
            seen.append(name)
        if len(seen) >= full_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    code, stderr = _export(tmp_path / "out")
    assert code == 1
    line = _one_line(stderr)
    assert line.startswith("nothing written: cannot write ")
    assert line.endswith(": No space left on device")
    assert len(seen) == full_at
    assert _folder(tmp_path / "out") == previous  # no temp file, no lock file either


def test_disk_full_at_fsync_keeps_previous_feeds(
    tmp_path: Path, previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems report a full disk only when the data is flushed."""
    real_fsync = os.fsync
    calls = [0]

    def fsync(descriptor: int) -> None:
        calls[0] += 1
        if calls[0] == 2:  # the second feed: the first is already synced
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    code, stderr = _export(tmp_path / "out")
    assert code == 1
    assert "No space left on device" in _one_line(stderr)
    assert _folder(tmp_path / "out") == previous


def test_permission_denied_is_one_line_exit_1_and_keeps_previous_feeds(
    tmp_path: Path, previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder. Tests run as root, which chmod does not stop, so the
    refusal is simulated where files are created in the folder."""
    real_open = os.open
    out = tmp_path / "out"

    def read_only(path: str | Path, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if Path(path).parent == out and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    code, stderr = _export(out)
    assert code == 1
    line = _one_line(stderr)
    assert line == f"nothing written: cannot write {out / 'rss.xml'}: Permission denied"
    assert _folder(out) == previous


def test_busy_output_folder_with_wait_0_fails_at_once(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    with OutputLock(out, wait=0):
        started = time.monotonic()
        code, stderr = _export(out, "--wait", "0")
        elapsed = time.monotonic() - started
    assert code == 1
    line = _one_line(stderr)
    assert line.startswith("feed-exporter export: error: another export (process ")
    assert f"is writing to {out}" in line and "--wait" in line
    assert elapsed < 2
    assert _folder(out) == previous


def test_busy_output_folder_gives_up_after_the_wait(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    with OutputLock(out, wait=0):
        started = time.monotonic()
        code, stderr = _export(out, "--wait", "0.6")
        elapsed = time.monotonic() - started
    assert code == 1 and "after waiting 0.6 s" in _one_line(stderr)
    assert 0.55 < elapsed < 10  # 0.6 s on an idle machine: the upper bound catches a hang
    assert _folder(out) == previous


def test_second_export_waits_for_the_first_and_then_writes(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    holder = OutputLock(out, wait=0)
    holder.acquire()
    timer = threading.Timer(0.5, holder.release)
    timer.start()
    started = time.monotonic()
    try:
        code, stderr = _export(out, "--wait", "10")
    finally:
        timer.join()
    assert code == 0, stderr
    assert time.monotonic() - started >= 0.45
    written = _folder(out)
    assert sorted(written) == sorted(FILES)  # the lock file is gone
    assert all(written[name] != previous[name] for name in FILES)
    assert LOCK_NAME not in written


def test_standard_output_takes_no_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputLock(out, wait=0):
        result = CliRunner().invoke(
            cli,
            ["export", str(SEED), "--config", str(REPO / "feed.toml"), "--out", str(out),
             "-f", "json", "--output", "-", "--wait", "0"],
            env={"FEED_EXPORTER_CACHE_DIR": str(tmp_path / "cache")},
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"{")
