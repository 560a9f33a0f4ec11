"""Assemble a feed from its plan: head + fragments + tail, streamed into a sink.

Every fragment was verified with every `check` rule when it was made, and the
head (the feed's document without entries) when it was made; what remains are
the rules that span entries, run here on every assembled feed: unique ids,
newest-first order, the feed's date against its entries', and size. The
findings of the fragments are moved to where they land in the file, so that
the findings reported for a feed are the findings `feed-exporter check` reports
for the written file (a test holds the two equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

from exporter.check.checker import size_problems
from exporter.export.fragments import placed
from exporter.export.plan import FeedPlan
from exporter.export.store import Cache, Location
from exporter.problems import Problem
from exporter.render.dates import latest
from exporter.render.pieces import SEPARATORS, open_ends
from exporter.write.sink import Sink

_CHUNK = 1 << 20  # bytes gathered before each write


@dataclass(slots=True)
class Assembled:
    size: int
    digest: str
    problems: list[Problem]


def assemble(
    plan: FeedPlan, cache: Cache, locations: Mapping[str, Location], sink: Sink
) -> Assembled:
    """Stream the feed into `sink`; FragmentDamaged (from the cache) if a stored
    fragment is not what was stored, before anything is delivered."""
    name, file_name = plan.format_name, plan.file_name
    empty = cache.read(plan.head, locations[plan.head])
    head_findings = cache.findings(locations[plan.head])
    if any(finding.problem.is_error for finding in head_findings):  # no feed to build on
        return Assembled(0, "", [replace(f.problem, path=file_name) for f in head_findings])
    if not plan.keys:
        sink.write(empty)
        found = [replace(f.problem, path=file_name) for f in head_findings]
        return Assembled(sink.size, sink.digest, _finish(found, sink.size, file_name))
    head, tail = open_ends(name, empty)
    separator = SEPARATORS[name]
    gap = separator.count(b"\n")
    problems: list[Problem] = []
    parts, gathered = [head], len(head)
    line = head.count(b"\n") + 1  # where the next entry starts
    for index, key in enumerate(plan.keys):
        location = locations[key]
        if index:
            parts.append(separator)
            line += gap
        body = cache.read(key, location)
        if not location.clean:
            problems += [placed(f, file_name, line, index) for f in cache.findings(location)]
        parts.append(body)
        gathered += len(body)
        line += location.lines
        if gathered >= _CHUNK:
            sink.write(b"".join(parts))
            parts, gathered = [], 0
    parts.append(tail)
    sink.write(b"".join(parts))
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
    problems += spanning_problems(plan)
    return Assembled(sink.size, sink.digest, _finish(problems, sink.size, file_name))


def spanning_problems(plan: FeedPlan) -> list[Problem]:
    """The rules that span entries. Planning makes them hold; a breach is our bug."""
    problems: list[Problem] = []
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
    if plan.updated != latest(dates):
        problems.append(
            _bug(plan, "export-feed-date", "the feed's date is not its newest entry's date")
        )
    return problems


def _bug(plan: FeedPlan, rule: str, message: str) -> Problem:
    return Problem(path=plan.file_name, rule=rule, message=message)


def _finish(problems: list[Problem], size: int, file_name: str) -> list[Problem]:
    problems += size_problems(size, file_name)
    return sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
