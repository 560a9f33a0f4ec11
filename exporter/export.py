"""The export pipeline: collect -> select -> render -> verify -> write.

No click here: the CLI builds an `ExportRequest`, calls `run_export`, reports
the `ExportResult` and exits with `result.status`. Every feed is rendered and
verified before the first byte is written, so a failure in any format leaves
all previous files untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

from exporter.collect import collect
from exporter.config import FeedConfig
from exporter.load.settings import LoadSettings
from exporter.model import Article
from exporter.problems import Problem
from exporter.render import FeedFormat, get_format
from exporter.select import Selection, select
from exporter.verify import errors, verify
from exporter.write import write_atomic


class ExportStatus(IntEnum):
    """The exit code of `feed-exporter export`."""

    OK = 0
    REJECTED = 1  # --strict and some record failed the contract
    USAGE = 2  # bad flags, config, or an output that cannot be written
    OUR_BUG = 3  # a feed we generated failed verification


@dataclass(frozen=True, slots=True)
class ExportRequest:
    formats: tuple[str, ...]
    out_dir: Path = Path("output")
    selection: Selection = field(default_factory=Selection)
    strict: bool = False
    stdout: BinaryIO | None = None  # write the single format here instead of a file
    settings: LoadSettings | None = None  # bounds for reading records
    now: datetime | None = None  # pins the clock of date plausibility checks (tests)


@dataclass(slots=True)
class FeedOutput:
    format: FeedFormat
    data: bytes
    problems: list[Problem]
    path: Path | None = None


@dataclass(slots=True)
class ExportResult:
    status: ExportStatus
    files: list[str] = field(default_factory=list)  # every input file read
    exported: int = 0
    records: int = 0
    invalid: int = 0
    unreadable: int = 0
    left_out: int = 0  # valid, but removed by --limit/--since/--published-only or duplicates
    record_problems: list[Problem] = field(default_factory=list)
    feed_problems: list[Problem] = field(default_factory=list)
    outputs: list[FeedOutput] = field(default_factory=list)
    reason: str | None = None

    @property
    def skipped(self) -> int:
        """Records not exported because they could not be read or broke the contract."""
        return self.invalid + self.unreadable

    @property
    def written(self) -> list[Path]:
        return [output.path for output in self.outputs if output.path is not None]


def run_export(paths: Sequence[str], request: ExportRequest, feed: FeedConfig) -> ExportResult:
    """Collect records from `paths`, then export the valid ones."""
    collection = collect(paths, request.settings)
    result = ExportResult(
        status=ExportStatus.OK,
        files=list(collection.files),
        records=collection.records,
        invalid=collection.invalid,
        unreadable=collection.unreadable,
        record_problems=list(collection.problems),
    )
    if request.strict and (collection.invalid or collection.unreadable):
        result.status = ExportStatus.REJECTED
        result.reason = f"--strict: {result.skipped} record(s) rejected"
        return result
    return export_articles(collection.articles, request, feed, result)


def export_articles(
    articles: Sequence[Article],
    request: ExportRequest,
    feed: FeedConfig,
    result: ExportResult | None = None,
) -> ExportResult:
    """Select, render, verify and (only if every feed passed) write."""
    if result is None:
        result = ExportResult(status=ExportStatus.OK, records=len(articles))
    selected = select(articles, request.selection)
    result.record_problems += selected.problems
    result.exported = len(selected.articles)
    result.left_out = selected.dropped

    for name in request.formats:
        output = _render_and_verify(get_format(name), selected.articles, feed, request)
        result.outputs.append(output)
        result.feed_problems += output.problems
        failures = errors(output.problems)
        if failures:
            result.status = ExportStatus.OUR_BUG
            first = failures[0]
            result.reason = (
                f"our own {output.format.file_name} failed verification ({first.rule}: "
                f"{first.message}); this is a bug in feed-exporter"
            )
            return result

    return _deliver(result, request)


def _render_and_verify(
    feed_format: FeedFormat, articles: list[Article], feed: FeedConfig, request: ExportRequest
) -> FeedOutput:
    try:
        data = feed_format.render(articles, feed)
    except Exception as error:  # any renderer failure is our bug, reported like one
        problem = Problem(
            path=feed_format.file_name,
            rule="export-render-failed",
            message=f"rendering failed: {type(error).__name__}: {error}",
        )
        return FeedOutput(feed_format, b"", [problem])
    problems = verify(data, feed_format.file_name, feed.url_for(feed_format.name), request.now)
    return FeedOutput(feed_format, data, problems)


def _deliver(result: ExportResult, request: ExportRequest) -> ExportResult:
    if request.stdout is not None:
        for output in result.outputs:
            request.stdout.write(output.data)
        request.stdout.flush()
        return result
    for output in result.outputs:
        target = request.out_dir / output.format.file_name
        try:
            write_atomic(target, output.data)
        except OSError as error:
            result.status = ExportStatus.USAGE
            result.reason = f"cannot write {target}: {error.strerror or error}"
            return result
        output.path = target
    return result
