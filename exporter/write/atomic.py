"""Atomic file writes: readers see the previous file or the new one, never a part.

The bytes go to a temporary file in the same folder (same file system, so
`os.replace` is an atomic rename), are fsynced, then renamed over the target and
the folder entry is fsynced. Temporary names carry the writer's pid
(`.rss.xml.<pid>.tmp`) so a later run can remove leftovers of a killed one.

Several feeds are committed together (`exporter.write.sink`): every temporary
file is written and fsynced before the first rename, so a full disk or a
permission or I/O error leaves every previous feed untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterable
from pathlib import Path

# Created exclusively and never through a symbolic link planted at its name.
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
# copy_file_range is not for every pair of files (or every kernel): then copy here.
_NO_KERNEL_COPY = frozenset({errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL})
# Temporary files of this process still being written: never a "leftover".
_OPEN: set[Path] = set()


def temp_path(target: Path, pid: int | None = None) -> Path:
    return target.with_name(f".{target.name}.{os.getpid() if pid is None else pid}.tmp")


class AtomicFile:
    """A file written in pieces that appears at `target` whole or not at all.

    `write()` appends to a temporary file in the target's folder; `prepare()`
    fsyncs and closes it (the target is still untouched); `commit()` prepares
    and renames it over the target; `abort()` (or leaving the `with` block
    without a commit) removes it. Every failure is an OSError, after which the
    target is as it was. Used to stream feeds too large to hold in memory.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = temp_path(target)
        self.size = 0
        self.committed = False
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        self._descriptor: int | None = os.open(self.temporary, _TEMP_FLAGS, 0o666)
        _OPEN.add(self.temporary)

    def write(self, data: bytes) -> None:
        descriptor = self._open()
        view = memoryview(data)
        while view:  # os.write may write less than asked (signals, pipes, quotas)
            view = view[os.write(descriptor, view) :]
        self.size += len(data)

    def copy_from(self, source: int, offset: int, length: int) -> None:
        """Append `length` bytes of the file open at `source` from `offset`,
        copied by the kernel (no trip through this process) where it can."""
        descriptor = self._open()
        copied = 0
        try:
            while copied < length:
                done = os.copy_file_range(source, descriptor, length - copied, offset + copied)
                if done == 0:
                    raise OSError(errno.EIO, f"the source ended {length - copied} bytes early")
                copied += done
        except OSError as error:
            if error.errno not in _NO_KERNEL_COPY or copied:
                raise
            while copied < length:  # another file system: through this process
                data = os.pread(source, min(length - copied, 8 << 20), offset + copied)
                if not data:
                    raise OSError(errno.EIO, "the source ended early") from error
                self.write(data)
                copied += len(data)
            return
        self.size += length

    def read(self, offset: int, length: int) -> bytes:
        """Bytes written so far (to compare them with the target)."""
        return os.pread(self._open(), length, offset)

    def _open(self) -> int:
        if self._descriptor is None:
            raise ValueError(f"{self.temporary} is no longer open for writing")
        return self._descriptor

    def prepare(self) -> None:
        """Make the bytes durable in the temporary file and close it."""
        descriptor = self._descriptor
        if descriptor is None:
            return
        self._descriptor = None
        try:
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except BaseException:
            self.abort()
            raise

    def commit(self, sync_folder: bool = True) -> None:
        """Rename over the target; `sync_folder=False` leaves making the rename
        durable to the caller (`sync_folders`), who renames many files at once."""
        if self.committed:
            return
        self.prepare()
        try:
            os.replace(self.temporary, self.target)
        except BaseException:
            self.abort()
            raise
        self.committed = True
        _OPEN.discard(self.temporary)
        if sync_folder:
            _fsync_folder(self.target.parent)

    def abort(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)
        with contextlib.suppress(OSError):
            self.temporary.unlink()
        _OPEN.discard(self.temporary)

    def abort_unless_committed(self) -> None:
        if not self.committed:
            self.abort()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self.abort_unless_committed()


def remove_leftovers(target: Path) -> list[Path]:
    """Delete temp files for `target` left by writers that are no longer running."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.tmp$")
    removed: list[Path] = []
    try:
        candidates = list(target.parent.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        match = pattern.match(candidate.name)
        if match is None or candidate in _OPEN or _running(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftover from an earlier failed attempt
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except (OSError, OverflowError):
        return False
    return True


def sync_folders(folders: Iterable[Path]) -> None:
    """Make the renames into each folder durable, once per folder."""
    for folder in dict.fromkeys(folders):
        _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (not supported on every platform)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
