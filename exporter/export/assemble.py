"""Assemble a feed from its plan: head + fragments + tail, streamed into a sink.

Every fragment was verified with every `check` rule when it was made, and the
head (the feed's document without entries) when it was made; what remains are
the rules that span entries, run here on every assembled feed: unique ids,
newest-first order, the feed's date against its entries', two Atom entries
with one `<updated>` (the `check` rule itself, on the dates as written), and
size. The findings of the fragments are moved to where they land in the file,
so that the findings reported for a feed are the findings `feed-exporter check`
reports for the written file (a test holds the two equal).

A feed already written is the best place to find its unchanged entries: its
`Layout` (kept with the cache) says where each entry is, so a run of entries
that are still in the plan, in the same order, is copied from the file in one
read instead of fetched fragment by fragment. Only a file whose signature is
the one written is used so (see `exporter.write.sink.signature`).
"""

from __future__ import annotations

import os
import struct
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import orjson

from exporter.check.atom_entries import duplicate_updated
from exporter.check.checker import size_problems
from exporter.export.fragments import decode_findings, placed
from exporter.export.plan import FeedPlan
from exporter.export.store import Cache, Location
from exporter.problems import Problem
from exporter.render.dates import date_text, latest
from exporter.render.pieces import SEPARATORS, open_ends
from exporter.timings import count
from exporter.write.sink import Sink, signature

_CHUNK = 1 << 20  # bytes gathered before each write


