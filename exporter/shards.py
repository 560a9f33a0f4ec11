"""Load → validate → render → verify a shard of input files in one worker.

A cold export used to check files in the workers, ship every article to the
parent, and ship it again to the workers that render it: pickling frozen
dataclasses both ways cost more CPU than rendering them, much of it in the
parent, which all workers then waited for. Here each worker takes a shard of
files from start to verified entries and hands back only bytes and small keys;
the parent merges (duplicate URLs, selection, order) and writes.

Entries do not depend on their neighbours or position, so entries rendered
shard by shard and put in order are byte for byte the feed one render of all
articles gives (`exporter.render.pieces`; a test compares both ways). Every
shard document is verified with the `check` rules before its entries are used.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from exporter.batches import BATCH_SIZE
from exporter.cache import Cache, outcome_from_json, outcome_to_json
from exporter.collect import (
    PARALLEL_THRESHOLD,
    CheckedRecord,
    Collection,
    FileOutcome,
    check_file,
    merge_outcome,
    sort_problems,
)
from exporter.config import FeedConfig
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, STDIN_NAME
from exporter.load.text import file_digest
from exporter.model import Article
from exporter.problems import Problem
from exporter.render import get_format
from exporter.render.pieces import split_entries
from exporter.render.view import articles_updated
from exporter.select import Selection, passes_filters
from exporter.verify import verify
from exporter.workers import ordered_map

# Files per shard: enough to amortise one render and check per format, few
# enough that a shard's entries are small and every worker stays busy.
SHARD_FILES = 64
# Rendered entries kept in memory before they go to a temporary file.
SPOOL_MEMORY = 128 << 20


@dataclass(frozen=True, slots=True)
class ShardJob:
    names: tuple[str, ...]
    settings: LoadSettings
    formats: tuple[str, ...]
    feed: FeedConfig
    now: datetime | None
    cache_dir: Path | None  # where outcomes are cached: looked up here, stored by the parent
    selection: Selection = field(default_factory=Selection)  # records it drops are not rendered


@dataclass(frozen=True, slots=True)
class EntryKey:
    """What selection and ordering need of one rendered entry."""

    id: str
    published_at: datetime
    published: bool
    source: str


@dataclass(frozen=True, slots=True)
class ShardResult:
    outcomes: tuple[FileOutcome, ...]  # without their articles
    looked_up: tuple[str | None, ...]  # per file: the digest it was looked up with
    checked: tuple[bool, ...]  # per file: checked now (else taken from the cache)
    fresh: tuple[bytes | None, ...]  # per file checked now: its outcome for the cache
    keys: tuple[EntryKey, ...]  # one per record that passed the contract, in order
    entries: dict[str, tuple[bytes, ...]]  # per format, in the order of `keys`
    problems: dict[str, list[Problem]]  # what verification found, per format


def run_shard(
    job: ShardJob, stdin: BinaryIO | None = None, cache: Cache | None = None
) -> ShardResult:
    """`cache` is the caller's own when the shard runs in its process; a worker
    opens its own connection (one per process) from `job.cache_dir`."""
    if cache is None and job.cache_dir is not None:
        cache = _process_cache(job.cache_dir, job.settings)
    outcomes: list[FileOutcome] = []
    looked_up: list[str | None] = []
    checked: list[bool] = []
    fresh: list[bytes | None] = []
    articles: list[Article] = []
    for name in job.names:
        outcome, digest = None, None
        if cache is not None and name != STDIN:
            # hashed here, in parallel, rather than by the parent before any work starts
            digest = file_digest(name, job.settings.max_bytes)
            stored = cache.outcome_json(name, digest) if digest is not None else None
            outcome = outcome_from_json(stored) if stored is not None else None
        looked_up.append(digest)
        checked.append(outcome is None)
        encoded = None
        if outcome is None:
            outcome = check_file(name, job.settings, stdin)
            encoded = outcome_to_json(outcome) if cache is not None else None
        fresh.append(encoded)
        articles.extend(
            record.article
            for record in outcome.records
            if not record.problems and record.article is not None
        )
        outcomes.append(_without_articles(outcome))
    entries: dict[str, list[bytes]] = {name: [b""] * len(articles) for name in job.formats}
    problems: dict[str, list[Problem]] = {name: [] for name in job.formats}
    # entries selection will drop are left empty (never written, never read)
    keep = job.selection
    kept = [index for index, article in enumerate(articles) if passes_filters(article, keep)]
    for positions in _rounds(articles, kept):
        for start in range(0, len(positions), BATCH_SIZE):
            _render(articles, positions[start : start + BATCH_SIZE], job, entries, problems)
    return ShardResult(
        outcomes=tuple(outcomes),
        looked_up=tuple(looked_up),
        checked=tuple(checked),
        fresh=tuple(fresh),
        keys=tuple(EntryKey(a.id, a.published_at, a.published, a.source) for a in articles),
        entries={name: tuple(found) for name, found in entries.items()},
        problems=problems,
    )


def _rounds(articles: Sequence[Article], positions: Sequence[int]) -> list[list[int]]:
    """The articles at `positions`, split so that no id occurs twice in one
    document: a later record with the same webUrl (rejected afterwards as a
    duplicate, or left out by selection) must not fail the unique-id rules."""
    rounds: list[list[int]] = []
    seen: dict[str, int] = {}
    for position in positions:
        article_id = articles[position].id
        index = seen.get(article_id, 0)
        seen[article_id] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(position)
    return rounds


def _render(
    articles: Sequence[Article],
    positions: Sequence[int],
    job: ShardJob,
    entries: dict[str, list[bytes]],
    problems: dict[str, list[Problem]],
) -> None:
    batch = [articles[position] for position in positions]
    updated = articles_updated(batch)
    for name in job.formats:
        feed_format = get_format(name)
        try:
            document = feed_format.render(batch, job.feed, updated)
            for position, entry in zip(
                positions, split_entries(name, document, len(batch)), strict=True
            ):
                entries[name][position] = entry
        except Exception as error:  # any renderer failure is our bug, reported like one
            problems[name].append(
                Problem(
                    path=feed_format.file_name,
                    rule="export-render-failed",
                    message=f"rendering failed: {type(error).__name__}: {error}",
                )
            )
            continue
        problems[name] += verify(document, feed_format.file_name, job.feed.url_for(name), job.now)


_PROCESS_CACHES: dict[tuple[Path, LoadSettings], Cache] = {}


def _process_cache(folder: Path, settings: LoadSettings) -> Cache:
    """This worker's connection to the cache (SQLite connections do not survive a fork)."""
    key = (folder, settings)
    if key not in _PROCESS_CACHES:
        _PROCESS_CACHES[key] = Cache(folder, settings)
    return _PROCESS_CACHES[key]


