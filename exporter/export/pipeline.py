"""The export, one path for every case: produce → plan → assemble → verify → write.

1. Produce (`exporter.export.produce`): workers read and check the inputs they
   have not seen, and make the verified fragments the cache does not hold.
2. Plan (`exporter.export.plan`): which entries go into each feed, in order.
3. Make what the plan needs and nobody made yet: the heads, and the fragments a
   small --limit left for later (their files are read again).
4. Assemble (`exporter.export.assemble`) each feed into a temporary file,
   verifying the rules that span entries; then replace the previous feeds, all
   or none. A feed whose bytes equal the file already there is left alone.

A cold run finds every fragment missing; an unchanged re-run finds none missing
and the plan of the last run, and writes nothing; a run after an edit makes the
fragments of the edited records only. With `--no-cache` the same path runs on a
cache that lives only as long as the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exporter.collect import Collection
from exporter.config import ConfigError, FeedConfig
from exporter.export.assemble import Assembled, Layout, LayoutStale, Previous, assemble
from exporter.export.engine import Engine, EngineUnavailable, open_engine
from exporter.export.fragments import Entry
from exporter.export.id_guard import guard_export, summaries
from exporter.export.keys import head_key
from exporter.export.listing import index_files, wanted
from exporter.export.plan import FeedPlan, Plan, plan_feeds
from exporter.export.produce import HeadJob, RenderSpec
from exporter.export.request import (
    ExportRequest,
    ExportResult,
    ExportStatus,
    FeedOutput,
)
from exporter.export.store import Cache, FragmentDamaged, Location
from exporter.load.sources import discover
from exporter.problems import Problem, problem_from_dict
from exporter.render import get_format
from exporter.timings import stage
from exporter.words import counted
from exporter.workers import WORKER_DIED
from exporter.write.sink import Sink, WriteFailed, close_all, deliver_all, open_sink, signature


def run_export(paths: Sequence[str], request: ExportRequest, feed: FeedConfig) -> ExportResult:
    """Export the valid records found in `paths` as `request` says."""
    spec = RenderSpec(
        formats=request.formats,
        settings=feed.entry_settings,
        now=request.now or datetime.now(UTC),
        pinned=request.now,
        selection=request.selection,
    )
    try:
        # The engine first, while this process is small: a pool's workers are
        # forked at once, before any entry is in memory.
        with (
            open_engine(request, feed) as engine,
            Cache(request.cache_dir, request.cache_max_bytes) as cache,
        ):
            result = _export(paths, request, feed, spec, cache, engine)
            result.cache_problems = list(cache.notices)
            return result
    except EngineUnavailable as error:  # nothing was written
        status = ExportStatus.USAGE if error.usage else ExportStatus.WRITE_FAILED
        return ExportResult(status=status, reason=str(error))
    except BrokenProcessPool:
        # killed from outside (the OOM killer, a signal): nothing was written yet
        return ExportResult(status=ExportStatus.WRITE_FAILED, reason=WORKER_DIED)


def _export(
    paths: Sequence[str],
    request: ExportRequest,
    feed: FeedConfig,
    spec: RenderSpec,
    cache: Cache,
    engine: Engine,
) -> ExportResult:
    inputs = discover(paths, exclude=request.exclude)
    with stage("produce"):
        collection = engine.produce(inputs, request.settings, spec, cache, request.progress)
    result = _refused(request, collection)
    if result.status is not ExportStatus.OK:
        return result
    with stage("plan"):
        try:
            plan = _plan(collection.accepted, request, feed, spec)
        except ConfigError as error:
            result.status, result.reason = ExportStatus.USAGE, str(error)
            return result
    result.record_problems += plan.problems
    result.exported, result.left_out = plan.exported, plan.left_out + collection.held_back
    kept = _kept(plan, request, cache)
    with stage("id guard"):
        remembered = cache.published(request.out_dir, [f.file_name for f in plan.feeds])
        guarded = guard_export(plan.feeds, set(kept), request, feed, remembered)
    result.record_problems += guarded
    changed_ids = sum(1 for problem in guarded if problem.is_error)
    if changed_ids:
        result.status = ExportStatus.REJECTED
        result.reason = (
            f"{counted(changed_ids, 'published entry', 'published entries')} would change "
            "id (id-changed): keep the old webUrl, or pass --allow-id-change"
        )
        return result
    todo = [feed_plan for feed_plan in plan.feeds if feed_plan.file_name not in kept]
    previous = _previous(todo, request, cache)
    try:
        for _ in range(2):  # a damaged fragment is made again, once
            with stage("make missing"):
                locations, reason = _complete(todo, previous, request, spec, cache, engine)
            if reason is not None:
                result.status, result.reason = ExportStatus.WRITE_FAILED, reason
                return result
            try:
                with stage("assemble+write"):
                    _write(plan, kept, previous, locations, request, cache, result, feed)
                return result
            except FragmentDamaged:
                cache.forget(_damaged(todo, locations, cache))
            except LayoutStale:  # the old file changed under us: fragments only
                previous = {}
    finally:
        for source in previous.values():
            source.close()
    result.status = ExportStatus.WRITE_FAILED
    result.reason = f"the cache in {cache.folder} keeps failing: run with --no-cache"
    return result


def _plan(
    accepted: Sequence[Entry], request: ExportRequest, feed: FeedConfig, spec: RenderSpec
) -> Plan:
    """The feeds to write; standard output takes the main feed alone."""
    if request.stdout is not None:
        feed = replace(feed, sets=(), archive=None)
    return plan_feeds(
        accepted,
        request.selection,
        request.formats,
        feed,
        spec.salt,
        spec.key,
        lambda name, head, updated: head_key(name, head, updated, spec.pinned),
        request.sets,
    )


def _refused(request: ExportRequest, collection: Collection[Entry]) -> ExportResult:
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
        result.reason = f"--strict: {counted(result.skipped, 'record')} rejected"
    elif not collection.accepted and not collection.held_back:
        # A wrong path or a broken batch of records must not replace published
        # feeds with empty ones; an empty feed by selection (--since, ...) is fine.
        result.status = ExportStatus.REJECTED
        result.reason = (
            f"no valid records ({collection.records} read, {result.skipped} rejected): "
            "the previous feeds are kept"
        )
    return result


def _previous(
    feeds: Sequence[FeedPlan], request: ExportRequest, cache: Cache
) -> dict[str, Previous]:
    """The feeds written before, whose unchanged entries can be copied."""
    if request.stdout is not None:
        return {}
    found: dict[str, Previous] = {}
    stored = cache.layouts(request.out_dir, [feed_plan.file_name for feed_plan in feeds])
    for feed_plan in feeds:
        data = stored.get(feed_plan.file_name)
        layout = Layout.decode(data) if data is not None else None
        source = Previous.open(layout, feed_plan, request.out_dir / feed_plan.file_name)
        if source is not None:
            found[feed_plan.file_name] = source
    return found


def _complete(
    feeds: Sequence[FeedPlan],
    previous: dict[str, Previous],
    request: ExportRequest,
    spec: RenderSpec,
    cache: Cache,
    engine: Engine,
) -> tuple[dict[str, Location], str | None]:
    """Where every head, and every fragment not copied from the previous file,
    of `feeds` is, making those that are missing; or why they cannot be made."""
    needed: list[tuple[str, Entry]] = []
    for feed_plan in feeds:
        source = previous.get(feed_plan.file_name)
        index = source.index if source is not None else {}
        needed += [
            (feed_plan.key_of(e.digest), e) for e in feed_plan.entries if e.digest not in index
        ]
    wanted = [feed_plan.head for feed_plan in feeds] + [key for key, _ in needed]
    locations = cache.locate(wanted)
    if len(locations) == len(set(wanted)):
        return locations, None
    missing: dict[str, Entry] = {}
    for key, entry in needed:
        if key not in locations:
            missing[entry.digest] = entry
    if missing:
        changed = engine.render_missing(list(missing.values()), request.settings, spec, cache)
        if changed:
            return locations, (
                f"{changed[0]} changed while the export ran ({counted(len(changed), 'file')}): "
                "nothing written; run it again"
            )
    heads = [
        HeadJob(feed_plan.format_name, feed_plan.feed, feed_plan.updated, feed_plan.head, spec.now)
        for feed_plan in feeds
        if feed_plan.head not in locations
    ]
    cache.add(engine.render_heads(heads))
    return cache.locate(wanted), None


def _damaged(feeds: Sequence[FeedPlan], locations: dict[str, Location], cache: Cache) -> list[str]:
    """Every fragment of `feeds` whose stored bytes do not check out."""
    damaged: list[str] = []
    for key in dict.fromkeys(k for f in feeds for k in (f.head, *f.keys)):
        try:
            cache.read(key, locations[key])
        except FragmentDamaged:
            damaged.append(key)
    return damaged


def _write(
    plan: Plan,
    kept: dict[str, FeedOutput],
    previous: dict[str, Previous],
    locations: dict[str, Location],
    request: ExportRequest,
    cache: Cache,
    result: ExportResult,
    feed: FeedConfig,
) -> None:
    """Assemble every feed not `kept` and the discovery index, then deliver all
    of them, or none if any failed verification."""
    result.outputs = []
    sinks: list[Sink] = []
    layouts: dict[str, Layout] = {}
    assembled: list[tuple[FeedPlan, Assembled]] = []
    try:
        for feed_plan in plan.feeds:
            output = kept.get(feed_plan.file_name)
            if output is None:
                sink = open_sink(_target(feed_plan, request), sinks)
                source = previous.get(feed_plan.file_name)
                done = assemble(feed_plan, cache, locations, sink, source)
                if done.layout is not None:
                    layouts[feed_plan.file_name] = done.layout
                assembled.append((feed_plan, done))
                output = FeedOutput(
                    get_format(feed_plan.format_name),
                    problems=done.problems,
                    size=done.size,
                    name=feed_plan.file_name,
                    public_url=feed_plan.public_url,
                )
            result.outputs.append(output)
            failure = next((p for p in output.problems if p.is_error), None)
            if failure is not None:
                _our_bug(result, output, failure)
                return
        result.feed_problems = [p for output in result.outputs for p in output.problems]
        if request.stdout is None and wanted(feed):
            for index in index_files(plan.feeds, feed):
                failure = next((p for p in index.problems if p.is_error), None)
                if failure is not None:
                    result.status = ExportStatus.OUR_BUG
                    result.feed_problems += index.problems
                    result.reason = (
                        f"our own {index.name} failed verification ({failure.rule}: "
                        f"{failure.message}); this is a bug in feed-exporter"
                    )
                    return
                result.feed_problems += index.problems
                open_sink(request.out_dir / index.name, sinks).write(index.data)
        deliver_all(sinks, request.stdout)
    except WriteFailed as failure:
        # a path that cannot hold the feeds is a usage error (exit 2), the rest exit 1
        result.status = ExportStatus.USAGE if failure.wrong_path else ExportStatus.WRITE_FAILED
        result.reason = f"cannot write {failure.target}: {failure.reason}"
        return
    finally:
        close_all(sinks)
    _delivered(result, sinks, request)
    if request.stdout is not None:
        return
    for file_name, layout in layouts.items():
        layout.signature = signature(request.out_dir / file_name)
    published = summaries(
        [
            (
                feed_plan,
                done.first_line,
                done.layout.lines if done.layout is not None else [],
                signature(request.out_dir / feed_plan.file_name),
            )
            for feed_plan, done in assembled
        ]
    )
    cache.store_layouts(request.out_dir, {name: each.encode() for name, each in layouts.items()})
    cache.store_published(request.out_dir, published)
    if sinks:
        cache.store_export_state(request.out_dir, _state(plan, result, request))


def _kept(plan: Plan, request: ExportRequest, cache: Cache) -> dict[str, FeedOutput]:
    """The feeds whose plan is the last run's and whose file is still exactly
    what that run wrote: assembling them again would write the same bytes."""
    if request.stdout is not None:
        return {}
    state = cache.export_state(request.out_dir)
    last = state.get("feeds") if state is not None else None
    if not isinstance(last, dict):
        return {}
    kept: dict[str, FeedOutput] = {}
    for feed_plan in plan.feeds:
        output = _kept_feed(feed_plan, last.get(feed_plan.file_name), request)
        if output is not None:
            kept[feed_plan.file_name] = output
    return kept


def _kept_feed(feed_plan: FeedPlan, last: object, request: ExportRequest) -> FeedOutput | None:
    """The file is the one the last run wrote when its device, inode, size,
    mtime and change time are: no write, not even one that restores the mtime,
    keeps the change time (only a clock set back could fake it). Otherwise the
    feed is assembled, and left alone if its bytes turn out to be the file's."""
    if not isinstance(last, dict):
        return None
    target = request.out_dir / feed_plan.file_name
    try:
        if last["plan"] != feed_plan.digest or last["signature"] != signature(target):
            return None
        problems = [problem_from_dict(problem) for problem in last["problems"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return FeedOutput(
        get_format(feed_plan.format_name),
        problems=problems,
        size=last["size"],
        path=target,
        kept=True,
        name=feed_plan.file_name,
        public_url=feed_plan.public_url,
    )


def _target(feed_plan: FeedPlan, request: ExportRequest) -> Path | None:
    """The feed's file (its folder is made if need be), or None for standard output."""
    if request.stdout is not None:
        return None
    return request.out_dir / feed_plan.file_name


def _delivered(result: ExportResult, sinks: list[Sink], request: ExportRequest) -> None:
    """Paths, and whether each assembled feed replaced its file or left it alone."""
    written = iter(sinks)
    for output in result.outputs:
        if output.kept:
            continue
        sink = next(written)
        output.kept = sink.kept
        if request.stdout is None:
            output.path = request.out_dir / output.name


def _our_bug(result: ExportResult, output: FeedOutput, first: Problem) -> None:
    result.status = ExportStatus.OUR_BUG
    result.feed_problems = [p for each in result.outputs for p in each.problems]
    result.reason = (
        f"our own {output.name} failed verification ({first.rule}: "
        f"{first.message}); this is a bug in feed-exporter"
    )


def _state(plan: Plan, result: ExportResult, request: ExportRequest) -> dict[str, Any]:
    """What the next run compares its plans and files with."""
    return {
        "feeds": {
            feed_plan.file_name: {
                "plan": feed_plan.digest,
                "size": output.size,
                "signature": signature(request.out_dir / feed_plan.file_name),
                "problems": output.problems,
            }
            for feed_plan, output in zip(plan.feeds, result.outputs, strict=True)
        }
    }
