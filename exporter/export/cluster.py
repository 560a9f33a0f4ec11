"""The produce stage on a Dask cluster: a map over the input files and two folds.

1. Map: each partition of input files is checked and rendered on a worker
   (`produce.run_job`, the same function the local engine runs), and the
   outcome stays there, held by the cluster (`persist`).
2. Fold the webUrls (`Bag.foldby`): for each webUrl more than one record
   uses, where its first record is. Every partition then merges its own
   outcomes exactly as the local engine does (`merge_outcome`), told which
   webUrls a partition before it has already taken.
3. Fold the feeds (`Bag.foldby`): each valid record joins the main feed and
   each set's feed of its values; per feed only the newest entries it can show
   are kept (all of them when it has archive pages). The union of those comes
   back as entry summaries, with the counts and the problems of every record.
   Steps 2 and 3 are one graph, submitted with the map: they run as its
   partitions finish.
4. The plan runs on the client as it does locally; afterwards only the
   fragments of the planned entries travel to the client, one partition's
   worth at a time, into its cache (the pack is a file, even with --no-cache),
   where the pipeline assembles, verifies and writes the feeds.

The client holds the summaries of the entries it writes, never every record's;
the fragments wait on the workers until the plan asks for them. The workers
keep no cache: a cluster export is a cold one.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import dask.bag as db
from dask.delayed import delayed
from distributed import Client, Future, LocalCluster, as_completed, futures_of

from exporter.collect import (
    CheckedRecord,
    Collection,
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
    ProduceResult,
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

Position = tuple[int, int, int]  # partition, file in it, record in the file
# A record's webUrl as the duplicate rule's message needs it: where, and its line.
Use = tuple[str, Position, str, int | None, bool]  # url, position, source, line, deferred
FirstUse = tuple[int, Use]  # how many records use the webUrl; the first of them
FeedKey = tuple[str, str]  # (set name, value); ("", "") is the main feed
Newest = tuple[int | None, list[Entry]]  # how many to keep (None: all), entries
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
                with _sigint_ignored():
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
        # finish, while this process reports progress.
        firsts = delayed(_firsts)(
            produced.map(_url_uses)
            .flatten()
            .foldby(_url_of, _add_use, None, _merge_uses, None)
            .filter(_shared)
        )
        merged = produced.map(_merge, firsts, load)
        newest = (
            merged.map(_memberships, spec.selection, self.keep)
            .flatten()
            .foldby(_feed_of, _add_newest, None, _merge_newest, None)
            .map(_cut)
        )
        folded = self.client.compute([merged.map(_counts), newest])
        _report_progress(produced, parts, progress)
        counts, feeds = self.client.gather(folded)
        return _collection(inputs, counts, feeds)

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
            fragments: list[Fragment] = future.result()
            cache.add(fragments)
            found.update(fragment.key for fragment in fragments)
            future.release()
        missing = [entry.source for key, entry in wanted.items() if key not in found]
        return list(dict.fromkeys(missing))

    def render_heads(self, heads: Sequence[HeadJob]) -> list[Fragment]:
        """On the workers, in batches (a set of many values has thousands)."""
        batches = [heads[start : start + HEAD_BATCH] for start in range(0, len(heads), HEAD_BATCH)]
        futures = self.client.map(_heads, batches, pure=False)
        return [fragment for made in self.client.gather(futures) for fragment in made]


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


def _run(job: tuple[int, ProduceJob]) -> tuple[int, bytes]:
    """The partition's outcome as one pickled blob: a worker holds the corpus
    until the plan has picked from it, and millions of live objects would make
    each of its garbage collections walk them all."""
    index, produce_job = job
    return index, pickle.dumps(run_job(produce_job), pickle.HIGHEST_PROTOCOL)


def _result(blob: bytes) -> ProduceResult:
    result: ProduceResult = pickle.loads(blob)
    return result


def _url_uses(produced: tuple[int, bytes]) -> list[Use]:
    index, result = produced[0], _result(produced[1])
    return [
        (record.url, (index, file_index, record_index), record.source, record.url_line,
         record.url_line_deferred)
        for file_index, outcome in enumerate(result.outcomes)
        for record_index, record in enumerate(outcome.records)
        if record.url is not None
    ]  # fmt: skip


def _url_of(use: Use) -> str:
    return use[0]


def _add_use(found: FirstUse | None, use: Use) -> FirstUse:
    if found is None:
        return 1, use
    count, first = found
    return count + 1, use if use[1] < first[1] else first


def _merge_uses(one: FirstUse | None, other: FirstUse | None) -> FirstUse | None:
    if one is None or other is None:
        return one or other
    first = one[1] if one[1][1] <= other[1][1] else other[1]
    return one[0] + other[0], first


def _shared(item: tuple[str, FirstUse]) -> bool:
    return item[1][0] > 1


def _firsts(shared: list[tuple[str, FirstUse]]) -> dict[str, Use]:
    """The first use of each webUrl more than one record uses."""
    return {url: first for url, (_, first) in shared}


@dataclass(frozen=True, slots=True)
class _Merged:
    """A partition's records merged as the local engine merges them."""

    counts: tuple[int, int, int, int]  # records, valid, invalid, unreadable
    problems: list[Problem]
    accepted: list[Entry]


