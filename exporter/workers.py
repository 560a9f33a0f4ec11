"""Process pools for a run: started when first needed, never outliving the exporter.

Pool processes are forked from this one when the first task is submitted. A
pool started after 100,000 articles are in memory would begin as a copy of all
of them (CPython's garbage collector writes to every object it visits, so
copy-on-write does not keep that memory shared); the export's parent never
holds articles, only small summaries, so its workers stay small. An unchanged
re-export never needs them and forks nothing.

A worker blocks on its task queue; if the exporter is killed (SIGKILL runs no
cleanup) it would wait there forever. Each worker watches its parent and exits
when it is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

# What a run says when a worker process was killed under it (BrokenProcessPool).
WORKER_DIED = (
    "a worker process was killed before the run finished (out of memory, or a signal); "
    "run again, or with fewer --jobs"
)


def _start_worker(parent: int) -> None:
    """Ctrl-C reaches every process of the terminal's process group: the parent
    alone handles it (it cancels the work and exits 130); a worker that raised
    KeyboardInterrupt too would print a traceback and break the pool. Workers
    are forked with SIGINT blocked (`_Pool.submit`): ignore it, then unblock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _leave_with_parent(parent)


def _leave_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Ctrl-C waits while the block runs (only the main thread receives it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _Pool(ProcessPoolExecutor):
    """The workers are forked at the first submit. A KeyboardInterrupt half-way
    through that would leave forked workers the pool does not know about, and
    Python's exit would wait for them forever; a worker forked while SIGINT is
    deliverable could die of it before ignoring it. So SIGINT is held back
    while tasks are submitted: it arrives once the pool is whole."""

    def submit(
        self, fn: Callable[..., Result], /, *args: object, **kwargs: object
    ) -> Future[Result]:
        with _sigint_held():
            return super().submit(fn, *args, **kwargs)


def new_pool(jobs: int) -> ProcessPoolExecutor:
    return _Pool(max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(),))


class LazyPool(Executor):
    """A pool of processes started at its first task: a run that finds nothing
    to check or render (an unchanged re-export) forks nothing. What the parent
    holds by then is small (summaries of the records, never their articles)."""

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def submit(
        self, fn: Callable[..., Result], /, *args: object, **kwargs: object
    ) -> Future[Result]:
        if self._pool is None:
            self._pool = new_pool(self._jobs)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        # Interrupted or failed: drop the queued work instead of finishing it.
        self.shutdown(wait=True, cancel_futures=kind is not None)


@contextmanager
def worker_pool(jobs: int) -> Iterator[Executor | None]:
    """A pool of `jobs` processes (started when first used), or None when the
    run is single-process."""
    if jobs <= 1:
        yield None
        return
    with LazyPool(jobs) as pool:
        yield pool


Task = TypeVar("Task")
Result = TypeVar("Result")


def ordered_map(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    jobs: int,
    pool: Executor | None = None,
    ahead: int = 2,
) -> Iterator[Result]:
    """`map(function, tasks)` in `jobs` processes (the run's `pool` if it has one),
    results in task order; at most `ahead` tasks per process are in flight, so
    results never pile up in memory."""
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(new_pool(jobs))
        window: deque[Future[Result]] = deque()
        try:
            for task in tasks:
                window.append(pool.submit(function, task))
                if len(window) >= jobs * ahead:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BaseException:  # Ctrl-C, or a failure: what has not started never will
            for future in window:
                future.cancel()
            raise