@dataclass(slots=True)
class Layout:
    """Where each entry of a written feed is: its article's digest, its first
    byte and the byte after it, its newlines, and its findings if it has any."""

    salt: str  # the fragments' salt (entry settings, code): else nothing matches
    digests: list[str] = field(default_factory=list)
    starts: array[int] = field(default_factory=lambda: array("Q"))
    ends: array[int] = field(default_factory=lambda: array("Q"))
    lines: array[int] = field(default_factory=lambda: array("Q"))
    findings: dict[int, bytes] = field(default_factory=dict)
    signature: list[int] | None = None  # of the file, once written

    def add(self, digest: str, start: int, end: int, lines: int, findings: bytes) -> None:
        if findings != b"[]":
            self.findings[len(self.digests)] = findings
        self.digests.append(digest)
        self.starts.append(start)
        self.ends.append(end)
        self.lines.append(lines)

    def encode(self) -> bytes:
        header = orjson.dumps(
            {
                "salt": self.salt,
                "signature": self.signature,
                "count": len(self.digests),
                "findings": {str(i): f.decode() for i, f in self.findings.items()},
            }
        )
        digests = bytes.fromhex("".join(self.digests))
        parts = (header, digests, self.starts.tobytes(), self.ends.tobytes(), self.lines.tobytes())
        return struct.pack("<I", len(header)) + b"".join(parts)

    @staticmethod
    def decode(data: bytes) -> Layout | None:
        """None for anything that does not decode: then nothing is copied."""
        try:
            (size,) = struct.unpack_from("<I", data)
            header = orjson.loads(data[4 : 4 + size])
            count = header["count"]
            at = 4 + size
            digests = data[at : at + 32 * count]
            at += 32 * count
            columns = []
            for _ in range(3):
                column = array("Q")
                column.frombytes(data[at : at + 8 * count])
                columns.append(column)
                at += 8 * count
            if at != len(data) or len(digests) != 32 * count:
                return None
            starts, ends, lines = columns
            return Layout(
                header["salt"],
                [digests[i : i + 32].hex() for i in range(0, len(digests), 32)],
                starts,
                ends,
                lines,
                findings={int(i): f.encode() for i, f in header["findings"].items()},
                signature=header["signature"],
            )
        except (struct.error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None


class LayoutStale(Exception):
    """The previous file does not hold what its layout says (it changed under us)."""


class Previous:
    """The feed as written before, to copy unchanged runs of entries from."""

    def __init__(self, layout: Layout, path: Path) -> None:
        self.layout = layout
        self.path = path
        self.index = {digest: at for at, digest in enumerate(layout.digests)}
        self._descriptor: int | None = None

    @staticmethod
    def open(layout: Layout | None, plan: FeedPlan, path: Path) -> Previous | None:
        """Usable only for the same fragments (salt) and the very file written."""
        if layout is None or layout.salt != plan.salt or layout.signature is None:
            return None
        if layout.signature != signature(path):
            return None
        return Previous(layout, path)

    def copy(self, start: int, length: int, sink: Sink) -> None:
        if self._descriptor is None:
            try:
                self._descriptor = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                size = os.fstat(self._descriptor).st_size
            except OSError as error:
                raise LayoutStale(str(error)) from error
            if self.layout.ends and size < max(self.layout.ends):
                raise LayoutStale(f"{self.path} is shorter than it was written")
        sink.copy_from(self._descriptor, start, length)

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


@dataclass(slots=True)
class Assembled:
    size: int
    problems: list[Problem]
    layout: Layout | None = None
    first_line: int = 0  # of the first entry


class _Writer:
    """Bytes gathered into large writes; `position` counts what the file holds."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.parts: list[bytes] = []
        self.gathered = 0
        self.position = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.gathered += len(data)
        self.position += len(data)
        if self.gathered >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.sink.write(b"".join(self.parts))
        self.parts, self.gathered = [], 0


def assemble(
    plan: FeedPlan,
    cache: Cache,
    locations: Mapping[str, Location],
    sink: Sink,
    previous: Previous | None = None,
) -> Assembled:
    """Stream the feed into `sink`; FragmentDamaged (from the cache) if a stored
    fragment is not what was stored, LayoutStale if the previous file is not,
    both before anything is delivered."""
    name, file_name = plan.format_name, plan.file_name
    empty = cache.read(plan.head, locations[plan.head])
    head_findings = cache.findings(locations[plan.head])
    if any(finding.problem.is_error for finding in head_findings):  # no feed to build on
        return Assembled(0, [replace(f.problem, path=file_name) for f in head_findings])
    if not plan.entries:
        sink.write(empty)
        found = [replace(f.problem, path=file_name) for f in head_findings]
        return Assembled(sink.size, _finish(found, sink.size, file_name))
    head, tail = open_ends(name, empty)
    writer = _Writer(sink)
    writer.write(head)
    layout = Layout(plan.salt)
    problems: list[Problem] = []
    first = head.count(b"\n") + 1
    line = _entries(plan, cache, locations, writer, layout, problems, previous, first)
    writer.write(tail)
    writer.flush()
    # The head's findings stay where they are; those in the tail move down by the
    # lines the entries added. `line` is now the tail's first line (XML), or the
    # last entry's last line, two above the closing brace (JSON Feed: "]" follows).
    cut = head.count(b"\n") + 1  # the empty document's first tail line
    shift = line - cut + (2 if name == "json" else 0)
    for finding in head_findings:
        problem = replace(finding.problem, path=file_name)
        if problem.line is not None and problem.line >= cut:
            problem = replace(problem, line=problem.line + shift)
        problems.append(problem)
    problems += spanning_problems(plan, _entry_lines(layout, first, name))
    return Assembled(sink.size, _finish(problems, sink.size, file_name), layout, first)


def _entries(
    plan: FeedPlan,
    cache: Cache,
    locations: Mapping[str, Location],
    writer: _Writer,
    layout: Layout,
    problems: list[Problem],
    previous: Previous | None,
    line: int,
) -> int:
    """Write the entries, the first on `line`; the line after them (see `assemble`)."""
    separator = SEPARATORS[plan.format_name]
    gap = separator.count(b"\n")
    entries, total = plan.entries, len(plan.entries)
    index = previous.index if previous is not None else {}
    at = 0
    while at < total:
        if at:
            writer.write(separator)
            line += gap
        old = index.get(entries[at].digest)
        if old is None or previous is None:
            key = plan.key_of(entries[at].digest)
            location = locations[key]
            body = cache.read(key, location)
            if not location.clean:
                problems += [placed(f, plan.file_name, line, at) for f in cache.findings(location)]
            layout.add(entries[at].digest, writer.position, writer.position + len(body),
                       location.lines, location.findings)  # fmt: skip
            writer.write(body)
            line += location.lines
            at += 1
            continue
        # The longest run of entries that follow each other in the old file too.
        run = 1
        while at + run < total and index.get(entries[at + run].digest) == old + run:
            run += 1
        before = previous.layout
        begin, end = before.starts[old], before.ends[old + run - 1]
        base = writer.position - begin
        for step in range(run):
            was = old + step
            if step:
                line += gap
            findings = before.findings.get(was, b"[]")
            if findings != b"[]":
                problems += [
                    placed(f, plan.file_name, line, at + step) for f in decode_findings(findings)
                ]
            layout.add(before.digests[was], before.starts[was] + base, before.ends[was] + base,
                       before.lines[was], findings)  # fmt: skip
            line += before.lines[was]
        writer.flush()
        previous.copy(begin, end - begin, writer.sink)
        writer.position += end - begin
        count("entries copied", run)
        at += run
    return line


def _entry_lines(layout: Layout, first: int, format_name: str) -> list[int]:
    """The line each entry of the feed starts on, the first on `first`."""
    gap = SEPARATORS[format_name].count(b"\n")
    starts = []
    for lines in layout.lines:
        starts.append(first)
        first += lines + gap
    return starts


def spanning_problems(plan: FeedPlan, starts: Sequence[int]) -> list[Problem]:
    """The rules that span entries, each starting on its line in `starts`.
    Planning makes unique ids, order and the feed's date hold (a breach is our
    bug); entries' dates come from the records (`_same_updated`)."""
    problems = _same_updated(plan, starts) if plan.format_name == "atom" else []
    seen: set[str] = set()
    for entry in plan.entries:
        if entry.id in seen:
            problems.append(
                _bug(plan, "export-duplicate-entry", f"two entries share the id {entry.id}")
            )
        seen.add(entry.id)
    dates = [entry.published_at for entry in plan.entries]
    if any(later > earlier for earlier, later in pairwise(dates)):
        problems.append(_bug(plan, "export-entry-order", "entries are not newest first"))
    if plan.updated != latest([entry.changed_at for entry in plan.entries]):
        problems.append(
            _bug(plan, "export-feed-date", "the feed's date is not its newest entry change")
        )
    return problems


def _same_updated(plan: FeedPlan, starts: Sequence[int]) -> list[Problem]:
    """W3C's DuplicateUpdated, as `check` reports it on the written file, with a
    hint naming the records. Their dates are the truth: none is moved to make
    the feed pass (two posts may well have changed in the same second)."""
    written = [
        (line, (date_text(entry.changed_at),))
        for line, entry in zip(starts, plan.entries, strict=True)
    ]
    problems = []
    for repeat in duplicate_updated(written, plan.file_name):
        earlier, entry = plan.entries[repeat.earlier], plan.entries[repeat.entry]
        hint = (
            f"the records {earlier.id} in {earlier.source} and {entry.id} in {entry.source} "
            "have this date: set their modifiedDateTime (or publishedDateTime) to when each "
            "really changed"
        )
        problems.append(replace(repeat.problem, hint=hint))
    return problems


def _bug(plan: FeedPlan, rule: str, message: str) -> Problem:
    return Problem(path=plan.file_name, rule=rule, message=message)


def _finish(problems: list[Problem], size: int, file_name: str) -> list[Problem]:
    problems += size_problems(size, file_name)
    return sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
