"""Reading and hashing whole files through plain descriptor calls: same bytes and
digests as reading them the ordinary way, and the same refusals."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from exporter.load import text
from exporter.problems import Problem


@pytest.mark.parametrize("size", [0, 1, 4095, 65536, 65537, 3 * 65536 + 5])
def test_bytes_and_digest_equal_the_ordinary_read(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    assert text.read_bytes(path, 1 << 20) == path.read_bytes()
    assert text.file_digest(str(path), 1 << 20) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_over_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 1001)
    refused = text.read_bytes(path, 1000)
    assert isinstance(refused, Problem) and refused.rule == "too-large"
    assert text.file_digest(str(path), 1000) is None
    assert text.file_digest(str(path), 1001) is not None


def test_a_file_that_grew_after_its_stat_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grew.md"
    path.write_bytes(b"y" * 5000)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        taken: list[bytes] = []
        # stat'ed at 100 bytes, bound 1000: the read notices the 5,000
        assert not text._read_regular(descriptor, 100, 1000, taken.append)
    finally:
        os.close(descriptor)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_are_never_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)  # opening it for reading must not block
    refused = text.read_bytes(fifo, 1000)
    assert isinstance(refused, Problem) and refused.rule == "unreadable"
    assert text.file_digest(str(fifo), 1000) is None
    assert text.file_digest(str(tmp_path), 1000) is None
    assert text.file_digest(str(tmp_path / "missing.md"), 1000) is None
