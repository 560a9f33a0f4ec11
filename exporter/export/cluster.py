"""The produce stage on a Dask cluster: a map over the input files and two folds.

1. Map: each partition of input files is checked and rendered on a worker
   (`produce.run_job`, the same function the local engine runs), and its
   records merged exactly as the local engine does (`merge_outcome`), as if
   no earlier partition had taken a webUrl of theirs. It all stays there,
   held by the cluster (`persist`).
2. Fold the webUrls: for each webUrl more than one record uses, where its
   first record is. A partition keeps the map's merge, or merges again when
   a partition before it took one of its webUrls (rare: the merge is off the
   path from the last map task to the end).
3. Fold the feeds: each valid record belongs to the main feed and to each
   set's feed of its values; a partition keeps only the entries among the
   newest some feed of theirs can show (all of them when it has archive
   pages), and so does each combination of partitions. What reaches the
   client is the union of every feed's newest, each entry once, with the
   counts and the problems of every record. Steps 2 and 3 are one graph,
   submitted with the map: they run as its partitions finish.
4. The plan runs on the client as it does locally; afterwards only the
   fragments of the planned entries travel to the client, one partition's
   worth at a time, into its cache (the pack is a file, even with --no-cache),
   where the pipeline assembles, verifies and writes the feeds. When the main
   feed shows every entry, every fragment is planned: each partition travels
   as soon as the map is done with it, and step 3 keeps everything, so the
   client gathers each partition's entries instead of folding them.

Both folds are `Bag.reduction` trees, the one `Bag.foldby` builds, with one
difference: what moves between processes (partial folds, fragments, counts,
heads) is one pickled bytes object. Distributed moved 300,000 fragments in
391 lists in 8.2 s, and the same lists pickled in 0.7 s (2 local workers);
a foldby's partials are dicts of such lists.

The client holds the summaries of the entries it writes, never every record's;
the fragments wait on the workers until the plan asks for them. The workers
keep no cache: a cluster export is a cold one.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import dask
import dask.bag as db
from dask.delayed import delayed
from distributed import Client, Future, LocalCluster, as_completed, futures_of

from exporter.collect import (
    CheckedRecord,
    Collection,
    FileOutcome,
    merge_outcome,
    shown_name,
    sort_problems,
)
from exporter.config import FeedConfig
from exporter.export.engine import EngineUnavailable, Progress
from exporter.export.fragments import Entry, Fragment
from exporter.export.plan import Selection, newest_first, passes_filters, shown_at_most
from exporter.export.produce import (
    HeadJob,
    ProduceJob,
    RenderSpec,
    render_heads,
    run_job,
)
from exporter.export.request import ExportRequest
from exporter.export.sets import values_of
from exporter.export.store import Cache
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN
from exporter.problems import Problem

# Files per partition: a task's own cost (scheduling, a round trip) vanishes
# against checking and rendering this many, and a partition's fragments stay small.
PARTITION_FILES = 256
# Feed heads per task.
HEAD_BATCH = 200
# How long the client waits for a scheduler that does not answer.
CONNECT_TIMEOUT = "10s"
# A local cluster lives for one run and nobody watches its dashboard: its
# workers skip the statistical profiler (a sample of their stacks every 10 ms)
# and look at their memory and system less often. 30,000 records: 22.2 s
# against 20.4 s (docs/scaling.md says how to start remote workers the same way).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "1s",
}

# A partition as the map leaves it on its worker: its index, then pickled:
# its files' outcomes, its fragments, its records' webUrl uses, and its records
# merged as if no earlier partition had taken a webUrl of theirs (see `_run`).
Produced = tuple[int, bytes, bytes, bytes, bytes]
Position = tuple[int, int, int]  # partition, file in it, record in the file
# A record's webUrl as the duplicate rule's message needs it: where, and its line.
Use = tuple[str, Position, str, int | None, bool]  # url, position, source, line, deferred
FirstUse = tuple[int, Use]  # how many records use the webUrl; the first of them
Membership = tuple[str, str, int | None]  # set name ("": main feed), its field, how many to keep


@contextmanager
def open_cluster(request: ExportRequest, feed: FeedConfig) -> Iterator[DaskEngine]:
    """A client of the scheduler `request.scheduler`, or of a local cluster of
    `request.jobs` worker processes started for this run."""
    with ExitStack() as stack:
        # Closing the client and the cluster is not cut by a second Ctrl-C
        # (it would leave a traceback): the handler comes back once they are closed.
        handler = signal.getsignal(signal.SIGINT)  # None: not set from Python, left alone
        if handler is not None:
            stack.callback(signal.signal, signal.SIGINT, handler)
        try:
            if request.scheduler is None:
                with _sigint_ignored(), dask.config.set(QUIET_WORKERS):
                    local = LocalCluster(
                        n_workers=max(request.jobs, 1),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # any free port: never "8787 is in use"
                        silence_logs=logging.ERROR,
                    )
                    cluster = stack.enter_context(local)
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(request.scheduler, timeout=CONNECT_TIMEOUT))
        except (OSError, TimeoutError, ValueError) as error:
            where = request.scheduler or "a local cluster"
            raise EngineUnavailable(
                f"cannot reach the Dask scheduler at {where}: {error}"
            ) from None
        stack.callback(signal.signal, signal.SIGINT, signal.SIG_IGN)
        yield DaskEngine(client, request, feed)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C reaches every process of the terminal's group. The local
    cluster's worker processes are started with SIGINT ignored, which they
    inherit (and asyncio then installs no handler of its own), so that only
    this process stops, closes the cluster and reports the interrupt in one
    line. (Blocking it instead does not reach them: they die in their start-up.)
    A Ctrl-C in the second or so the cluster takes to start is ignored."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


class DaskEngine:
    """The produce stage on `client`'s cluster (see the module's docstring)."""

    def __init__(self, client: Client, request: ExportRequest, feed: FeedConfig) -> None:
        self.client = client
        self.keep = _keep_counts(request, feed)
        # When the main feed shows every entry (archive pages, no --limit), the
        # plan will ask for every fragment the map makes: each partition's
        # travel as the map left them, as soon as it is done, rather than
        # picked one by one after the plan.
        self.fetch_early = _shows_everything(self.keep)
        self._produced: db.Bag | None = None

    def produce(
        self,
        inputs: list[str],
        load: LoadSettings,
        spec: RenderSpec,
        cache: Cache,
        progress: Progress | None,
    ) -> Collection[Entry]:
        if STDIN in inputs:
            raise EngineUnavailable(
                "--engine dask reads files that every worker can read, not standard input",
                usage=True,
            )
        self._check_reachable(inputs)
        parts = [
            tuple(inputs[start : start + PARTITION_FILES])
            for start in range(0, len(inputs), PARTITION_FILES)
        ]
        jobs = [
            (index, ProduceJob(names, False, load, None, spec)) for index, names in enumerate(parts)
        ]
        produced = db.from_sequence(jobs, partition_size=1).map(_run).persist()
        self._produced = produced
        # The whole fold is submitted at once: it runs as the map's partitions
        # finish, while this process reports progress (and fetches early).
        firsts = delayed(_firsts)(produced.reduction(_part_uses, _combine_uses))
        merged = produced.map(_merge, firsts, load)
        newest: db.Bag | db.Item
        if self.fetch_early:  # every entry is kept: a fold would only copy them all
            newest = merged.map_partitions(_each_newest, spec.selection, self.keep)
        else:
            newest = merged.reduction(
                partial(_part_newest, spec.selection, self.keep),
                partial(_combine_newest, self.keep),
            )
        folded = self.client.compute([merged.map(_counts), newest])
        _wait_for_map(produced, parts, progress, cache if self.fetch_early else None)
        counts, survivors = self.client.gather(folded)
        blobs: list[bytes] = survivors if self.fetch_early else [survivors]
        kept: list[Entry] = [entry for blob in blobs for entry in _loaded(blob)]
        return _collection(inputs, [_loaded(blob) for blob in counts], kept)

    def _check_reachable(self, inputs: Sequence[str]) -> None:
        """Every worker can read the first input, under the name this process
        uses (reports name files as they were given): else one clear line
        rather than every file reported unreadable."""
        if not inputs:
            return
        seen: dict[str, bool] = self.client.run(os.path.isfile, inputs[0])
        blind = sorted(worker for worker, found in seen.items() if not found)
        if blind:
            raise EngineUnavailable(
                f"the Dask worker at {blind[0]} cannot read {inputs[0]}"
                f"{f' (nor can {len(blind) - 1} more)' if len(blind) > 1 else ''}: "
                "input paths must name the same files on every worker (shared storage; "
                "an absolute path, or workers started in this folder)",
                usage=True,
            )

    def render_missing(
        self, entries: Sequence[Entry], load: LoadSettings, spec: RenderSpec, cache: Cache
    ) -> list[str]:
        """Bring the fragments of `entries` from the workers, one partition at a time."""
        assert self._produced is not None, "render_missing before produce"
        wanted = {
            spec.key(format_name, entry.digest): entry
            for entry in entries
            for format_name in spec.formats
        }
        shared = _share(self.client, frozenset(wanted))
        picks = [delayed(_pick)(part, shared) for part in self._produced.to_delayed()]
        found: set[str] = set()
        for future in as_completed(self.client.compute(picks)):
            found.update(_store(future.result(), cache))
            future.release()
        missing = [entry.source for key, entry in wanted.items() if key not in found]
        return list(dict.fromkeys(missing))

    def render_heads(self, heads: Sequence[HeadJob]) -> list[Fragment]:
        """On the workers, in batches (a set of many values has thousands)."""
        batches = [heads[start : start + HEAD_BATCH] for start in range(0, len(heads), HEAD_BATCH)]
        futures = self.client.map(_heads, batches, pure=False)
        made: list[bytes] = self.client.gather(futures)
        return [fragment for blob in made for fragment in _loaded(blob)]


def _keep_counts(request: ExportRequest, feed: FeedConfig) -> tuple[Membership, ...]:
    """Per set name ("" for the main feed), how many of a feed's newest entries
    the plan can show: --limit, a set's own limit, all of them for archive pages.
    At least one, so that every value of a set reaches the plan (which checks
    their slugs, and writes a feed per value even when --limit is 0)."""
    limit = request.selection.limit

    def at_least_one(count: int | None) -> int | None:
        return None if count is None else max(count, 1)

    keep: list[Membership] = [("", "", at_least_one(shown_at_most(limit, None)))]
    if request.stdout is not None:  # standard output takes the main feed alone
        return tuple(keep)
    for feed_set in feed.sets:
        if request.sets is None or feed_set.name in request.sets:
            count = at_least_one(shown_at_most(limit, feed_set))
            keep.append((feed_set.name, feed_set.by, count))
    return tuple(keep)


# -- on the workers ------------------------------------------------------------


def _shows_everything(keep: Sequence[Membership]) -> bool:
    """The main feed shows every selectable entry (on its archive pages)."""
    return any(not name and count is None for name, _, count in keep)


def _run(job: tuple[int, ProduceJob]) -> Produced:
    index, produce_job = job
    result = run_job(produce_job)
    return _packed(index, result.outcomes, result.fragments, produce_job.load)


def _packed(
    index: int,
    outcomes: Sequence[FileOutcome[Entry]],
    fragments: Sequence[Fragment],
    load: LoadSettings,
) -> Produced:
    """The partition's outcomes and fragments, each a pickled blob: a worker
    holds the corpus until the plan has picked from it, and millions of live
    objects would make each of its garbage collections walk them all. Apart,
    the folds read what they need and a fetch reads the fragments alone.
    The merge is done here too, while the map runs (`_merge` keeps it unless
    an earlier partition took one of the webUrls, which is rare)."""
    merged = _merge_outcomes(outcomes, {}, load)
    uses = _url_uses(index, outcomes)
    return index, _dumped(outcomes), _dumped(fragments), _dumped(uses), _dumped(merged)


def _dumped(value: object) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loaded(blob: bytes) -> Any:
    """What `_dumped` made (typed by the caller, which knows what it asked for)."""
    return pickle.loads(blob)


def _url_uses(index: int, outcomes: Sequence[FileOutcome[Entry]]) -> list[Use]:
    return [
        (record.url, (index, file_index, record_index), record.source, record.url_line,
         record.url_line_deferred)
        for file_index, outcome in enumerate(outcomes)
        for record_index, record in enumerate(outcome.records)
        if record.url is not None
    ]  # fmt: skip


def _outcomes(produced: Produced) -> tuple[FileOutcome[Entry], ...]:
    outcomes: tuple[FileOutcome[Entry], ...] = _loaded(produced[1])
    return outcomes


def _uses(produced: Produced) -> list[Use]:
    uses: list[Use] = _loaded(produced[3])
    return uses


def _part_uses(part: Iterable[Produced]) -> bytes:
    """Per webUrl of the partition's records: how many use it, and the first."""
    found: dict[str, FirstUse] = {}
    for produced in part:
        for use in _uses(produced):
            _add_uses(found, use[0], (1, use))
    return _dumped(found)


