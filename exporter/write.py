"""Atomic file writes: readers see the previous file or the new one, never a part.

The bytes go to a temporary file in the same folder (same file system, so
`os.replace` is an atomic rename), are fsynced, then renamed over the target and
the folder entry is fsynced. Temporary names carry the writer's pid
(`.rss.xml.<pid>.tmp`) so a later run can remove leftovers of a killed one.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path


def temp_path(target: Path, pid: int | None = None) -> Path:
    return target.with_name(f".{target.name}.{os.getpid() if pid is None else pid}.tmp")


class AtomicFile:
    """A file written in pieces that appears at `target` whole or not at all.

    `write()` appends to a temporary file in the target's folder; `commit()`
    fsyncs and renames it over the target; `abort()` (or leaving the `with`
    block on an exception) removes it. Used to stream feeds too large to hold
    in memory.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = temp_path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        self._handle = open(self.temporary, "wb")  # noqa: SIM115 - closed in commit/abort
        self.size = 0

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        self.size += len(data)

    def commit(self) -> None:
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.replace(self.temporary, self.target)
        except BaseException:
            self.abort()
            raise
        _fsync_folder(self.target.parent)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(OSError):
            self.temporary.unlink()

    def abort_unless_committed(self) -> None:
        if not self._handle.closed:
            self.abort()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self.abort_unless_committed()


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data` atomically; raises OSError if it cannot."""
    with AtomicFile(target) as output:
        output.write(data)
        output.commit()


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
        if match is None or _running(int(match.group(1))):
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
