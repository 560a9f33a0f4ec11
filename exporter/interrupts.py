"""Ctrl-C (SIGINT): what a run did before it, and the steps it may not cut.

A command interrupted by Ctrl-C exits 130 (128 + SIGINT, as shells report it)
with one line (`exporter.cli.main`). Export publishes its feeds with a series
of renames that must happen all together or not at all: an interrupt during
them waits until they are done, and the run then says the feeds were written.
Creating a temporary feed file and listing it for clean-up, and removing them
all, wait the same way (`exporter.write.sink`): none is ever left behind.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_CODE = 130

_written = False


def mark_written() -> None:
    """The feeds are in place: an interrupt from now on must not say "nothing written"."""
    global _written
    _written = True


def written() -> bool:
    return _written


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block to its end whatever Ctrl-C says meanwhile, then raise the
    KeyboardInterrupt it held back. Signals reach only the main thread; in any
    other the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if pending:
        raise KeyboardInterrupt
