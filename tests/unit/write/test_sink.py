"""Sinks: bytes copied from another file arrive whole, by the kernel or not;
a feed equal to the file already there leaves it alone, one byte different
replaces it."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from exporter.write import atomic
from exporter.write.sink import Sink, deliver_all


def _source(tmp_path: Path) -> int:
    path = tmp_path / "previous.xml"
    path.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    return os.open(path, os.O_RDONLY)


@pytest.mark.parametrize("kernel", [True, False])
def test_copied_ranges_arrive_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    if not kernel:  # another file system: copy_file_range refuses, bytes go through here

        def refuse(*args: object) -> int:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

        monkeypatch.setattr(atomic.os, "copy_file_range", refuse)
    source = _source(tmp_path)
    try:
        sink = Sink(tmp_path / "out" / "rss.xml")
        sink.write(b"<head>")
        sink.copy_from(source, 1000, 300_000)
        sink.write(b"<tail>")
        deliver_all([sink], None)
        sink.close()
    finally:
        os.close(source)
    expected = b"<head>" + (bytes(range(256)) * 4096)[1000:301_000] + b"<tail>"
    assert (tmp_path / "out" / "rss.xml").read_bytes() == expected
    assert sink.size == len(expected)


def test_copied_ranges_reach_standard_output(tmp_path: Path) -> None:
    source = _source(tmp_path)
    stdout = io.BytesIO()
    try:
        sink = Sink(None)
        sink.copy_from(source, 10, 20)
        deliver_all([sink], stdout)
        sink.close()
    finally:
        os.close(source)
    assert stdout.getvalue() == bytes(range(10, 30))


@pytest.mark.parametrize(
    ("new", "kept"), [(b"same bytes\n", True), (b"same bytez\n", False), (b"longer bytes\n", False)]
)
def test_a_feed_is_left_alone_only_if_every_byte_is_the_same(
    tmp_path: Path, new: bytes, kept: bool
) -> None:
    target = tmp_path / "atom.xml"
    target.write_bytes(b"same bytes\n")
    os.utime(target, ns=(10**9, 10**9))
    sink = Sink(target)
    sink.write(new)
    deliver_all([sink], None)
    sink.close()
    assert sink.kept is kept
    assert target.read_bytes() == new
    assert (target.stat().st_mtime_ns == 10**9) is kept
    assert [p.name for p in tmp_path.iterdir()] == ["atom.xml"]