def _combine_uses(partials: Iterable[bytes]) -> bytes:
    found: dict[str, FirstUse] = {}
    for blob in partials:
        uses: dict[str, FirstUse] = _loaded(blob)
        for url, counted in uses.items():
            _add_uses(found, url, counted)
    return _dumped(found)


def _add_uses(found: dict[str, FirstUse], url: str, counted: FirstUse) -> None:
    known = found.get(url)
    if known is None:
        found[url] = counted
        return
    first = known[1] if known[1][1] <= counted[1][1] else counted[1]
    found[url] = known[0] + counted[0], first


def _firsts(blob: bytes) -> dict[str, Use]:
    """The first use of each webUrl more than one record uses."""
    uses: dict[str, FirstUse] = _loaded(blob)
    return {url: first for url, (count, first) in uses.items() if count > 1}


@dataclass(frozen=True, slots=True)
class _Merged:
    """A partition's records merged as the local engine merges them."""

    counts: tuple[int, int, int, int]  # records, valid, invalid, unreadable
    problems: list[Problem]
    accepted: list[Entry]


def _merge(produced: Produced, firsts: Mapping[str, Use], load: LoadSettings) -> _Merged:
    """`merge_outcome` over the partition's files, knowing the webUrls that
    records of earlier partitions took (as the earliest: serial -1). The map
    merged them already, as if none had: that stands unless one of them did."""
    index = produced[0]
    taken: dict[str, tuple[int, CheckedRecord[Entry]]] = {}
    for url, *_ in _uses(produced):
        first = firsts.get(url)
        if first is not None and first[1][0] < index:
            _, _, source, line, deferred = first
            taken[url] = (-1, CheckedRecord(source, url, line, (), None, deferred))
    if not taken:
        merged: _Merged = _loaded(produced[4])
        return merged
    return _merge_outcomes(_outcomes(produced), taken, load)


