"""An output-folder lock, so two exports writing to one folder never interleave.

Each feed is replaced atomically, but two runs could still leave `rss.xml` from
one and `atom.xml` from the other. The run that holds the lock writes all its
files; a second run waits for it (up to `wait` seconds) or gives up with a
one-line reason.

The lock is `fcntl.flock` on `.feed-exporter.lock` in the output folder. The
kernel drops it when its holder dies, even by SIGKILL, so a crash never leaves a
stale lock. Worker processes forked while it is held (process pools) close their
copy at once, so the lock dies with the process that took it, not its children.
The file is removed on release; a leftover of a killed run is harmless (it is not
locked) and is removed by the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

LOCK_NAME = ".feed-exporter.lock"
DEFAULT_WAIT = 5.0  # seconds a second export waits for the first one
_POLL = 0.05

# Lock descriptors held by this process, closed in forked children (see above).
_HELD: set[int] = set()


def _close_inherited() -> None:
    for descriptor in _HELD:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited)


class LockBusy(Exception):
    """Another live process holds the folder's lock and did not let go in time."""

    def __init__(self, folder: Path, holder: int | None, waited: float) -> None:
        self.folder = folder
        self.holder = holder
        self.waited = waited
        who = f"process {holder}" if holder is not None else "another process"
        waiting = f"after waiting {waited:g} s" if waited > 0 else "at once (--wait 0)"
        super().__init__(
            f"another export ({who}) is writing to {folder}; gave up {waiting}: "
            "run the exports one after another, or raise --wait"
        )


class OutputLock:
    """`with OutputLock(folder, wait):` holds the folder's lock inside the block.

    Creates the folder if needed (it is never removed again: a folder that
    comes and goes races with the next run's lock).
    Raises `LockBusy` when the lock is still held after `wait` seconds, and
    `OSError` when no lock file can be created there (then no feed can be
    written there either, and the caller reports why).
    """

    def __init__(self, folder: Path, wait: float = DEFAULT_WAIT) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.wait = max(0.0, wait)
        self._descriptor: int | None = None

    def acquire(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait
        while True:
            descriptor = self._open()
            if self._try_lock(descriptor):
                if self._still_linked(descriptor):
                    break
                os.close(descriptor)  # its holder removed it on release: lock the new one
                continue
            os.close(descriptor)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockBusy(self.folder, self.holder(), self.wait)
            time.sleep(min(_POLL, remaining))
        self._descriptor = descriptor
        _HELD.add(descriptor)
        # The pid only names the holder in a waiter's message: a full disk must
        # not fail (or leak) a lock that is already held.
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        descriptor = self._descriptor
        if descriptor is None:
            return
        self._descriptor = None
        _HELD.discard(descriptor)
        # Unlink while still holding the lock; a waiter that opened this file
        # sees it is no longer linked and retries on a fresh one.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(descriptor)

    def holder(self) -> int | None:
        """The pid written by the current holder, if it can be read."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        return os.open(self.path, flags, 0o644)

    @staticmethod
    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _still_linked(self, descriptor: int) -> bool:
        try:
            current = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        held = os.fstat(descriptor)
        return (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino)

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
