"""Atom rules that compare the entries of a document with each other, rather
than judge one entry alone.

`export` verifies each entry among whatever neighbours share its batch, so it
drops what `duplicate_updated` finds there and runs the rule on every Atom feed
it assembles instead (`exporter.export.assemble.spanning_problems`): one
implementation, fed with the `<updated>` values read from a document here and
with the values export writes there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from lxml import etree

from exporter.check.atom_common import atom_children
from exporter.check.elements import direct_text, line_of
from exporter.check.findings import Findings
from exporter.problems import Problem, Severity

DUPLICATE_UPDATED = "atom-duplicate-updated"


def check_unique_ids(ids: list[etree._Element | None], findings: Findings) -> None:
    """Each entry's first <id> (None: it has none): W3C's DuplicateEntries."""
    seen: set[str] = set()
    for element in ids:
        if element is None:
            continue
        value = direct_text(element).strip()
        if value in seen:
            findings.warning(
                "atom-duplicate-entry-id",
                element,
                f"Two entries share the id {value!r}; readers treat them as one entry: "
                "give each entry its own id.",
            )
        seen.add(value)


def check_distinct_updated(entries: Sequence[etree._Element], findings: Findings) -> None:
    """`duplicate_updated` over the entries of a parsed document."""
    dated = [
        (line_of(entry), [direct_text(updated) for updated in atom_children(entry, "updated")])
        for entry in entries
    ]
    source = findings.context.source
    findings.problems.extend(repeat.problem for repeat in duplicate_updated(dated, source))


class Repeat(NamedTuple):
    """An entry whose <updated> value an earlier entry, or itself, already has."""

    entry: int  # its position among the entries
    earlier: int  # the position of the first entry with that value
    problem: Problem


def duplicate_updated(
    entries: Iterable[tuple[int | None, Sequence[str]]], source: str
) -> list[Repeat]:
    """W3C's DuplicateUpdated: an entry's <updated> is the text of an earlier one.

    `entries`: each entry's first line in `source` and the text of its <updated>
    elements, in document order. As the W3C validator does, the text is compared
    with its surrounding whitespace removed, character by character (one instant
    written with two offsets is no repeat), empty values are skipped, and a value
    given twice in one entry counts too. The finding is on the repeating entry.
    """
    first: dict[str, tuple[int, int | None]] = {}
    repeats: list[Repeat] = []
    for index, (line, values) in enumerate(entries):
        for text in values:
            value = text.strip()
            if not value:
                continue
            seen = first.get(value)
            if seen is None:
                first[value] = (index, line)
                continue
            earlier, earlier_line = seen
            message = _repeat_message(value, earlier_line, same_entry=earlier == index)
            problem = Problem(
                path=source,
                rule=DUPLICATE_UPDATED,
                message=message,
                line=line,
                severity=Severity.WARNING,
            )
            repeats.append(Repeat(index, earlier, problem))
    return repeats


def _repeat_message(value: str, earlier_line: int | None, *, same_entry: bool) -> str:
    if same_entry:
        return f"This entry has the <updated> {value!r} twice: keep one."
    other = (
        f"the entry's on line {earlier_line}" if earlier_line is not None else "an earlier entry's"
    )
    return (
        f"This entry's <updated> {value!r} is the same as {other}, as if both changed in the "
        "same second: give each entry the moment it last changed (nothing needs fixing if "
        "they did)."
    )
