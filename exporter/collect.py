"""Load → validate: every input file becomes valid records or problems.

Shared by `validate` and `export`, so both accept and reject exactly the same
records with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from exporter.contract import check_record
from exporter.crosscheck import duplicate_urls
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, STDIN_NAME, discover, load_source
from exporter.model import Article, article_from_record
from exporter.problems import Problem
from exporter.records import Record


@dataclass
class Collection:
    """Outcome of reading and checking all inputs; `files` lists every input
    so that a report can account for each one."""

    files: list[str] = field(default_factory=list)
    valid: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    invalid: int = 0
    unreadable: int = 0

    @property
    def articles(self) -> list[Article]:
        return [article_from_record(r.data, r.body, r.source) for r in self.valid]

    def summary(self) -> str:
        return (
            f"{self.records} records, {len(self.valid)} valid, {self.invalid} invalid, "
            f"{self.unreadable} files unreadable"
        )

    def counts(self) -> dict[str, int]:
        return {
            "records": self.records,
            "valid": len(self.valid),
            "invalid": self.invalid,
            "unreadable": self.unreadable,
        }


def collect(
    paths: Sequence[str],
    settings: LoadSettings | None = None,
    *,
    stdin: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Collection:
    settings = settings or LoadSettings()
    inputs = discover(paths)
    # `files` uses the names problems carry, so reports match problems to inputs
    result = Collection(files=[STDIN_NAME if name == STDIN else name for name in inputs])
    loaded: list[Record] = []
    for done, name in enumerate(inputs, start=1):
        items = load_source(name, settings, stdin)
        records = [item for item in items if isinstance(item, Record)]
        failures = [item for item in items if isinstance(item, Problem)]
        result.problems.extend(failures)
        if records:
            result.invalid += len(failures)
            result.records += len(failures)
        elif failures:
            result.unreadable += 1
        loaded.extend(records)
        if progress is not None:
            progress(done, len(inputs))
    _validate(loaded, result)
    order = {name: index for index, name in enumerate(result.files)}
    result.problems.sort(key=lambda p: (order.get(p.path, len(order)), p.line or 0))
    return result


def _validate(loaded: list[Record], result: Collection) -> None:
    duplicates = duplicate_urls(loaded)
    for index, record in enumerate(loaded):
        problems = check_record(record)
        # Every problem is reported, not just the first; but a webUrl the
        # contract already rejects gets that one message only.
        if index in duplicates and all(p.pointer != "/webUrl" for p in problems):
            problems.append(duplicates[index])
        result.records += 1
        if problems:
            result.invalid += 1
            result.problems.extend(problems)
        else:
            result.valid.append(record)
