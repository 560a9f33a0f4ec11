"""Bytes to text with bounds: the one place a file is opened.

Refuses what is not a regular file (a FIFO would block forever), files over the
size bound (checked before and while reading), binary data and invalid UTF-8,
each as a Problem naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from exporter.problems import Problem

_SURROGATES = re.compile("[\ud800-\udfff]")
# Control characters no text file holds: decoded "UTF-16" with them was binary.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SURROGATE_MESSAGE = (
    "contains a lone UTF-16 surrogate escape (such as \\ud800), which is not a character"
)


def has_surrogate(text: str) -> bool:
    """Escapes such as "\\ud800" in JSON or YAML make strings no encoder can write."""
    return _SURROGATES.search(text) is not None


def _problem(path: str, rule: str, message: str, line: int | None = None) -> Problem:
    return Problem(path=path, rule=rule, message=message, line=line)


def open_for_reading(path: str | Path) -> tuple[io.BufferedReader, os.stat_result]:
    """Open `path` and stat what was opened, never blocking.

    Stat-then-open by name races: a FIFO swapped in between would make `open`
    block forever. O_NONBLOCK makes opening a FIFO return at once (regular files
    ignore the flag); callers decide from the returned fstat, which describes
    exactly the file they hold, and refuse anything not regular. Raises OSError."""
    descriptor, info = _open_descriptor(path)
    try:
        return os.fdopen(descriptor, "rb"), info
    except BaseException:
        os.close(descriptor)
        raise


_NOT_REGULAR = "not a regular file (a folder, FIFO, socket or device)"


def read_bytes(path: Path, max_bytes: int) -> bytes | Problem:
    name = str(path)
    try:
        descriptor, info = _open_descriptor(name)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket: there is nothing to open
            return _problem(name, "unreadable", _NOT_REGULAR)
        return _problem(name, "unreadable", f"cannot read: {error.strerror or error}")
    try:
        if not stat.S_ISREG(info.st_mode):
            return _problem(name, "unreadable", _NOT_REGULAR)
        if info.st_size > max_bytes:
            return _too_large(name, info.st_size, max_bytes)
        chunks: list[bytes] = []
        complete = _read_regular(descriptor, info.st_size, max_bytes, chunks.append)
    except OSError as error:
        return _problem(name, "unreadable", f"cannot read: {error.strerror or error}")
    finally:
        os.close(descriptor)
    return b"".join(chunks) if complete else _too_large(name, None, max_bytes)


def _open_descriptor(path: str | Path) -> tuple[int, os.stat_result]:
    """The descriptor behind `open_for_reading`, for the hot paths that read a
    whole (small) file at once without a buffered file object. Raises OSError."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISREG(info.st_mode):
            os.set_blocking(descriptor, True)
        return descriptor, info
    except BaseException:
        os.close(descriptor)
        raise


def _read_regular(
    descriptor: int, size: int, max_bytes: int, take: Callable[[bytes], object]
) -> bool:
    """Hand every chunk of a regular file to `take`; False when it holds more
    than `max_bytes` (it may have grown since it was stat'ed)."""
    total = 0
    want = max(min(size, max_bytes) + 1, 1 << 16)
    while chunk := os.read(descriptor, want):
        total += len(chunk)
        if total > max_bytes:
            return False
        take(chunk)
    return True


def read_stream(handle: BinaryIO, name: str, max_bytes: int) -> bytes | Problem:
    return _read_bounded(handle, name, max_bytes)


def read_limited(stream: BinaryIO, limit: int) -> bytes | None:
    """At most `limit` bytes from a stream; None when there are more."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def _read_bounded(handle: BinaryIO, name: str, max_bytes: int) -> bytes | Problem:
    data = read_limited(handle, max_bytes)
    return _too_large(name, None, max_bytes) if data is None else data


def _too_large(name: str, size: int | None, max_bytes: int) -> Problem:
    shown = f"{size:,} bytes" if size is not None else f"more than {max_bytes:,} bytes"
    return _problem(
        name,
        "too-large",
        f"file is {shown}, over the {max_bytes:,}-byte limit (raise it with --max-file-size)",
    )


def decode(data: bytes, name: str) -> str | Problem:
    """UTF-8 (a byte-order mark is dropped), newlines normalised to \\n.

    A file with nothing but whitespace in it is empty, whatever its kind. That is
    whitespace as `str.isspace` sees it (Unicode spaces, and U+001C to U+001F too),
    after the byte-order mark is dropped: the JSON Lines reader skips lines of it,
    so such a .jsonl file would otherwise give no record and no problem at all."""
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            text = "\x00"
        if _CONTROLS.search(text) is not None:
            return _problem(name, "binary", "file is binary (contains NUL bytes), not text")
        return _checked_text(text.removeprefix("\ufeff"), name)
    if b"\x00" in data:
        return _problem(name, "binary", "file is binary (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return _problem(
            name,
            "encoding",
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            line,
        )
    return _checked_text(text, name)


def _checked_text(text: str, name: str) -> str | Problem:
    if not text or text.isspace():  # stops at the first other character: no copy
        return _problem(name, "empty-file", "file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (as Windows editors save "Unicode"), by its byte-order
    mark or, without one, by where the NUL bytes of ASCII text fall; None for
    anything else. Decoding them is safe: they are read strictly, and any NUL
    left after decoding makes the file refused. Issue 13."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding
    if b"\x00" not in data[:4] or len(data) % 2:
        return None
    head = data[:4096]
    for width, encoding, nul_at in ((4, "utf-32-le", (1, 2, 3)), (4, "utf-32-be", (0, 1, 2))):
        if len(data) % width == 0 and all(head[i] == 0 for i in nul_at):
            return encoding
    if head[1] == 0 and head[0] != 0:
        return "utf-16-le"
    if head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def file_digest(name: str, max_bytes: int) -> str | None:
    """SHA-256 of a regular file within the size bound; None when it must be
    checked afresh (special files, oversize, unreadable: the checker reports it).
    Read with plain descriptor calls: hashlib.file_digest allocates a 256 KiB
    buffer per file, which made hashing 10,000 small inputs cost ~3x more."""
    try:
        descriptor, info = _open_descriptor(name)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        complete = _read_regular(descriptor, info.st_size, max_bytes, digest.update)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return digest.hexdigest() if complete else None
