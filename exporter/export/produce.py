"""Load → validate → model → render: input files become entries and fragments.

Workers take the inputs in shards of `SHARD_FILES` files. For each file a
worker looks its bytes up in the cache; a file it has not seen is read and
checked against the contract (`exporter.collect`), and its valid records become
`Entry` summaries. Unless told to wait (a small --limit renders only what the
plan picks), the worker then renders the fragments of those records that the
cache does not hold yet, in batches, and verifies them (`exporter.export.fragments`).
Only small summaries and fragment bytes travel back: pickling whole articles
to the parent cost more than rendering them.

The parent merges the outcomes in input order (the duplicate-webUrl rule needs
all files) and stores what is new. `render_missing` is the second round, for
fragments the plan needs but nobody made yet: the files holding those records
are read again and only those records are rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from exporter.collect import (
    PARALLEL_THRESHOLD,
    CheckedRecord,
    Collection,
    FileOutcome,
    check_file,
    merge_outcome,
    shown_name,
    sort_problems,
)
from exporter.config import EntrySettings, FeedConfig
from exporter.export.fragments import Entry, Fragment, make_fragments, make_head
from exporter.export.keys import article_digest, entry_salt, fragment_key, outcome_key
from exporter.export.plan import Selection, passes_filters
from exporter.export.store import Cache
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, load_source
from exporter.load.text import file_digest
from exporter.model import Article, article_from_record
from exporter.problems import Problem, problem_from_dict
from exporter.records import Record
from exporter.timings import count, stage
from exporter.workers import ordered_map

# Files per shard: enough to amortise one render and check per format, few
# enough that a shard's fragments are small and every worker stays busy.
SHARD_FILES = 64
# Entries per probe document: far below the size at which checking slows down.
BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class RenderSpec:
    """What a worker needs to make fragments."""

    formats: tuple[str, ...]
    settings: EntrySettings
    now: datetime  # the run's clock for the date checks
    pinned: datetime | None  # the clock when pinned (tests): part of every key
    selection: Selection = field(default_factory=Selection)  # records it drops are not rendered

    def key(self, format_name: str, digest: str) -> str:
        return fragment_key(format_name, self.settings, digest, self.pinned)

    def salt(self, format_name: str) -> str:
        return entry_salt(format_name, self.settings, self.pinned)


@dataclass(frozen=True, slots=True)
class ProduceJob:
    """Files to check, and whose records to render."""

    names: tuple[str, ...]
    remember: bool  # give back each outcome to store, keyed by the bytes checked
    load: LoadSettings
    cache_dir: Path | None  # where to ask whether a fragment exists already
    render: RenderSpec | None  # None: check only, render what the plan picks later
    # Second round: per file, the digests of the articles to render (and only those).
    wanted: tuple[frozenset[str], ...] | None = None


@dataclass(frozen=True, slots=True)
class ProduceResult:
    outcomes: tuple[FileOutcome[Entry], ...]
    fresh: tuple[tuple[str, bytes], ...]  # (outcome key, encoded outcome) to store
    fragments: tuple[Fragment, ...]
    found: frozenset[str] = frozenset()  # second round: the wanted digests seen


def run_job(
    job: ProduceJob, stdin: BinaryIO | None = None, cache: Cache | None = None
) -> ProduceResult:
    """Check every file of the job and render its records' missing fragments.
    `cache` is the caller's own when the job runs in its process; a worker
    opens its own connection (one per process) from `job.cache_dir`."""
    if cache is None and job.cache_dir is not None:
        cache = _process_cache(job.cache_dir)
    if job.wanted is not None:
        return _render_wanted(job, cache)
    outcomes: list[FileOutcome[Entry]] = []
    fresh: list[tuple[str, bytes]] = []
    render: list[tuple[Article, str]] = []
    for name in job.names:
        checked = check_file(name, job.load, stdin)
        entries = _entries(checked)
        outcomes.append(entries)
        if job.remember and name != STDIN and checked.digest is not None:
            key = outcome_key(job.load, name, checked.digest)
            fresh.append((key, encode_outcome(entries)))
        if job.render is None:
            continue
        for record, summary in zip(checked.records, entries.records, strict=True):
            article, entry = record.value, summary.value
            if article is None or entry is None or record.problems:
                continue
            if passes_filters(article, job.render.selection):
                render.append((article, entry.digest))
    fragments = _render(render, job.render, cache) if job.render is not None else []
    return ProduceResult(tuple(outcomes), tuple(fresh), tuple(fragments))


def _render_wanted(job: ProduceJob, cache: Cache | None) -> ProduceResult:
    """The second round: render the records whose article digests are wanted.
    They were checked against the contract when their files were first read;
    an article with the same digest is the same valid article, so the records
    are only loaded and modelled, not checked again (a record that no longer
    models gives no article, and its file is reported as changed)."""
    assert job.wanted is not None and job.render is not None
    render: list[tuple[Article, str]] = []
    found: set[str] = set()
    for name, wanted in zip(job.names, job.wanted, strict=True):
        for item in load_source(name, job.load):
            if not isinstance(item, Record):
                continue
            try:
                article = article_from_record(item.data, item.body, item.source)
                digest = article_digest(article)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
            if digest in wanted and digest not in found:
                render.append((article, digest))
                found.add(digest)
    fragments = _render(render, job.render, cache)
    return ProduceResult((), (), tuple(fragments), frozenset(found))


def _entry(article: Article, line: int | None) -> Entry:
    # In UTC: dates that share one tzinfo compare without calling it (sorting 10,000).
    published_at = article.published_at.astimezone(UTC)
    provider = article.provider
    return Entry(
        article.id, published_at, article.published, article.source, article_digest(article),
        article.title, article.topics, provider.name if provider is not None else None,
        article.category, article.type,
        None if article.modified_at is None else article.modified_at.astimezone(UTC),
        article.original_url, line,
    )  # fmt: skip


def _entries(checked: FileOutcome[Article]) -> FileOutcome[Entry]:
    """The outcome with each article summed up as an `Entry` (its record's webUrl
    line included, for the id guard's messages)."""
    records = [
        CheckedRecord(
            r.source, r.url, r.url_line, r.problems,
            _entry(r.value, r.url_line) if r.value is not None else None, r.url_line_deferred,
        )
        for r in checked.records
    ]  # fmt: skip
    return FileOutcome(checked.name, checked.load_problems, tuple(records), checked.digest)


def _render(
    articles: Sequence[tuple[Article, str]], spec: RenderSpec, cache: Cache | None
) -> list[Fragment]:
    """Fragments of `articles` in every format, but those the cache already holds."""
    made: list[Fragment] = []
    unique = list({digest: article for article, digest in articles}.items())
    for format_name in spec.formats:
        keys = [spec.key(format_name, digest) for digest, _ in unique]
        known = cache.known(keys) if cache is not None else set()
        todo = [(key, article) for key, (_, article) in zip(keys, unique, strict=True)]
        todo = [(key, article) for key, article in todo if key not in known]
        for batch in _batches(todo):
            made += make_fragments(
                format_name,
                [article for _, article in batch],
                [key for key, _ in batch],
                spec.settings,
                spec.now,
            )
    return made


def _batches(todo: list[tuple[str, Article]]) -> Iterator[list[tuple[str, Article]]]:
    """Batches in which no id occurs twice: a later record with the same webUrl
    (rejected afterwards as a duplicate) must not trip the unique-id rules."""
    rounds: list[list[tuple[str, Article]]] = []
    seen: dict[str, int] = {}
    for item in todo:
        article_id = item[1].id
        index = seen.get(article_id, 0)
        seen[article_id] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(item)
    for items in rounds:
        for start in range(0, len(items), BATCH_SIZE):
            yield items[start : start + BATCH_SIZE]


_PROCESS_CACHES: dict[Path, Cache] = {}


def _process_cache(folder: Path) -> Cache:
    """This worker's connection to the cache (SQLite connections do not survive a fork)."""
    if folder not in _PROCESS_CACHES:
        _PROCESS_CACHES[folder] = Cache(folder, reader=True)
    return _PROCESS_CACHES[folder]


# -- outcomes as stored: compact arrays, decoded on every unchanged run ----------


def encode_outcome(outcome: FileOutcome[Entry]) -> bytes:
    records = [
        [
            r.source, r.url, r.url_line, r.url_line_deferred, list(r.problems),
            None if r.value is None else r.value.encode(),
        ]
        for r in outcome.records
    ]  # fmt: skip
    return orjson.dumps([outcome.name, outcome.digest, list(outcome.load_problems), records])


def decode_outcome(data: bytes) -> FileOutcome[Entry] | None:
    """None for a row that does not decode: a miss, never an error. (Runs for
    every unchanged file after an edit: no generator where a list will do.)"""
    try:
        name, digest, load_problems, records = orjson.loads(data)
        return FileOutcome(
            name,
            _problems(load_problems),
            tuple([_record(*record) for record in records]),
            digest,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _record(
    source: str, url: str | None, url_line: int | None, deferred: bool,
    problems: list[dict[str, Any]], entry: list[Any] | None,
) -> CheckedRecord[Entry]:  # fmt: skip
    value = None if entry is None else Entry.decode(entry)
    return CheckedRecord(source, url, url_line, _problems(problems), value, deferred)


def _problems(found: list[dict[str, Any]]) -> tuple[Problem, ...]:
    return tuple([problem_from_dict(p) for p in found]) if found else ()


def encode_collection(collection: Collection[Entry]) -> bytes:
    accepted = [entry.encode() for entry in collection.accepted]
    return orjson.dumps(
        [collection.files, accepted, collection.problems,
         [collection.records, collection.valid, collection.invalid, collection.unreadable]]
    )  # fmt: skip


def decode_collection(data: bytes) -> Collection[Entry] | None:
    """None for a row that does not decode: a miss, never an error."""
    try:
        files, accepted, problems, (records, valid, invalid, unreadable) = orjson.loads(data)
        return Collection(
            files=files,
            accepted=[Entry.decode(entry) for entry in accepted],
            problems=[problem_from_dict(p) for p in problems],
            records=records,
            valid=valid,
            invalid=invalid,
            unreadable=unreadable,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


# -- the parent's side ------------------------------------------------------------


def produce(
    inputs: list[str],
    load: LoadSettings,
    render: RenderSpec | None,
    cache: Cache,
    *,
    jobs: int,
    pool: Executor | None,
    stdin: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Collection[Entry]:
    """Every input looked up by its bytes, or checked (and rendered) if new,
    then merged in input order; the fragments made on the way are in `cache`.
    The very same inputs as a run before give that run's collection at once."""
    with stage("look up"):
        # A cache that never saw a file has nothing to find: the workers hash
        # what they read instead of this process hashing every file first.
        looked_up = cache.persistent and cache.has_outcomes()
        keys: list[str | None] = _outcome_keys(inputs, load) if looked_up else [None] * len(inputs)
        whole = _collection_key(keys)
        remembered = cache.collection(whole) if whole is not None else None
        collection = decode_collection(remembered) if remembered is not None else None
        if collection is not None:
            return collection
        stored = cache.outcomes([key for key in keys if key is not None])
        rows = {i: stored[key] for i, key in enumerate(keys) if key is not None and key in stored}

    def job(names: Sequence[str]) -> ProduceJob:
        folder = cache.folder if cache.persistent else None
        return ProduceJob(tuple(names), cache.persistent, load, folder, render)

    todo = [inputs[index] for index in range(len(inputs)) if index not in rows]
    shards = [job(todo[start : start + SHARD_FILES]) for start in range(0, len(todo), SHARD_FILES)]
    # Submitted first: the workers check what is new while this process decodes
    # what it looked up.
    results = _run(shards, jobs, pool, stdin, cache)
    fresh = (outcome for result in results for outcome in _stored(result, cache))
    with stage("look up"):
        known = {index: decode_outcome(row) for index, row in rows.items()}
    collection = Collection[Entry](files=[shown_name(name) for name in inputs])
    first_seen: dict[str, tuple[int, CheckedRecord[Entry]]] = {}
    for index, name in enumerate(inputs):
        outcome = known.get(index) if index in rows else next(fresh)
        if outcome is None:  # a stored row that does not decode: checked here, now
            outcome = _stored(run_job(job([name]), stdin, cache), cache)[0]
        if index not in rows and name != STDIN and outcome.digest is not None:
            keys[index] = outcome_key(load, name, outcome.digest)
        merge_outcome(outcome, collection, first_seen, load)
        if progress is not None:
            progress(index + 1, len(inputs))
    cache.flush()
    sort_problems(collection)
    whole = _collection_key(keys) if cache.persistent else None
    if whole is not None:
        cache.store_collection(whole, encode_collection(collection))
    return collection


def _collection_key(keys: Sequence[str | None]) -> str | None:
    """The key of a whole input set: its files' keys in order (each covers the
    file's name and bytes, the load bounds and the code). None if a file
    cannot be looked up."""
    if not keys or any(key is None for key in keys):
        return None
    digest = hashlib.sha256()
    for key in keys:
        assert key is not None
        digest.update(key.encode())
    return digest.hexdigest()


def _outcome_keys(inputs: Sequence[str], load: LoadSettings) -> list[str | None]:
    """Per input, the key its outcome is stored under; None where it cannot be
    looked up (standard input, a file that is not regular or too large: those
    are checked, and reported, afresh)."""
    keys: list[str | None] = []
    for name in inputs:
        digest = file_digest(name, load.max_bytes) if name != STDIN else None
        keys.append(outcome_key(load, name, digest) if digest is not None else None)
    return keys


def _stored(result: ProduceResult, cache: Cache) -> tuple[FileOutcome[Entry], ...]:
    """Keep what a job made in the cache; its outcomes, in order."""
    for key, value in result.fresh:
        cache.store_outcome(key, value)
    cache.add(result.fragments)
    count("entries rendered", len(result.fragments))
    return result.outcomes


def render_missing(
    entries: Sequence[Entry],
    load: LoadSettings,
    render: RenderSpec,
    cache: Cache,
    *,
    jobs: int,
    pool: Executor | None,
) -> list[str]:
    """Make the fragments of `entries` by reading their files again; the files
    whose records changed since they were checked (nothing is guessed)."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.source, set()).add(entry.digest)
    names = list(wanted)
    jobs_list = [
        ProduceJob(
            tuple(names[start : start + SHARD_FILES]),
            False,
            load,
            cache.folder if cache.persistent else None,
            render,
            tuple(frozenset(wanted[name]) for name in names[start : start + SHARD_FILES]),
        )
        for start in range(0, len(names), SHARD_FILES)
    ]
    changed: list[str] = []
    for job, result in zip(jobs_list, _run(jobs_list, jobs, pool, None, cache), strict=True):
        cache.add(result.fragments)
        count("entries rendered", len(result.fragments))
        changed += [name for name in job.names if not wanted[name] <= result.found]
    return changed


@dataclass(frozen=True, slots=True)
class HeadJob:
    format_name: str
    feed: FeedConfig
    updated: datetime
    key: str
    now: datetime


def _make_head(job: HeadJob) -> Fragment:
    return make_head(job.format_name, job.feed, job.updated, job.key, job.now)


def render_heads(heads: Sequence[HeadJob], pool: Executor | None) -> list[Fragment]:
    """The feeds' documents without entries, verified; in a worker when there
    is one (its render stack is loaded already), else here."""
    count("heads rendered", len(heads))
    if pool is None:
        return [_make_head(job) for job in heads]
    return list(pool.map(_make_head, heads))


_AHEAD = 3  # shards per worker in flight


def _run(
    shards: list[ProduceJob],
    jobs: int,
    pool: Executor | None,
    stdin: BinaryIO | None,
    cache: Cache,
) -> Iterator[ProduceResult]:
    """Results in shard order. In workers when there are enough files (for a
    few, starting workers costs more than it saves); a bounded window of
    shards runs ahead, so results never pile up in memory. A few shards are
    submitted at once, before the caller goes on to decode what it looked up."""
    files = sum(len(shard.names) for shard in shards)
    if (
        jobs <= 1
        or pool is None
        or files < PARALLEL_THRESHOLD
        or any(STDIN in shard.names for shard in shards)
    ):
        return (run_job(shard, stdin, cache) for shard in shards)
    if len(shards) <= jobs * _AHEAD:
        futures = [pool.submit(run_job, shard) for shard in shards]
        return (future.result() for future in futures)
    return ordered_map(run_job, shards, jobs, pool, ahead=_AHEAD)