def _merge(produced: tuple[int, bytes], firsts: Mapping[str, Use], load: LoadSettings) -> _Merged:
    """`merge_outcome` over the partition's files, knowing the webUrls that
    records of earlier partitions took (as the earliest: serial -1)."""
    index, result = produced[0], _result(produced[1])
    part = Collection[Entry]()
    first_seen: dict[str, tuple[int, CheckedRecord[Entry]]] = {
        url: (-1, CheckedRecord(source, url, line, (), None, deferred))
        for url, (_, position, source, line, deferred) in firsts.items()
        if position[0] < index
    }
    for outcome in result.outcomes:
        merge_outcome(outcome, part, first_seen, load)
    counts = (part.records, part.valid, part.invalid, part.unreadable)
    return _Merged(counts, part.problems, part.accepted)


def _counts(merged: _Merged) -> tuple[tuple[int, int, int, int], list[Problem]]:
    return merged.counts, merged.problems


def _memberships(
    merged: _Merged, selection: Selection, keep: Sequence[Membership]
) -> list[tuple[FeedKey, int | None, Entry]]:
    """Each selectable entry once per feed it belongs to, with that feed's count."""
    members: list[tuple[FeedKey, int | None, Entry]] = []
    for entry in merged.accepted:
        if not passes_filters(entry, selection):
            continue
        for name, by, count in keep:
            if not name:
                members.append((("", ""), count, entry))
                continue
            members += [
                ((name, value), count, entry) for value in dict.fromkeys(values_of(entry, by))
            ]
    return members


def _feed_of(member: tuple[FeedKey, int | None, Entry]) -> FeedKey:
    return member[0]


def _add_newest(found: Newest | None, member: tuple[FeedKey, int | None, Entry]) -> Newest:
    _, count, entry = member
    kept, entries = found if found is not None else (count, [])
    entries.append(entry)
    if kept is not None and len(entries) >= 4 * kept + 64:
        entries = newest_first(entries)[:kept]
    return kept, entries


def _merge_newest(one: Newest | None, other: Newest | None) -> Newest | None:
    if one is None or other is None:
        return one or other
    kept, entries = one[0], one[1] + other[1]
    return kept, newest_first(entries)[:kept] if kept is not None else entries


def _cut(item: tuple[FeedKey, Newest]) -> list[Entry]:
    kept, entries = item[1]
    return newest_first(entries)[:kept] if kept is not None else entries


def _heads(jobs: Sequence[HeadJob]) -> list[Fragment]:
    return render_heads(jobs, None)


def _pick(part: list[tuple[int, bytes]], wanted: frozenset[str]) -> list[Fragment]:
    return [
        fragment
        for _, blob in part
        for fragment in _result(blob).fragments
        if fragment.key in wanted
    ]


# -- on the client -------------------------------------------------------------


def _share(client: Client, value: object) -> Future[Any]:
    """`value` on every worker, as one piece (scatter splits a dict or a set)."""
    [future] = client.scatter([value], broadcast=True)
    shared: Future[Any] = future
    return shared


def _report_progress(
    produced: db.Bag, parts: Sequence[Sequence[str]], progress: Progress | None
) -> None:
    """Wait for the map, telling `progress` how many files are done."""
    futures = futures_of(produced)
    files = dict(zip([future.key for future in futures], [len(p) for p in parts], strict=False))
    done, total = 0, sum(len(part) for part in parts)
    for future in as_completed(futures):
        done += files.get(future.key, 0)
        if progress is not None:
            progress(done, total)


def _collection(
    inputs: Sequence[str],
    counts: Sequence[tuple[tuple[int, int, int, int], list[Problem]]],
    feeds: Sequence[list[Entry]],
) -> Collection[Entry]:
    collection = Collection[Entry](files=[shown_name(name) for name in inputs])
    for (records, valid, invalid, unreadable), problems in counts:
        collection.records += records
        collection.valid += valid
        collection.invalid += invalid
        collection.unreadable += unreadable
        collection.problems += problems
    sort_problems(collection)
    union = {entry.id: entry for entries in feeds for entry in entries}
    collection.accepted = newest_first(list(union.values()))
    collection.held_back = collection.valid - len(collection.accepted)
    return collection
