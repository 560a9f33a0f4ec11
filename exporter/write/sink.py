"""Where a feed's bytes go while it is streamed, and the one error writing raises.

A feed is written into a temporary file beside its target and renamed over it
only when every feed of the run is complete (`exporter.write.atomic.AtomicFile`),
or into a spooled buffer when it goes to standard output. A feed whose bytes
equal the file already there is not renamed over it: the file keeps its mtime,
so CDNs and `If-Modified-Since` see no change (bytes are compared only when
the sizes agree). Every OSError on the way leaves
as `WriteFailed`, naming the file it was meant for.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, BinaryIO

from exporter.interrupts import interrupts_deferred, mark_written
from exporter.write.atomic import AtomicFile, sync_folders

_COMPARE = 8 << 20  # bytes compared (or copied through this process) per read


class WriteFailed(Exception):
    """An OSError while writing one feed, with the file it was meant for."""

    def __init__(self, target: object, error: OSError) -> None:
        super().__init__(f"{target}: {error}")
        self.target = target
        self.reason = error.strerror or str(error)
        # A path that cannot hold the feeds (a usage error), rather than a full
        # disk, a permission or an I/O error (a failure to write).
        self.wrong_path = error.errno in (errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG)


def signature(target: Path) -> list[int] | None:
    """What identifies one version of a file without reading it: device, inode,
    size, mtime and change time (any write, and any mtime reset, moves the
    change time)."""
    try:
        info = os.stat(target)
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _same_bytes(target: Path, written: AtomicFile, size: int) -> bool:
    """`target` holds exactly the `size` bytes written so far (compared only when
    the sizes agree, which an edit rarely leaves)."""
    try:
        if os.stat(target).st_size != size:
            return False
        with open(target, "rb") as existing:
            offset = 0
            while offset < size:
                chunk = existing.read(_COMPARE)
                if not chunk or chunk != written.read(offset, len(chunk)):
                    return False
                offset += len(chunk)
            return not existing.read(1)
    except OSError:
        return False


class Sink:
    """Where one feed's bytes go while it is streamed: a temporary file beside the
    target (renamed over it on delivery unless the target already holds the same
    bytes), or a spooled buffer for standard output. Every OSError leaves as
    WriteFailed naming the target."""

    def __init__(self, target: Path | None) -> None:
        self.target = target
        self.size = 0
        self.kept = False  # delivered by keeping the identical file already there
        try:
            self._file = AtomicFile(target) if target is not None else None
        except OSError as error:
            raise WriteFailed(target, error) from error
        self._buffer: IO[bytes] | None = None
        if target is None:  # closed in close(); spills to disk past 64 MiB
            self._buffer = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115

    def write(self, data: bytes) -> None:
        try:
            if self._file is not None:
                self._file.write(data)
            elif self._buffer is not None:
                self._buffer.write(data)
        except OSError as error:
            raise WriteFailed(self.target or "standard output", error) from error
        self.size += len(data)

    def copy_from(self, source: int, offset: int, length: int) -> None:
        """Append `length` bytes of the open file `source` from `offset` (runs of
        entries unchanged since the previous export, copied by the kernel)."""
        try:
            if self._file is not None:
                self._file.copy_from(source, offset, length)
                self.size += length
                return
        except OSError as error:
            raise WriteFailed(self.target, error) from error
        end = offset + length
        while offset < end:
            data = os.pread(source, min(end - offset, _COMPARE), offset)
            if not data:
                raise WriteFailed("standard output", OSError(errno.EIO, "the source ended early"))
            self.write(data)
            offset += len(data)

    def prepare(self) -> None:
        """Write the temporary file through to disk; the target is still untouched."""
        if self._file is None or self.target is None:
            return
        if _same_bytes(self.target, self._file, self.size):
            self._file.abort()
            self.kept = True
            return
        try:
            self._file.prepare()
        except OSError as error:
            raise WriteFailed(self.target, error) from error

    def deliver(self, stdout: BinaryIO | None) -> None:
        """Rename into place; the folder is synced by `deliver_all`."""
        try:
            if self._file is not None and not self.kept:
                self._file.commit(sync_folder=False)
            elif self._buffer is not None and stdout is not None:
                self._buffer.seek(0)
                shutil.copyfileobj(self._buffer, stdout)
        except OSError as error:
            raise WriteFailed(self.target or "standard output", error) from error

    def close(self) -> None:
        """Drop whatever was not delivered (a no-op after a commit)."""
        if self._file is not None:
            self._file.abort_unless_committed()
        if self._buffer is not None:
            self._buffer.close()


def open_sink(target: Path | None, sinks: list[Sink]) -> Sink:
    """A new sink for `target`, appended to `sinks`, whose owner closes every
    one of them. Ctrl-C between creating the temporary file and listing its sink
    would leave the file behind, so it waits for both (issue 13)."""
    with interrupts_deferred():
        sinks.append(Sink(target))
    return sinks[-1]


def close_all(sinks: Sequence[Sink]) -> None:
    """Remove every temporary file not delivered; Ctrl-C waits until all are gone."""
    with interrupts_deferred():
        for sink in sinks:
            sink.close()


def deliver_all(sinks: Sequence[Sink], stdout: BinaryIO | None) -> None:
    """Every feed is fsynced before the first rename, so a full disk or an I/O
    error at this last step still leaves all previous feeds untouched."""
    for sink in sinks:
        sink.prepare()
    # Ctrl-C before this point leaves every previous feed (the temporary files
    # are removed as the sinks close); during the renames it waits for them.
    with interrupts_deferred():
        for sink in sinks:
            sink.deliver(stdout)
        sync_folders(s.target.parent for s in sinks if s.target is not None and not s.kept)
        if stdout is not None:
            stdout.flush()
        mark_written()
