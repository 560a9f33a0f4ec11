"""The export pipeline: load -> validate -> render -> verify (in shards) -> select -> write.

No click here: the CLI builds an `ExportRequest`, calls `run_export`, reports
the `ExportResult` and exits with `result.status`. Workers take the inputs in
shards, from bytes to verified entries (`exporter.shards`); this process merges
them, selects, and streams the chosen entries between a verified head and tail
into temporary files, so memory does not grow with the number of articles. The
temporary files replace the previous feeds only after every part of every
format passed verification, so a failure in any format leaves all previous
files untouched. Under a --limit well below the number of inputs, the articles
come here instead and only the chosen ones are rendered
(`exporter.batches.export_articles`, also the reference the sharded path is
tested against).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.cache import Cache, decode_problem
from exporter.config import FeedConfig
from exporter.incremental import (
    Manifest,
    export_key,
    input_manifest,
    previous_export,
    remember_export,
)
from exporter.load.settings import LoadSettings
from exporter.load.sources import discover
from exporter.problems import Problem
from exporter.render import FeedFormat, get_format
from exporter.render.pieces import SEPARATORS
from exporter.select import Selection, select
from exporter.sinks import Sink, WriteFailed
from exporter.timings import stage

if TYPE_CHECKING:
    from exporter.collect import Collection
    from exporter.shards import Accepted, ShardedCollection


class ExportStatus(IntEnum):
    """The exit code of `feed-exporter export`."""

    OK = 0
    REJECTED = 1  # --strict and some record failed the contract
    WRITE_FAILED = 1  # disk full, permission or I/O error, output busy: previous feeds kept
    USAGE = 2  # bad flags, config, or an --out path that cannot be a folder of feeds
    OUR_BUG = 3  # a feed we generated failed verification


@dataclass(frozen=True, slots=True)
class ExportRequest:
    formats: tuple[str, ...]
    out_dir: Path = Path("output")
    selection: Selection = field(default_factory=Selection)
    strict: bool = False
    stdout: BinaryIO | None = None  # write the single format here instead of a file
    settings: LoadSettings = field(default_factory=LoadSettings)  # bounds for reading records
    jobs: int = 1  # processes for checking records and rendering batches
    cache: Cache | None = None  # checked files and the last export, for re-runs
    progress: Callable[[int, int], None] | None = None  # (files done, total) while reading
    now: datetime | None = None  # pins the clock of date plausibility checks (tests)


@dataclass(slots=True)
class FeedOutput:
    """One feed as verified and (unless verification failed) delivered.
    `digest` is the SHA-256 of exactly the bytes that were checked."""

    format: FeedFormat
    problems: list[Problem] = field(default_factory=list)
    size: int = 0
    digest: str = ""
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
    reused: bool = False  # the feeds on disk were already this export's result

    @property
    def skipped(self) -> int:
        """Records not exported because they could not be read or broke the contract."""
        return self.invalid + self.unreadable

    @property
    def written(self) -> list[Path]:
        return [output.path for output in self.outputs if output.path is not None]


def run_export(paths: Sequence[str], request: ExportRequest, feed: FeedConfig) -> ExportResult:
    """Collect records from `paths`, then export the valid ones; with a cache, an
    export whose inputs, program and settings are unchanged is replayed."""
    cache, key = request.cache, None
    manifest: Manifest | None = None
    # Without a previous export to this folder nothing can be replayed: the inputs
    # are then hashed once, by the workers that read them, not first by this process.
    if cache is not None and request.stdout is None and cache.export_state(request.out_dir):
        with stage("fingerprint"):
            manifest = input_manifest(paths, request.settings)
            key = export_key(cache, manifest, _parameters(request, feed))
            state = previous_export(cache, request.out_dir, key) if key else None
        if state is not None:
            return _replay(state, request)
    # Imported here, like the render stack: a replay needs no process pool.
    from concurrent.futures.process import BrokenProcessPool

    from exporter.workers import WORKER_DIED, worker_pool

    try:
        # One pool for the whole run, created while this process is still small: its
        # workers are forked at the first task, before any entry is in memory.
        with worker_pool(request.jobs) as pool:
            result, read = _export_inputs(paths, request, feed, pool)
    except BrokenProcessPool:
        # killed from outside (the OOM killer, a signal): nothing was written yet
        return ExportResult(status=ExportStatus.WRITE_FAILED, reason=WORKER_DIED)
    if cache is None or request.stdout is not None or result.status is not ExportStatus.OK:
        return result
    if manifest is None:  # keyed by the bytes that were read and checked
        key = export_key(cache, read, _parameters(request, feed))
    elif read != manifest:
        # A file changed between hashing and checking: it was checked anew, and
        # these feeds are not the key's.
        key = None
    if key is not None:
        remember_export(cache, request.out_dir, key, _state(result))
    return result


def _export_inputs(
    paths: Sequence[str], request: ExportRequest, feed: FeedConfig, pool: Executor | None
) -> tuple[ExportResult, Manifest]:
    """Read, check, render and verify the inputs, then write the feeds; also what
    was read (each input with the digest of the bytes checked)."""
    # Imported here: the render and check stack is not needed to replay an
    # unchanged export, which then starts several times faster.
    from exporter.shards import collect_and_render

    inputs = discover(paths)
    if renders_only_the_selection(request, len(inputs)):
        return _export_selection(inputs, request, feed, pool)
    with stage("collect+render+verify"):
        sharded = collect_and_render(
            inputs,
            request.settings,
            request.formats,
            feed,
            request.now,
            jobs=request.jobs,
            pool=pool,
            cache=request.cache,
            progress=request.progress,
            selection=request.selection,
        )
    try:
        result = _refused(request, sharded.collection, bool(sharded.accepted))
        if result.status is ExportStatus.OK:
            result = _export_rendered(sharded, request, feed, result)
    finally:
        sharded.spool.close()
    return result, sharded.collection.manifest


def renders_only_the_selection(request: ExportRequest, inputs: int) -> bool:
    """A --limit well below the number of inputs: rendering every record in the
    workers would cost more than shipping the articles here and rendering only
    the chosen ones (10,000 records, --limit 50: 4.6 s instead of 7.0 s)."""
    limit = request.selection.limit
    return limit is not None and limit * 2 < inputs


def _export_selection(
    inputs: list[str], request: ExportRequest, feed: FeedConfig, pool: Executor | None
) -> tuple[ExportResult, Manifest]:
    """Collect every article, select, and render and verify only the selection
    (the in-order export; byte for byte the same feeds as the sharded one)."""
    from exporter.batches import export_articles
    from exporter.collect import collect

    with stage("collect"):
        collection = collect(
            inputs,
            request.settings,
            jobs=request.jobs,
            cache=request.cache,
            pool=pool,
            progress=request.progress,
        )
    result = _refused(request, collection, bool(collection.articles))
    if result.status is ExportStatus.OK:
        result = export_articles(collection.articles, request, feed, result, pool)
    return result, collection.manifest


def _refused(request: ExportRequest, collection: Collection, any_valid: bool) -> ExportResult:
    """The result so far: REJECTED under --strict with a rejected record, or when
    no record is valid; else OK, to be exported."""
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
    elif not any_valid:
        # A wrong path or a broken batch of records must not replace published
        # feeds with empty ones; an empty feed by selection (--since, ...) is fine.
        result.status = ExportStatus.REJECTED
        result.reason = (
            f"no valid records ({collection.records} read, {result.skipped} rejected): "
            "the previous feeds are kept"
        )
    return result


def _parameters(request: ExportRequest, feed: FeedConfig) -> dict[str, object]:
    """Everything besides the inputs that decides the bytes of the feeds."""
    return {
        "feed": feed,
        "formats": request.formats,
        "selection": request.selection,
        "strict": request.strict,
    }


def _state(result: ExportResult) -> dict[str, object]:
    return {
        "files": {o.format.file_name: o.digest for o in result.outputs},
        "outputs": [
            {"format": o.format.name, "size": o.size, "digest": o.digest, "problems": o.problems}
            for o in result.outputs
        ],
        "report": {
            "files": result.files,
            "exported": result.exported,
            "records": result.records,
            "invalid": result.invalid,
            "unreadable": result.unreadable,
            "left_out": result.left_out,
            "record_problems": result.record_problems,
        },
    }


def _replay(state: dict[str, Any], request: ExportRequest) -> ExportResult:
    """The result of the last export, whose files are still in place."""
    report = state["report"]
    outputs = [
        FeedOutput(
            get_format(output["format"]),
            problems=[decode_problem(p) for p in output["problems"]],
            size=output["size"],
            digest=output["digest"],
            path=request.out_dir / get_format(output["format"]).file_name,
        )
        for output in state["outputs"]
    ]
    return ExportResult(
        status=ExportStatus.OK,
        files=report["files"],
        exported=report["exported"],
        records=report["records"],
        invalid=report["invalid"],
        unreadable=report["unreadable"],
        left_out=report["left_out"],
        record_problems=[decode_problem(p) for p in report["record_problems"]],
        feed_problems=[p for output in outputs for p in output.problems],
        outputs=outputs,
        reused=True,
    )


def _export_rendered(
    sharded: ShardedCollection, request: ExportRequest, feed: FeedConfig, result: ExportResult
) -> ExportResult:
    """Select among entries already rendered and verified, then write them in
    order between a head and a tail rendered (and verified) for the selection."""
    from exporter.render.view import latest

    with stage("select"):
        selected = select(sharded.accepted, request.selection)
    result.record_problems += selected.problems
    result.exported = len(selected.articles)
    result.left_out = selected.dropped
    result.outputs = [FeedOutput(get_format(name)) for name in request.formats]
    updated = latest([entry.published_at for entry in selected.articles])

    def write(sinks: dict[str, Sink]) -> None:
        with stage("write"):
            for output in result.outputs:
                entries = selected.articles
                if not _write_entries(output, entries, sharded, feed, updated, sinks, request):
                    our_bug(result, output, next(p for p in output.problems if p.is_error))
                    return
            result.feed_problems = [p for output in result.outputs for p in output.problems]
            deliver(result, request, sinks)

    with_sinks(result, request, write)
    return result


def with_sinks(
    result: ExportResult, request: ExportRequest, write: Callable[[dict[str, Sink]], None]
) -> None:
    """`write` into a sink per output; a WriteFailed ends the export with its status
    and reason, and whatever was not delivered is dropped."""
    sinks: dict[str, Sink] = {}
    try:
        for output in result.outputs:
            sinks[output.format.name] = _sink(output.format, request)
        write(sinks)
    except WriteFailed as failure:
        # a path that cannot hold the feeds is a usage error (exit 2), the rest exit 1
        result.status = ExportStatus.USAGE if failure.wrong_path else ExportStatus.WRITE_FAILED
        result.reason = f"cannot write {failure.target}: {failure.reason}"
    finally:
        for sink in sinks.values():
            sink.close()


def _write_entries(
    output: FeedOutput,
    entries: list[Accepted],
    sharded: ShardedCollection,
    feed: FeedConfig,
    updated: datetime,
    sinks: dict[str, Sink],
    request: ExportRequest,
) -> bool:
    """Stream one feed into its sink; False (nothing to deliver) if any part of it
    failed verification."""
    from exporter.check.checker import size_problems
    from exporter.render.pieces import open_ends
    from exporter.verify import verify

    name, file_name = output.format.name, output.format.file_name
    empty = output.format.render((), feed, updated)
    output.problems += list(dict.fromkeys(sharded.problems[name]))
    output.problems += verify(empty, file_name, feed.url_for(name), request.now)
    if any(problem.is_error for problem in output.problems):
        return False
    sink = sinks[name]
    head, tail = open_ends(name, empty) if entries else (empty, b"")
    parts = [head]
    for index, entry in enumerate(entries):
        if index:
            parts.append(SEPARATORS[name])
        parts.append(sharded.spool.read(entry.spans[name]))
        if len(parts) >= 512:
            sink.write(b"".join(parts))
            parts.clear()
    parts.append(tail)
    sink.write(b"".join(parts))
    output.size = sink.size
    output.digest = sink.digest
    output.problems += size_problems(output.size, file_name)
    return True


def our_bug(result: ExportResult, output: FeedOutput, first: Problem) -> None:
    result.status = ExportStatus.OUR_BUG
    result.feed_problems = [p for each in result.outputs for p in each.problems]
    result.reason = (
        f"our own {output.format.file_name} failed verification ({first.rule}: "
        f"{first.message}); this is a bug in feed-exporter"
    )


def _sink(feed_format: FeedFormat, request: ExportRequest) -> Sink:
    if request.stdout is not None:
        return Sink(None)
    return Sink(request.out_dir / feed_format.file_name)


def deliver(result: ExportResult, request: ExportRequest, sinks: dict[str, Sink]) -> None:
    # Every feed is fsynced before the first rename, so a full disk or an I/O
    # error at this last step still leaves all previous feeds untouched.
    for sink in sinks.values():
        sink.prepare()
    for output in result.outputs:
        sinks[output.format.name].deliver(request.stdout)
        if request.stdout is None:
            output.path = request.out_dir / output.format.file_name
    if request.stdout is not None:
        request.stdout.flush()