def _merge_outcomes(
    outcomes: Iterable[FileOutcome[Entry]],
    taken: dict[str, tuple[int, CheckedRecord[Entry]]],
    load: LoadSettings,
) -> _Merged:
    part = Collection[Entry]()
    for outcome in outcomes:
        merge_outcome(outcome, part, taken, load)
    counts = (part.records, part.valid, part.invalid, part.unreadable)
    return _Merged(counts, part.problems, part.accepted)


def _counts(merged: _Merged) -> bytes:
    return _dumped((merged.counts, merged.problems))


def _part_newest(
    selection: Selection, keep: Sequence[Membership], part: Iterable[_Merged]
) -> bytes:
    selectable = [
        entry for merged in part for entry in merged.accepted if passes_filters(entry, selection)
    ]
    return _dumped(_newest(selectable, keep))


def _each_newest(
    part: Iterable[_Merged], selection: Selection, keep: Sequence[Membership]
) -> list[bytes]:
    """`_part_newest` as a partition of its own (one pickled list)."""
    return [_part_newest(selection, keep, part)]


def _combine_newest(keep: Sequence[Membership], partials: Iterable[bytes]) -> bytes:
    entries: list[Entry] = [entry for blob in partials for entry in _loaded(blob)]
    return _dumped(_newest(entries, keep))


