"""A stage stopwatch for the pipeline, so the benchmark can say where time goes.

`with stage("load"):` adds the wall time of the block to that stage's total;
`with stage("load") as timer: timer.add(len(records))` also counts what the
stage handled. Put one stage around a loop, never one per record: the cost is
two `perf_counter()` calls and a dict update per block. Nested stages are
timed independently (an outer stage includes its inner ones). Work done in
worker processes is timed there and handed back with `add_seconds`.

The totals live in this process only. When the environment variable
FEED_EXPORTER_TIMINGS names a file, the CLI calls `dump_if_requested()` at
exit and the totals are written there as JSON; otherwise nothing happens.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import TracebackType
from typing import Any

ENVIRONMENT_VARIABLE = "FEED_EXPORTER_TIMINGS"

_seconds: dict[str, float] = {}
_counts: dict[str, int] = {}
_started = time.perf_counter()


class Stage:
    """One timed block; `add(n)` counts items (records, files, bytes) for its stage."""

    __slots__ = ("_start", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._start = 0.0

    def __enter__(self) -> Stage:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Time spent before an exception is still time spent: always recorded.
        elapsed = time.perf_counter() - self._start
        _seconds[self.name] = _seconds.get(self.name, 0.0) + elapsed

    def add(self, count: int = 1) -> None:
        _counts[self.name] = _counts.get(self.name, 0) + count


def stage(name: str) -> Stage:
    """A context manager that adds the block's wall time to stage `name`."""
    return Stage(name)


def count(name: str, amount: int = 1) -> None:
    """Count items for stage `name` without timing anything."""
    _counts[name] = _counts.get(name, 0) + amount


def add_seconds(name: str, seconds: float, amount: int = 0) -> None:
    """Add time measured elsewhere, e.g. returned by a worker process.

    Worker seconds summed over several processes can exceed the wall time:
    wrap the parallel loop in a `stage` of its own to keep the wall time too.
    """
    _seconds[name] = _seconds.get(name, 0.0) + seconds
    if amount:
        _counts[name] = _counts.get(name, 0) + amount


def report() -> dict[str, float]:
    """Seconds per stage, in the order the stages first ran."""
    return dict(_seconds)


def counts() -> dict[str, int]:
    """Items counted per stage."""
    return dict(_counts)


def snapshot() -> dict[str, Any]:
    """Everything `dump_if_requested` writes: stages, counts and process time so far."""
    return {
        "stages": report(),
        "counts": counts(),
        "elapsed": time.perf_counter() - _started,
    }


def reset() -> None:
    """Forget all totals (for tests, or a long-lived process timing several runs)."""
    global _started
    _seconds.clear()
    _counts.clear()
    _started = time.perf_counter()


def dump_if_requested() -> Path | None:
    """Write `snapshot()` as JSON to the file FEED_EXPORTER_TIMINGS names, if any.

    Returns the file written, or None when not requested or not writable:
    timings are a diagnostic and must never change the command's outcome.
    """
    target = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if not target:
        return None
    path = Path(target)
    try:
        path.write_text(json.dumps(snapshot(), indent=2) + "\n", encoding="utf-8")
    except OSError:
        return None
    return path
