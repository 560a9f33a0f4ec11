"""Atom rules that compare the entries of a document with each other, rather
than judge one entry alone."""

from __future__ import annotations

from lxml import etree

from exporter.check.elements import direct_text
from exporter.check.findings import Findings


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
