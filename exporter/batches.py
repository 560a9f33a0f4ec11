"""Render and verify feeds in batches of entries, in worker processes if asked.

Memory then depends on the batch size, not on the number of articles, and the
batches of a large export spread over all cores. Each batch is verified with the
same rules as `feed-exporter check`, so nothing reaches a file unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime

from exporter.config import FeedConfig
from exporter.model import Article
from exporter.problems import Problem
from exporter.render import get_format
from exporter.render.pieces import Pieces, split
from exporter.verify import verify
from exporter.workers import ordered_map

# Entries per batch: small enough that a batch stays far below the 1 MB at which
# the checker warns about feed size, large enough that per-batch costs vanish.
BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class BatchJob:
    formats: tuple[str, ...]
    articles: tuple[Article, ...]
    feed: FeedConfig
    updated: datetime
    now: datetime | None


@dataclass(frozen=True, slots=True)
class RenderedBatch:
    """Per format: the pieces of the batch document and what verification found."""

    pieces: dict[str, Pieces]
    problems: dict[str, list[Problem]]


def render_batch(job: BatchJob) -> RenderedBatch:
    pieces: dict[str, Pieces] = {}
    problems: dict[str, list[Problem]] = {}
    for name in job.formats:
        feed_format = get_format(name)
        try:
            document = feed_format.render(job.articles, job.feed, job.updated)
            pieces[name] = split(name, document, len(job.articles))
        except Exception as error:  # any renderer failure is our bug, reported like one
            problems[name] = [
                Problem(
                    path=feed_format.file_name,
                    rule="export-render-failed",
                    message=f"rendering failed: {type(error).__name__}: {error}",
                )
            ]
            continue
        problems[name] = verify(document, feed_format.file_name, job.feed.url_for(name), job.now)
    return RenderedBatch(pieces, problems)


def jobs_for(
    formats: tuple[str, ...],
    articles: Sequence[Article],
    feed: FeedConfig,
    updated: datetime,
    now: datetime | None,
    size: int | None = None,
) -> Iterator[BatchJob]:
    size = size or BATCH_SIZE
    if not articles:
        yield BatchJob(formats, (), feed, updated, now)
        return
    for start in range(0, len(articles), size):
        yield BatchJob(formats, tuple(articles[start : start + size]), feed, updated, now)


def render_batches(
    jobs: Iterator[BatchJob], workers: int, pool: Executor | None = None
) -> Iterator[RenderedBatch]:
    """Results in order; with workers > 1 a few batches run ahead in a process pool
    (a bounded window, so results never pile up in memory). `pool` is the run's
    pool when it has one (see exporter.workers)."""
    if workers <= 1:
        yield from map(render_batch, jobs)
        return
    yield from ordered_map(render_batch, jobs, workers, pool)
