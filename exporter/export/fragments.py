"""Verified entry fragments: the unit of work of an export.

A fragment is one article's entry in one format (an RSS `<item>`, an Atom
`<entry>`, a JSON Feed item) as bytes, verified once with every `check` rule
when it is made, and stored with what the rules found. Entries do not depend on
their neighbours, their position or the feed's head (renderers build them from
`EntrySettings` alone), so fragments made in any batch, any process or any
earlier run assemble into the very bytes one render of the whole feed gives.

Fragments are rendered in batches inside a probe document: a fixed head built
from the entry settings, the batch's entries (never two with one id, so the
unique-id rules stay silent; what the rule comparing entries' dates says of a
batch is dropped, it is run on each assembled feed), and the tail. What the
checker reports inside an entry's lines (or, for JSON Feed, under its
`/items/N` pointer) belongs to that entry, kept relative to it; the probe's own
head is not ours to judge (the real head is verified when a feed is
assembled). A batch with an error, or with a finding that cannot be placed, is
verified again one entry at a time, so each fragment carries exactly its own
findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson

from exporter.check.atom_entries import DUPLICATE_UPDATED
from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.config import EntrySettings, FeedConfig
from exporter.model import Article
from exporter.problems import Problem, problem_from_dict
from exporter.render import get_format
from exporter.render.dates import articles_updated, changed_at, utc_seconds
from exporter.render.pieces import SEPARATORS, split, split_entries

# The probe's head: fixed, so a fragment's findings depend on nothing but its key.
PROBE_SITE = "https://feed-exporter.invalid/"
_ITEM = re.compile(r"/items/(\d+)(?![0-9])")
# A rule that compares an entry with the others of its feed: in a probe those are
# whatever shares the batch, so it is run on each assembled feed instead
# (`assemble.spanning_problems`). The unique-id rules need no such care: no batch
# holds two entries with one id.
_SPANNING = frozenset({DUPLICATE_UPDATED})


@dataclass(frozen=True, slots=True)
class Entry:
    """What planning needs of a valid record: selection and order read the first
    four fields; `digest` (of the article) names its fragments; feed sets group
    by `topics`, `provider`, `category` and `kind` (the record's `type`); the discovery page shows
    `title`; the id guard reads `original_url` and `line` (the record's webUrl
    line: None when the fast YAML path did not locate it)."""

    id: str
    published_at: datetime
    published: bool
    source: str
    digest: str
    title: str = ""
    topics: tuple[str, ...] = ()
    provider: str | None = None
    category: str | None = None
    kind: str | None = None  # the record's `type`
    modified_at: datetime | None = None
    original_url: str | None = None
    line: int | None = None

    @property
    def changed_at(self) -> datetime:
        """The entry's last change, which a feed's own date follows."""
        return changed_at(self.published_at, self.modified_at)

    def __reduce__(self) -> tuple[type[Entry], tuple[object, ...]]:
        # one per record sent back by a worker: a plain tuple pickles fastest
        return Entry, self.fields()

    def fields(self) -> tuple[Any, ...]:
        """Every field, in order: `Entry(*entry.fields())` is `entry`."""
        return (
            self.id, self.published_at, self.published, self.source, self.digest,
            self.title, self.topics, self.provider, self.category, self.kind, self.modified_at,
            self.original_url, self.line,
        )  # fmt: skip

    def encode(self) -> list[Any]:
        """JSON-ready, as the cache stores it (`decode` reads it back)."""
        return [
            self.id, self.published_at.isoformat(), self.published, self.source, self.digest,
            self.title, self.topics, self.provider, self.category, self.kind,
            None if self.modified_at is None else self.modified_at.isoformat(),
            self.original_url, self.line,
        ]  # fmt: skip

    @staticmethod
    def decode(data: list[Any]) -> Entry:
        (id_, published_at, published, source, digest, title, topics, provider, category,
         kind, modified_at, original_url, line) = data  # fmt: skip
        return Entry(
            id_, datetime.fromisoformat(published_at), published, source, digest,
            title, tuple(topics), provider, category, kind,
            None if modified_at is None else datetime.fromisoformat(modified_at),
            original_url, line,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in a fragment. `relative`: its line counts from the
    fragment's first line (and a JSON pointer names item 0); otherwise the line
    is the document's own (a head line) or absent."""

    problem: Problem
    relative: bool


@dataclass(frozen=True, slots=True)
class Fragment:
    """`lasting`: may be kept for later runs; not when the date checks could
    judge it differently tomorrow (an entry dated after the run's clock), nor
    when rendering failed."""

    key: str
    body: bytes
    findings: tuple[Finding, ...]
    lines: int  # newlines in `body`
    lasting: bool

    def __reduce__(self) -> tuple[type[Fragment], tuple[object, ...]]:
        # Workers send 30,000 of these per 10,000 records: as a plain tuple,
        # pickling costs a tenth of what a dataclass's default state costs.
        return Fragment, (self.key, self.body, self.findings, self.lines, self.lasting)


def encode_findings(findings: Sequence[Finding]) -> bytes:
    if not findings:  # nearly every fragment
        return b"[]"
    return orjson.dumps([[finding.relative, finding.problem] for finding in findings])


def decode_findings(data: bytes) -> tuple[Finding, ...]:
    found: list[list[Any]] = orjson.loads(data)
    return tuple(Finding(problem_from_dict(problem), relative) for relative, problem in found)


def probe_feed(settings: EntrySettings) -> FeedConfig:
    """The feed a batch is rendered in: everything but the entry settings fixed."""
    return FeedConfig(
        title="feed-exporter entry probe",
        description="Entries are verified inside this document.",
        site_url=PROBE_SITE,
        author=settings.author,
        feed_urls={name: f"{PROBE_SITE}{name}" for name in ("rss", "atom", "json")},
    )


def verify(document: bytes, file_name: str, public_url: str, now: datetime) -> list[Problem]:
    """Every `check` finding for a document we generated, served at `public_url`."""
    return check_bytes(document, CheckContext(source=file_name, base=public_url, now=now))


def make_head(
    format_name: str, feed: FeedConfig, updated: datetime, key: str, now: datetime
) -> Fragment:
    """A feed without entries, verified: head and tail of the assembled feed."""
    feed_format = get_format(format_name)
    try:
        document = feed_format.render((), feed, updated)
    except Exception as error:  # any renderer failure is our bug, reported like one
        return _failed(key, feed_format.file_name, error)
    findings = verify(document, feed_format.file_name, feed.url_for(format_name), now)
    return Fragment(
        key,
        document,
        tuple(Finding(problem, False) for problem in findings),
        document.count(b"\n"),
        lasting=utc_seconds(updated) <= now,
    )


@dataclass(frozen=True, slots=True)
class Probe:
    """A document to verify entries in: the head and tail around them, and where
    and when it is served (the context of the rules)."""

    format_name: str
    head: bytes
    tail: bytes
    file_name: str
    public_url: str
    now: datetime


def make_fragments(
    format_name: str,
    articles: Sequence[Article],
    keys: Sequence[str],
    settings: EntrySettings,
    now: datetime,
) -> list[Fragment]:
    """The verified fragments of `articles` (ids unique among them), in order."""
    if not articles:
        return []
    feed_format = get_format(format_name)
    feed = probe_feed(settings)
    try:
        document = feed_format.render(articles, feed, articles_updated(articles))
        bodies = split_entries(format_name, document, len(articles))
    except Exception:  # rendered one by one, so the failure is named on its article
        if len(articles) > 1:
            return [
                made
                for key, article in zip(keys, articles, strict=True)
                for made in make_fragments(format_name, [article], [key], settings, now)
            ]
        return [_failed(keys[0], feed_format.file_name, sys.exc_info()[1])]
    pieces = split(format_name, document, len(articles))
    probe = Probe(
        format_name, pieces.head, pieces.tail, feed_format.file_name, feed.url_for(format_name), now
    )
    findings = verify_entries(probe, bodies)
    return [
        _fragment(key, body, found, article, now)
        for key, body, found, article in zip(keys, bodies, findings, articles, strict=True)
    ]


def verify_entries(probe: Probe, bodies: Sequence[bytes]) -> list[tuple[Finding, ...]]:
    """What `check` finds in each entry of `bodies` (ids unique among them)
    between the probe's head and tail: per entry, relative to it. Findings on
    the head or tail are the probe's own. A batch with an error, or with a
    finding that cannot be placed, is verified again one entry at a time."""
    document = probe.head + SEPARATORS[probe.format_name].join(bodies) + probe.tail
    found = verify(document, probe.file_name, probe.public_url, probe.now)
    problems = [problem for problem in found if problem.rule not in _SPANNING]
    if len(bodies) > 1 and any(p.is_error or p.line is None for p in problems):
        return [found for body in bodies for found in verify_entries(probe, [body])]
    starts = _entry_lines(probe, bodies)
    placed: list[list[Finding]] = [[] for _ in bodies]
    head_only: list[Problem] | None = None
    for problem in problems:
        index = _entry_of(probe.format_name, problem, starts, bodies)
        if index is not None:
            placed[index].append(_relative(problem, starts[index], index))
        elif len(bodies) == 1 and (problem.is_error or problem.line is None):
            # alone in the probe: what the probe without it does not show is its own
            if head_only is None:
                empty = probe.head + probe.tail
                head_only = verify(empty, probe.file_name, probe.public_url, probe.now)
            if problem in head_only:
                head_only.remove(problem)
            else:
                placed[0].append(Finding(problem, False))
    return [tuple(found) for found in placed]


def _fragment(
    key: str, body: bytes, found: Sequence[Finding], article: Article, now: datetime
) -> Fragment:
    lasting = utc_seconds(changed_at(article.published_at, article.modified_at)) <= now
    return Fragment(key, body, tuple(found), body.count(b"\n"), lasting)


def _failed(key: str, file_name: str, error: BaseException | None) -> Fragment:
    problem = Problem(
        path=file_name,
        rule="export-render-failed",
        message=f"rendering failed: {type(error).__name__}: {error}",
    )
    return Fragment(key, b"", (Finding(problem, False),), 0, lasting=False)


def _entry_lines(probe: Probe, bodies: Sequence[bytes]) -> list[int]:
    """The line each entry starts on (1-based) in the probe document."""
    line = probe.head.count(b"\n") + 1
    gap = SEPARATORS[probe.format_name].count(b"\n")  # the newline of ",\n" between items
    starts: list[int] = []
    for body in bodies:
        starts.append(line)
        line += body.count(b"\n") + gap
    return starts


def _entry_of(
    format_name: str, problem: Problem, starts: Sequence[int], bodies: Sequence[bytes]
) -> int | None:
    """Which entry a finding belongs to, or None for the head and tail."""
    if format_name == "json":
        match = _ITEM.match(problem.pointer or "")
        return int(match.group(1)) if match and int(match.group(1)) < len(bodies) else None
    if problem.line is None:
        return None
    for index, start in enumerate(starts):
        if start <= problem.line < start + max(1, bodies[index].count(b"\n")):
            return index
    return None


def _relative(problem: Problem, start: int, index: int) -> Finding:
    line = problem.line - start + 1 if problem.line is not None else None
    return Finding(replace(_renumbered(problem, index, 0), line=line), True)


def _renumbered(problem: Problem, old: int, new: int) -> Problem:
    """A JSON Feed finding moved from item `old` to item `new` (pointer and message)."""
    if problem.pointer is None or not problem.pointer.startswith("/items/"):
        return problem
    pattern = re.compile(rf"/items/{old}(?![0-9])")
    return replace(
        problem,
        pointer=pattern.sub(f"/items/{new}", problem.pointer, count=1),
        message=pattern.sub(f"/items/{new}", problem.message),
    )


def placed(finding: Finding, file_name: str, start: int, index: int) -> Problem:
    """A fragment's finding where it lands in an assembled feed: the entry at
    position `index`, starting on line `start`."""
    problem = finding.problem
    if not finding.relative:
        return replace(problem, path=file_name)
    line = start + problem.line - 1 if problem.line is not None else None
    return replace(_renumbered(problem, 0, index), path=file_name, line=line)
