"""Load → validate → model: every input file becomes articles or problems.

Shared by `validate` and `export`, so both accept and reject exactly the same
records with the same messages. Each file is checked on its own (`check_file`),
which lets files be checked in parallel (`jobs`) and outcomes be cached; only
the duplicate-webUrl rule needs all files, and runs afterwards in input order.
Raw record dicts are dropped as soon as a record is checked: only compact
`Article`s are kept, so memory stays bounded on large inputs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from exporter.contract import check_record
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, STDIN_NAME, discover, load_source, read_source
from exporter.load.text import file_digest
from exporter.model import Article, article_from_record
from exporter.problems import Problem
from exporter.records import Record
from exporter.workers import new_pool

if TYPE_CHECKING:
    from exporter.cache import Cache

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True, slots=True)
class CheckedRecord:
    """One record after the contract: its article when valid, else its problems.
    `url` and `url_line` feed the cross-record duplicate rule; `url_line` is left
    to `_url_line` when finding it would cost a second parse (fast YAML path)."""

    source: str
    url: str | None
    url_line: int | None
    problems: tuple[Problem, ...]
    article: Article | None
    url_line_deferred: bool = False


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """Everything one input file contributes; picklable, so workers return it."""

    name: str
    load_problems: tuple[Problem, ...]
    records: tuple[CheckedRecord, ...]
    digest: str | None = None  # SHA-256 of the bytes that were checked


@dataclass
class Collection:
    """Outcome of reading and checking all inputs; `files` lists every input
    so that a report can account for each one."""

    files: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    # (input, SHA-256 of the bytes actually checked or None): what the articles
    # were made from; for a cache hit, the digest it was looked up with
    manifest: list[tuple[str, str | None]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.records} records, {self.valid} valid, {self.invalid} invalid, "
            f"{self.unreadable} files unreadable"
        )

    def counts(self) -> dict[str, int]:
        return {
            "records": self.records,
            "valid": self.valid,
            "invalid": self.invalid,
            "unreadable": self.unreadable,
        }


def check_file(
    name: str, settings: LoadSettings, stdin: BinaryIO | None = None, keep_articles: bool = True
) -> FileOutcome:
    """Load one input and check each of its records against the contract; the
    articles of valid records are built only for those who render them."""
    items, digest = read_source(name, settings, stdin)
    load_problems = tuple(item for item in items if isinstance(item, Problem))
    records = tuple(_check(item, keep_articles) for item in items if isinstance(item, Record))
    shown = STDIN_NAME if name == STDIN else name
    return FileOutcome(shown, load_problems, records, digest)


def _check(record: Record, keep_articles: bool) -> CheckedRecord:
    problems = tuple(check_record(record))
    valid = not problems
    url = record.data.get("webUrl")
    return CheckedRecord(
        source=record.source,
        url=url if isinstance(url, str) else None,
        url_line=None if record.locations_deferred else record.line_of("/webUrl"),
        problems=problems,
        article=(
            article_from_record(record.data, record.body, record.source)
            if valid and keep_articles
            else None
        ),
        url_line_deferred=record.locations_deferred,
    )


def _outcomes(
    inputs: list[str],
    settings: LoadSettings,
    stdin: BinaryIO | None,
    jobs: int,
    cache: Cache | None,
    manifest: list[tuple[str, str | None]],
    pool: Executor | None,
    keep_articles: bool = True,
    known_digests: Mapping[str, str | None] | None = None,
) -> Iterator[FileOutcome]:
    """Outcomes in input order: from the cache when a file's bytes are known,
    otherwise checked (in a process pool when it pays off) and then cached
    (cached outcomes always carry their articles). `known_digests` holds digests
    the caller has already computed; `manifest` gets, per input, the digest of
    what was actually checked, which differs from them if a file changed since."""
    digests = [
        _digest(name, settings, known_digests) if cache is not None and name != STDIN else None
        for name in inputs
    ]
    known: dict[int, FileOutcome] = {}
    if cache is not None:
        for index, (name, digest) in enumerate(zip(inputs, digests, strict=True)):
            hit = cache.outcome(name, digest) if digest is not None else None
            if hit is not None:
                known[index] = hit
    misses = [name for index, name in enumerate(inputs) if index not in known]
    fresh = _check_all(misses, settings, stdin, jobs, pool, cache is not None or keep_articles)
    for index, name in enumerate(inputs):
        digest = digests[index]
        if index in known:
            manifest.append((name, digest))
            yield known[index]
            continue
        outcome = next(fresh)
        manifest.append((name, outcome.digest))
        # stored only if the bytes checked are the bytes looked up
        if cache is not None and digest is not None and outcome.digest == digest:
            cache.store(name, digest, outcome)
        yield outcome
    if cache is not None:
        cache.flush()


def _digest(
    name: str, settings: LoadSettings, known: Mapping[str, str | None] | None
) -> str | None:
    if known is not None and name in known:
        return known[name]
    return file_digest(name, settings.max_bytes)


def _check_all(
    inputs: list[str],
    settings: LoadSettings,
    stdin: BinaryIO | None,
    jobs: int,
    pool: Executor | None,
    keep_articles: bool,
) -> Iterator[FileOutcome]:
    if jobs <= 1 or len(inputs) < PARALLEL_THRESHOLD or STDIN in inputs:
        for name in inputs:
            yield check_file(name, settings, stdin, keep_articles)
        return
    chunk = max(1, min(256, len(inputs) // (jobs * 8)))
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(new_pool(jobs))
        count = len(inputs)
        yield from pool.map(
            check_file, inputs, [settings] * count, [None] * count, [keep_articles] * count,
            chunksize=chunk,
        )  # fmt: skip


def collect(
    paths: Sequence[str],
    settings: LoadSettings | None = None,
    *,
    stdin: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    pool: Executor | None = None,
    keep_articles: bool = True,
    known_digests: Mapping[str, str | None] | None = None,
) -> Collection:
    """`keep_articles=False` (validate) builds no article: on large inputs they are
    most of the memory."""
    settings = settings or LoadSettings()
    inputs = discover(paths)
    # `files` uses the names problems carry, so reports match problems to inputs
    result = Collection(files=[STDIN_NAME if name == STDIN else name for name in inputs])
    first_seen: dict[str, tuple[int, CheckedRecord]] = {}
    outcomes = _outcomes(
        inputs, settings, stdin, jobs, cache, result.manifest, pool, keep_articles, known_digests
    )
    for done, outcome in enumerate(outcomes, start=1):
        merge_outcome(outcome, result, first_seen, settings)
        if progress is not None:
            progress(done, len(inputs))
    sort_problems(result)
    return result


def sort_problems(result: Collection) -> None:
    """Problems in input order, then by line."""
    order = {name: index for index, name in enumerate(result.files)}
    result.problems.sort(key=lambda p: (order.get(p.path, len(order)), p.line or 0))


def merge_outcome(
    outcome: FileOutcome,
    result: Collection,
    first_seen: dict[str, tuple[int, CheckedRecord]],
    settings: LoadSettings,
) -> list[bool]:
    """Count and report one file's records in `result`; for each record that passed
    the contract, in order, whether it is accepted (not a duplicate webUrl)."""
    accepted: list[bool] = []
    result.problems.extend(outcome.load_problems)
    if not outcome.records:
        if outcome.load_problems:
            result.unreadable += 1
        return accepted
    # a file with some readable records: each unreadable part counts as a bad record
    result.records += len(outcome.load_problems)
    result.invalid += len(outcome.load_problems)
    for record in outcome.records:
        problems = list(record.problems)
        duplicate = _duplicate(record, result.records, first_seen, settings)
        # Every problem is reported, not just the first; but a webUrl the
        # contract already rejects gets that one message only.
        if duplicate is not None and all(p.pointer != "/webUrl" for p in problems):
            problems.append(duplicate)
        result.records += 1
        if not record.problems:
            accepted.append(not problems)
        if problems:
            result.invalid += 1
            result.problems.extend(problems)
            continue
        result.valid += 1
        if record.article is not None:
            result.articles.append(record.article)
    return accepted


def _duplicate(
    record: CheckedRecord,
    serial: int,
    first_seen: dict[str, tuple[int, CheckedRecord]],
    settings: LoadSettings,
) -> Problem | None:
    """webUrl is an article's identity: the first record (in sorted input order)
    keeps it; each later one is a problem naming both places."""
    if record.url is None:
        return None
    first_serial, first = first_seen.setdefault(record.url, (serial, record))
    if first_serial == serial:
        return None
    earlier_line = _url_line(first, settings)
    earlier = first.source + (f":{earlier_line}" if earlier_line else "")
    return Problem(
        path=record.source,
        rule="duplicate-url",
        message=f"webUrl {record.url} is also used by {earlier}; each article needs its own webUrl",
        line=_url_line(record, settings),
        pointer="/webUrl",
    )


def _url_line(record: CheckedRecord, settings: LoadSettings) -> int | None:
    """The webUrl line, located by reading the file again when the fast YAML
    path skipped it (only front matter, one record per file, is read that way)."""
    if not record.url_line_deferred:
        return record.url_line
    for item in load_source(record.source, settings):
        if isinstance(item, Record):
            return item.line_of("/webUrl")
    return None
