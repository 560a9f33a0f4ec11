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


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data` atomically; raises OSError if it cannot."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    temporary = temp_path(target)
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(target.parent)


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
