"""One process pool per export, created before any record is loaded.

Pool processes are forked from this one when the first task is submitted. A
pool started after 100,000 articles are in memory would begin as a copy of all
of them (CPython's garbage collector writes to every object it visits, so
copy-on-write does not keep that memory shared); started first, its workers
stay small and hold only the batch they work on.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def worker_pool(jobs: int) -> Iterator[Executor | None]:
    """A pool of `jobs` processes, or None when the run is single-process."""
    if jobs <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # With the fork start method every worker starts at the first task:
        # start them now, not when articles have been loaded (e.g. from the cache).
        pool.submit(int).result()
        yield pool
