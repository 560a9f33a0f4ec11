"""Counted nouns for summaries and messages: "1 record", "2 records", never "1 records"
or "record(s)" (issue 13). The one place that knows English plurals."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, the noun in the plural unless the number is 1;
    `plural` for the irregular ones (`counted(2, "entry", "entries")`)."""
    if number == 1:
        return f"1 {noun}"
    return f"{number} {plural or noun + 's'}"