def _newest(entries: Sequence[Entry], keep: Sequence[Membership]) -> list[Entry]:
    """The entries among the newest of some feed they belong to: each feed's
    newest `count` (all of a feed whose count is None), each entry once. A
    feed's newest in a union of partitions are among its newest in each."""
    if _shows_everything(keep):
        return list(entries)
    kept: dict[str, Entry] = {}
    for name, by, count in keep:
        feeds: dict[str, list[Entry]] = {}
        for entry in entries:
            for value in dict.fromkeys(values_of(entry, by)) if name else ("",):
                feeds.setdefault(value, []).append(entry)
        for members in feeds.values():
            shown = members if count is None else newest_first(members)[:count]
            kept.update((entry.id, entry) for entry in shown)
    return list(kept.values())


def _heads(jobs: Sequence[HeadJob]) -> bytes:
    return _dumped(render_heads(jobs, None))


def _pick(part: list[Produced], wanted: frozenset[str]) -> bytes:
    """The partition's fragments whose keys are `wanted`, pickled."""
    return _dumped(
        [
            fragment
            for produced in part
            for fragment in _fragments(produced[2])
            if fragment.key in wanted
        ]
    )


def _fragments(blob: bytes) -> Sequence[Fragment]:
    fragments: Sequence[Fragment] = _loaded(blob)
    return fragments


