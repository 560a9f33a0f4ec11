"""Where the produce stage runs: this machine's process pool, or a Dask cluster.

The pipeline is the same for both: an engine checks the inputs and makes their
fragments (`produce`), makes the fragments the plan needs and nobody made yet
(`render_missing`), and the feeds' heads. The Dask engine lives in
`exporter.export.cluster` and is imported only when asked for, so a local
export never imports Dask (an optional extra).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from exporter.collect import Collection
from exporter.config import FeedConfig
from exporter.export.fragments import Entry, Fragment
from exporter.export.produce import HeadJob, RenderSpec, produce, render_heads, render_missing

__all__ = ["Engine", "EngineUnavailable", "LocalEngine", "Progress", "open_engine"]
from exporter.export.request import ExportRequest
from exporter.export.store import Cache
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN
from exporter.workers import worker_pool

# A --limit below this share of the inputs renders only the chosen records, in
# a second round (10,000 records, --limit 50: 4.6 s instead of 7.0 s cold).
_RENDER_LATER_SHARE = 0.5

Progress = Callable[[int, int], None]


class EngineUnavailable(Exception):
    """The engine cannot start: its extra is not installed, or its cluster is
    out of reach. The message is one line for the user."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage  # a wrong flag or a missing extra (exit 2), not a failed run


class Engine(Protocol):
    def produce(
        self,
        inputs: list[str],
        load: LoadSettings,
        spec: RenderSpec,
        cache: Cache,
        progress: Progress | None,
    ) -> Collection[Entry]:
        """Every input checked and merged in input order, its fragments in
        `cache` or left for `render_missing`. `accepted` may leave out valid
        records no feed can show; they are counted in `held_back`."""
        ...

    def render_missing(
        self, entries: Sequence[Entry], load: LoadSettings, spec: RenderSpec, cache: Cache
    ) -> list[str]:
        """Put the fragments of `entries` in `cache`; the files that changed
        since they were checked."""
        ...

    def render_heads(self, heads: Sequence[HeadJob]) -> list[Fragment]: ...


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """This machine: `jobs` processes (none when 1), started when first needed."""

    jobs: int
    pool: Executor | None

    def produce(
        self,
        inputs: list[str],
        load: LoadSettings,
        spec: RenderSpec,
        cache: Cache,
        progress: Progress | None,
    ) -> Collection[Entry]:
        ahead = spec if _renders_ahead(spec, inputs) else None
        return produce(
            inputs, load, ahead, cache, jobs=self.jobs, pool=self.pool, progress=progress
        )

    def render_missing(
        self, entries: Sequence[Entry], load: LoadSettings, spec: RenderSpec, cache: Cache
    ) -> list[str]:
        return render_missing(entries, load, spec, cache, jobs=self.jobs, pool=self.pool)

    def render_heads(self, heads: Sequence[HeadJob]) -> list[Fragment]:
        return render_heads(heads, self.pool)


def _renders_ahead(spec: RenderSpec, inputs: Sequence[str]) -> bool:
    """Render while checking, unless a --limit well below the number of inputs
    makes rendering only the chosen records cheaper (standard input cannot be
    read twice, so its records are always rendered at once)."""
    limit = spec.selection.limit
    if limit is None or STDIN in inputs:
        return True
    return limit >= len(inputs) * _RENDER_LATER_SHARE


@contextmanager
def open_engine(request: ExportRequest, feed: FeedConfig) -> Iterator[Engine]:
    """The engine `request` asks for, running until the block ends.
    EngineUnavailable when it cannot start."""
    if request.engine == "local":
        with worker_pool(request.jobs) as pool:
            yield LocalEngine(request.jobs, pool)
        return
    try:
        cluster = importlib.import_module("exporter.export.cluster")
    except ImportError as error:
        raise EngineUnavailable(
            f"--engine dask needs Dask ({error.name or 'dask'} is not installed): "
            "pip install 'feed-exporter[dask]'",
            usage=True,
        ) from None
    opened: AbstractContextManager[Engine] = cluster.open_cluster(request, feed)
    with opened as engine:
        yield engine
