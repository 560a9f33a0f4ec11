"""A stage stopwatch for the pipeline, so the benchmark can say where time goes.

`with stage("load"):` adds the wall time of the block to that stage's total;
`count("entries rendered", n)` counts what a stage made. Put one stage around
a loop, never one per record: the cost is two `perf_counter()` calls and a
dict update per block. Nested stages are timed independently (an outer stage
includes its inner ones). Work done in worker processes is counted where its
results arrive.

The totals live in this process only. When the environment variable
FEED_EXPORTER_TIMINGS names a file, the CLI calls `dump_if_requested()` at
exit and the totals are written there as JSON; otherwise nothing happens.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

ENVIRONMENT_VARIABLE = "FEED_EXPORTER_TIMINGS"

_seconds: dict[str, float] = {}
_counts: dict[str, int] = {}
_counting = threading.Lock()
_started = time.perf_counter()


class Stage:
    """One timed block."""

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


def stage(name: str) -> Stage:
    """A context manager that adds the block's wall time to stage `name`."""
    return Stage(name)


def count(name: str, amount: int = 1) -> None:
    """Count items for stage `name` without timing anything (from any thread)."""
    with _counting:
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
