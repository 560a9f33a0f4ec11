"""Write failures (disk full, permission denied, I/O errors) leave every previous
feed byte for byte as it was, and no temporary file behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from exporter.write.atomic import AtomicFile, temp_path
from exporter.write.sink import Sink, WriteFailed, deliver_all

NAMES = ("rss.xml", "atom.xml", "feed.json")


def _previous(folder: Path) -> dict[str, bytes]:
    folder.mkdir(exist_ok=True)
    versions = {name: f"previous {name}\n".encode() * 100 for name in NAMES}
    for name, data in versions.items():
        (folder / name).write_bytes(data)
    return versions


def write_atomic(target: Path, data: bytes) -> None:
    with AtomicFile(target) as file:
        file.write(data)
        file.commit()


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def _disk_fills_after(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write succeeds for `limit` bytes in total, then fails like a full disk."""
    real_write = os.write
    budget = [limit]

    def write(descriptor: int, data: bytes | memoryview) -> int:
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        chunk = bytes(data[: budget[0]])
        budget[0] -= len(chunk)
        return real_write(descriptor, chunk)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("limit", [0, 150, 2500, 5000])
def test_disk_full_while_writing_any_feed_leaves_all_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """The disk fills up in the first, second or third file: nothing is replaced."""
    before = _previous(tmp_path)
    _disk_fills_after(limit, monkeypatch)
    sinks: list[Sink] = []
    with pytest.raises(WriteFailed) as raised:
        for name in NAMES:
            sinks.append(Sink(tmp_path / name))
            sinks[-1].write(b"new " * 500)
        deliver_all(sinks, None)
    for sink in sinks:
        sink.close()
    assert isinstance(raised.value.__cause__, OSError)
    assert raised.value.__cause__.errno == errno.ENOSPC
    assert _contents(tmp_path) == before


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    write_atomic(tmp_path / "feed.json", b"0123456789" * 100)
    assert (tmp_path / "feed.json").read_bytes() == b"0123456789" * 100


def test_fsync_error_in_the_last_file_keeps_every_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deliver_all fsyncs every file before the first rename."""
    before = _previous(tmp_path)
    sinks = [Sink(tmp_path / name) for name in NAMES]
    for sink in sinks:
        sink.write(b"new")
    real_fsync = os.fsync
    calls = [0]

    def fsync(descriptor: int) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(WriteFailed):
        deliver_all(sinks, None)
    for sink in sinks:
        sink.close()
    assert _contents(tmp_path) == before


def test_a_feed_with_the_bytes_already_there_is_left_alone(tmp_path: Path) -> None:
    """Same bytes: the file keeps its inode and mtime (CDNs, If-Modified-Since)."""
    before = _previous(tmp_path)
    os.utime(tmp_path / "rss.xml", ns=(10**9, 10**9))
    inode = (tmp_path / "rss.xml").stat().st_ino
    sinks = [Sink(tmp_path / name) for name in NAMES]
    sinks[0].write(before["rss.xml"])
    sinks[1].write(b"new atom")
    sinks[2].write(before["feed.json"][:-1])  # one byte shorter
    deliver_all(sinks, None)
    for sink in sinks:
        sink.close()
    assert [sink.kept for sink in sinks] == [True, False, False]
    assert (tmp_path / "rss.xml").stat().st_mtime_ns == 10**9
    assert (tmp_path / "rss.xml").stat().st_ino == inode
    assert _contents(tmp_path) == {
        "rss.xml": before["rss.xml"], "atom.xml": b"new atom", "feed.json": before["feed.json"][:-1]
    }  # fmt: skip


def test_permission_denied_for_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, where a read-only folder does not stop writes: the
    refusal is simulated at the one place a feed file is created."""
    before = _previous(tmp_path)
    real_open = os.open

    def refuse(path: object, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError):
        write_atomic(tmp_path / "rss.xml", b"new")
    assert _contents(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_for_real(tmp_path: Path) -> None:
    before = _previous(tmp_path)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            write_atomic(tmp_path / "rss.xml", b"new")
    finally:
        tmp_path.chmod(0o755)
    assert _contents(tmp_path) == before


def test_a_symlink_planted_at_the_temporary_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    out = tmp_path / "out"
    out.mkdir()
    temp_path(out / "rss.xml").symlink_to(victim)
    write_atomic(out / "rss.xml", b"feed")
    assert victim.read_bytes() == b"keep me"
    assert _contents(out) == {"rss.xml": b"feed"}


def test_an_open_temporary_file_of_this_process_is_not_a_leftover(tmp_path: Path) -> None:
    """Only dead writers' files are removed: a second writer for the same target in
    this process fails instead of deleting the first one's file under it."""
    with AtomicFile(tmp_path / "rss.xml") as first:
        first.write(b"first")
        with pytest.raises(FileExistsError):
            AtomicFile(tmp_path / "rss.xml")
        first.commit()
    assert _contents(tmp_path) == {"rss.xml": b"first"}


def test_writing_after_commit_is_refused(tmp_path: Path) -> None:
    file = AtomicFile(tmp_path / "rss.xml")
    file.write(b"a")
    file.commit()
    with pytest.raises(ValueError, match="no longer open"):
        file.write(b"b")
    assert (tmp_path / "rss.xml").read_bytes() == b"a"