# -- on the client -------------------------------------------------------------


def _share(client: Client, value: object) -> Future[Any]:
    """`value` on every worker, as one piece (scatter splits a dict or a set)."""
    [future] = client.scatter([value], broadcast=True)
    shared: Future[Any] = future
    return shared


def _wait_for_map(
    produced: db.Bag,
    parts: Sequence[Sequence[str]],
    progress: Progress | None,
    cache: Cache | None,
) -> None:
    """Wait for the map, telling `progress` how many files are done. With a
    `cache`, bring each partition's fragments into it as the partition is
    done, while the others are made. The whole partition travels (its
    outcomes and merge are a tenth of its fragments) rather than a task
    picking out its fragments, which would queue among the map's."""
    futures = futures_of(produced)
    files = dict(zip([future.key for future in futures], [len(p) for p in parts], strict=False))
    done, total = 0, sum(len(part) for part in parts)
    for future in as_completed(futures):
        done += files.get(future.key, 0)
        if cache is not None:
            partition: list[Produced] = future.result()
            for made in partition:
                _store(made[2], cache)
        if progress is not None:
            progress(done, total)


def _store(blob: bytes, cache: Cache) -> list[str]:
    """Add the pickled fragments to `cache` (but those it holds already:
    a fetch brings whatever the workers made); their keys."""
    fragments = _fragments(blob)
    keys = [fragment.key for fragment in fragments]
    known = cache.locate(keys)
    cache.add([fragment for fragment in fragments if fragment.key not in known])
    return keys


def _collection(
    inputs: Sequence[str],
    counts: Sequence[tuple[tuple[int, int, int, int], list[Problem]]],
    newest: Sequence[Entry],
) -> Collection[Entry]:
    collection = Collection[Entry](files=[shown_name(name) for name in inputs])
    for (records, valid, invalid, unreadable), problems in counts:
        collection.records += records
        collection.valid += valid
        collection.invalid += invalid
        collection.unreadable += unreadable
        collection.problems += problems
    sort_problems(collection)
    collection.accepted = newest_first(newest)
    collection.held_back = collection.valid - len(collection.accepted)
    return collection
