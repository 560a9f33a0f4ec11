"""Load → validate → model: every input file becomes articles or problems.

Shared by `validate` and `export`, so both accept and reject exactly the same
records with the same messages. Each file is checked on its own (`check_file`),
which lets files be checked in parallel and their outcomes be cached by the
export; only the duplicate-webUrl rule needs all files, and runs afterwards in
input order (`merge_outcome`). Raw record dicts are dropped as soon as a record
is checked: only compact values are kept, so memory stays bounded on large
inputs. The value a valid record carries is generic: `check_file` gives its
`Article`, the export keeps a smaller summary of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Generic, TypeVar

from exporter.contract import check_record
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, STDIN_NAME, discover, load_source, read_source
from exporter.model import Article, article_from_record
from exporter.problems import Problem
from exporter.records import Record
from exporter.words import counted
from exporter.workers import ordered_map

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64
# Files a worker checks per task: per-task costs vanish, every worker stays busy.
CHUNK_FILES = 64

Value = TypeVar("Value")
Other = TypeVar("Other")


@dataclass(frozen=True, slots=True)
class CheckedRecord(Generic[Value]):
    """One record after the contract: its value when valid (the article, or what
    the export keeps of it), else its problems. `url` and `url_line` feed the
    cross-record duplicate rule; `url_line` is left to `_url_line` when finding
    it would cost a second parse (fast YAML path)."""

    source: str
    url: str | None
    url_line: int | None
    problems: tuple[Problem, ...]
    value: Value | None
    url_line_deferred: bool = False

    def __reduce__(self) -> tuple[type[CheckedRecord[Value]], tuple[object, ...]]:
        # workers send one per record: a plain tuple pickles fastest
        fields = (self.source, self.url, self.url_line, self.problems, self.value)
        return CheckedRecord, (*fields, self.url_line_deferred)


@dataclass(frozen=True, slots=True)
class FileOutcome(Generic[Value]):
    """Everything one input file contributes; picklable, so workers return it."""

    name: str
    load_problems: tuple[Problem, ...]
    records: tuple[CheckedRecord[Value], ...]
    digest: str | None = None  # SHA-256 of the bytes that were checked

    def __reduce__(self) -> tuple[type[FileOutcome[Value]], tuple[object, ...]]:
        return FileOutcome, (self.name, self.load_problems, self.records, self.digest)

    def with_values(self, convert: Callable[[Value], Other]) -> FileOutcome[Other]:
        """The same outcome carrying `convert(value)` for each valid record."""
        return FileOutcome(
            self.name,
            self.load_problems,
            tuple(
                [
                    CheckedRecord(
                        r.source,
                        r.url,
                        r.url_line,
                        r.problems,
                        convert(r.value) if r.value is not None else None,
                        r.url_line_deferred,
                    )
                    for r in self.records
                ]
            ),
            self.digest,
        )


@dataclass
class Collection(Generic[Value]):
    """Outcome of reading and checking all inputs; `files` lists every input
    so that a report can account for each one; `accepted` holds the values of
    the valid records, in input order."""

    files: list[str] = field(default_factory=list)
    accepted: list[Value] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    # Valid records left out of `accepted` because no feed can show them (the
    # Dask engine brings back only each feed's newest); 0 everywhere else.
    held_back: int = 0

    def summary(self) -> str:
        return (
            f"{counted(self.records, 'record')}, {self.valid} valid, {self.invalid} invalid, "
            f"{counted(self.unreadable, 'file')} unreadable"
        )

    def counts(self) -> dict[str, int]:
        return {
            "records": self.records,
            "valid": self.valid,
            "invalid": self.invalid,
            "unreadable": self.unreadable,
        }


def shown_name(name: str) -> str:
    """How reports name an input (standard input has no file name)."""
    return STDIN_NAME if name == STDIN else name


def check_file(
    name: str, settings: LoadSettings, stdin: BinaryIO | None = None, keep_articles: bool = True
) -> FileOutcome[Article]:
    """Load one input and check each of its records against the contract; the
    articles of valid records are built only for those who render them."""
    items, digest = read_source(name, settings, stdin)
    load_problems = tuple(item for item in items if isinstance(item, Problem))
    records = tuple(_check(item, keep_articles) for item in items if isinstance(item, Record))
    return FileOutcome(shown_name(name), load_problems, records, digest)


def _check(record: Record, keep_articles: bool) -> CheckedRecord[Article]:
    problems = tuple(check_record(record))
    valid = not problems
    url = record.data.get("webUrl")
    return CheckedRecord(
        source=record.source,
        url=url if isinstance(url, str) else None,
        url_line=None if record.locations_deferred else record.line_of("/webUrl"),
        problems=problems,
        value=(
            article_from_record(record.data, record.body, record.source)
            if valid and keep_articles
            else None
        ),
        url_line_deferred=record.locations_deferred,
    )


def _check_chunk(task: tuple[tuple[str, ...], LoadSettings, bool]) -> list[FileOutcome[Article]]:
    """A worker's task: check a run of files."""
    names, settings, keep_articles = task
    return [check_file(name, settings, keep_articles=keep_articles) for name in names]


