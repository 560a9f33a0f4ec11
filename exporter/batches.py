"""Export articles already in memory: render and verify in batches, in order.

The reference for the sharded export of `run_export` (tests compare the two
byte for byte), and the way to export articles a program built itself. Memory
depends on the batch size, not on the number of articles; batches can run in
worker processes. Each batch is verified with the same rules as
`feed-exporter check`, so nothing reaches a file unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime

from exporter.check.checker import size_problems
from exporter.config import FeedConfig
from exporter.export import (
    ExportRequest,
    ExportResult,
    ExportStatus,
    FeedOutput,
    deliver,
    our_bug,
    with_sinks,
)
from exporter.model import Article
from exporter.problems import Problem
from exporter.render import get_format
from exporter.render.pieces import SEPARATORS, Pieces, split
from exporter.render.view import articles_updated
from exporter.select import select
from exporter.sinks import Sink
from exporter.timings import stage
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


def export_articles(
    articles: Sequence[Article],
    request: ExportRequest,
    feed: FeedConfig,
    result: ExportResult | None = None,
    pool: Executor | None = None,
) -> ExportResult:
    """Select, then render and verify in batches, streaming into temporary files
    that replace the previous feeds only once every batch of every format passed."""
    if result is None:
        result = ExportResult(status=ExportStatus.OK, records=len(articles))
    with stage("select"):
        selected = select(articles, request.selection)
    result.record_problems += selected.problems
    result.exported = len(selected.articles)
    result.left_out = selected.dropped
    result.outputs = [FeedOutput(get_format(name)) for name in request.formats]

    def write(sinks: dict[str, Sink]) -> None:
        _stream(selected.articles, request, feed, result, sinks, pool)
        if result.status is ExportStatus.OK:
            with stage("write"):
                deliver(result, request, sinks)

    with_sinks(result, request, write)
    return result


def _stream(
    articles: list[Article],
    request: ExportRequest,
    feed: FeedConfig,
    result: ExportResult,
    sinks: dict[str, Sink],
    pool: Executor | None,
) -> None:
    outputs = {output.format.name: output for output in result.outputs}
    tails: dict[str, bytes] = {}
    jobs = jobs_for(request.formats, articles, feed, articles_updated(articles), request.now)
    workers = request.jobs if len(articles) > BATCH_SIZE else 1  # one batch: no pool
    with stage("render+verify"):
        for index, batch in enumerate(render_batches(jobs, workers, pool)):
            for name, output in outputs.items():
                output.problems += batch.problems[name]
                failures = [p for p in batch.problems[name] if p.is_error]
                if failures:
                    our_bug(result, output, failures[0])
                    return
                pieces = batch.pieces[name]
                head = pieces.head if index == 0 else SEPARATORS[name]
                for part in (head, pieces.body):
                    sinks[name].write(part)
                tails[name] = pieces.tail
    for name, output in outputs.items():
        sinks[name].write(tails[name])
        output.size = sinks[name].size
        output.digest = sinks[name].digest
        output.problems += size_problems(output.size, output.format.file_name)
    result.feed_problems = [p for output in result.outputs for p in output.problems]