def _without_articles(outcome: FileOutcome) -> FileOutcome:
    """The outcome as the parent needs it: articles are what pickling cost most.
    Built directly (`dataclasses.replace` inspects the fields on every call);
    `_RECORD_FIELDS` fails at import if CheckedRecord gains a field."""
    records = outcome.records
    if all(record.article is None for record in records):
        return outcome
    return FileOutcome(
        outcome.name,
        outcome.load_problems,
        tuple(
            [
                CheckedRecord(r.source, r.url, r.url_line, r.problems, None, r.url_line_deferred)
                for r in records
            ]
        ),
        outcome.digest,
    )


_RECORD_FIELDS = ("source", "url", "url_line", "problems", "article", "url_line_deferred")
_OUTCOME_FIELDS = ("name", "load_problems", "records", "digest")
if tuple(f.name for f in fields(CheckedRecord)) != _RECORD_FIELDS or (
    tuple(f.name for f in fields(FileOutcome)) != _OUTCOME_FIELDS
):
    raise ImportError("_without_articles must copy every field of CheckedRecord and FileOutcome")


class EntrySpool:
    """Rendered entries between the shards and the write: in memory up to
    `memory` bytes, then in an anonymous temporary file, so the exporter's memory
    does not grow with the feed (100,000 entries in three formats are ~550 MB)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self._end = 0

    def add(self, data: bytes) -> tuple[int, int]:
        self._file.write(data)
        start, self._end = self._end, self._end + len(data)
        return start, len(data)

    def read(self, span: tuple[int, int]) -> bytes:
        self._file.seek(span[0])
        data = self._file.read(span[1])
        self._file.seek(self._end)
        return data

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True, slots=True)
class Accepted:
    """A record that will be exported unless selection leaves it out (what
    selection reads, and where its entry in each format is spooled)."""

    id: str
    published_at: datetime
    published: bool
    source: str
    spans: dict[str, tuple[int, int]]


@dataclass
class ShardedCollection:
    collection: Collection
    spool: EntrySpool
    accepted: list[Accepted] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # verification


def collect_and_render(
    inputs: list[str],
    settings: LoadSettings,
    formats: tuple[str, ...],
    feed: FeedConfig,
    now: datetime | None,
    *,
    stdin: BinaryIO | None = None,
    jobs: int = 1,
    pool: Executor | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    selection: Selection | None = None,
) -> ShardedCollection:
    """Everything `collect` finds in `inputs` (as `discover` lists them), plus
    every accepted record's verified entries."""
    collection = Collection(files=[STDIN_NAME if name == STDIN else name for name in inputs])
    result = ShardedCollection(collection, EntrySpool(), problems={name: [] for name in formats})
    shards = [
        ShardJob(
            names=tuple(inputs[start : start + SHARD_FILES]),
            settings=settings,
            formats=formats,
            feed=feed,
            now=now,
            cache_dir=cache.folder if cache is not None else None,
            selection=selection or Selection(),
        )
        for start in range(0, len(inputs), SHARD_FILES)
    ]
    parallel = jobs > 1 and len(inputs) >= PARALLEL_THRESHOLD and STDIN not in inputs
    first_seen: dict[str, tuple[int, CheckedRecord]] = {}
    done = 0
    results = _run(shards, parallel, jobs, pool, stdin, cache)
    for shard, shard_result in zip(shards, results, strict=True):
        keys = iter(zip(shard_result.keys, _entries_by_key(shard_result), strict=True))
        for index, outcome in enumerate(shard_result.outcomes):
            name, digest = shard.names[index], shard_result.looked_up[index]
            checked = shard_result.checked[index]
            collection.manifest.append((name, outcome.digest if checked else digest))
            encoded = shard_result.fresh[index]
            # stored only if the bytes checked are the bytes looked up
            if cache is not None and encoded is not None and _same(digest, outcome.digest):
                cache.store_json(name, outcome.digest or "", encoded)
            for accepted in merge_outcome(outcome, collection, first_seen, settings):
                key, entries = next(keys)
                if accepted:
                    spans = {name: result.spool.add(entry) for name, entry in entries.items()}
                    result.accepted.append(
                        Accepted(key.id, key.published_at, key.published, key.source, spans)
                    )
            done += 1
            if progress is not None:
                progress(done, len(inputs))
        for name, found in shard_result.problems.items():
            result.problems[name] += found
    if cache is not None:
        cache.flush()
    sort_problems(collection)
    return result


def _same(looked_up: str | None, checked: str | None) -> bool:
    return looked_up is not None and looked_up == checked


def _entries_by_key(result: ShardResult) -> Iterator[dict[str, bytes]]:
    for index in range(len(result.keys)):
        yield {name: entries[index] for name, entries in result.entries.items()}


def _run(
    shards: list[ShardJob],
    parallel: bool,
    jobs: int,
    pool: Executor | None,
    stdin: BinaryIO | None,
    cache: Cache | None,
) -> Iterator[ShardResult]:
    """Results in shard order; in parallel a bounded window of shards runs ahead,
    so results never pile up in memory."""
    if not parallel:
        for shard in shards:
            yield run_shard(shard, stdin, cache)
        return
    yield from ordered_map(run_shard, shards, jobs, pool, ahead=3)