def collect(
    paths: Sequence[str],
    settings: LoadSettings | None = None,
    *,
    stdin: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    keep_articles: bool = False,
    exclude: Sequence[str] = (),
) -> Collection[Article]:
    """Check every record below `paths` against the contract; `accepted` holds
    the articles of the valid ones when asked (`validate` does not: on large
    inputs they are most of the memory)."""
    settings = settings or LoadSettings()
    inputs = discover(paths, exclude=exclude)
    # `files` uses the names problems carry, so reports match problems to inputs
    result: Collection[Article] = Collection(files=[shown_name(name) for name in inputs])
    first_seen: dict[str, tuple[int, CheckedRecord[Article]]] = {}
    outcomes = _outcomes(inputs, settings, stdin, jobs, keep_articles)
    for done, outcome in enumerate(outcomes, start=1):
        merge_outcome(outcome, result, first_seen, settings)
        if progress is not None:
            progress(done, len(inputs))
    sort_problems(result)
    return result


def _outcomes(
    inputs: list[str], settings: LoadSettings, stdin: BinaryIO | None, jobs: int, keep: bool
) -> Iterator[FileOutcome[Article]]:
    """Outcomes in input order; in worker processes when there are enough files."""
    if jobs <= 1 or len(inputs) < PARALLEL_THRESHOLD or STDIN in inputs:
        for name in inputs:
            yield check_file(name, settings, stdin, keep_articles=keep)
        return
    chunks = [
        (tuple(inputs[start : start + CHUNK_FILES]), settings, keep)
        for start in range(0, len(inputs), CHUNK_FILES)
    ]
    for outcomes in ordered_map(_check_chunk, chunks, jobs):
        yield from outcomes


def sort_problems(result: Collection[Value]) -> None:
    """Problems in input order, then by line."""
    order = {name: index for index, name in enumerate(result.files)}
    result.problems.sort(key=lambda p: (order.get(p.path, len(order)), p.line or 0))


def merge_outcome(
    outcome: FileOutcome[Value],
    result: Collection[Value],
    first_seen: dict[str, tuple[int, CheckedRecord[Value]]],
    settings: LoadSettings,
) -> None:
    """Count and report one file's records in `result`; the values of valid
    records that are not a duplicate webUrl join `result.accepted`."""
    result.problems.extend(outcome.load_problems)
    if not outcome.records:
        if outcome.load_problems:
            result.unreadable += 1
        return
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
        if problems:
            result.invalid += 1
            result.problems.extend(problems)
            continue
        result.valid += 1
        if record.value is not None:
            result.accepted.append(record.value)


def _duplicate(
    record: CheckedRecord[Value],
    serial: int,
    first_seen: dict[str, tuple[int, CheckedRecord[Value]]],
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


def _url_line(record: CheckedRecord[Value], settings: LoadSettings) -> int | None:
    """The webUrl line, located by reading the file again when the fast YAML
    path skipped it (only front matter, one record per file, is read that way)."""
    if not record.url_line_deferred:
        return record.url_line
    for item in load_source(record.source, settings):
        if isinstance(item, Record):
            return item.line_of("/webUrl")
    return None


def record_line(source: str, url: str, pointer: str, settings: LoadSettings) -> int | None:
    """The line of `pointer` in the record of `source` whose webUrl is `url`, read
    again from the file (for a few messages, never per record); None for
    standard input or when the record is no longer there."""
    if source == STDIN_NAME:
        return None
    for item in load_source(source, settings):
        if isinstance(item, Record) and item.data.get("webUrl") == url:
            return item.line_of(pointer)
    return None
