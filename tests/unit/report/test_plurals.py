"""One helper for counted nouns (issue 13: "1 records", "1 errors", "1 files unreadable")."""

from __future__ import annotations

import pytest

from exporter.words import counted


@pytest.mark.parametrize(
    ("number", "noun", "plural", "expected"),
    [
        (0, "record", None, "0 records"),
        (1, "record", None, "1 record"),
        (2, "record", None, "2 records"),
        (1, "file", None, "1 file"),
        (1, "published entry", "published entries", "1 published entry"),
        (3, "published entry", "published entries", "3 published entries"),
    ],
)
def test_counted(number: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(number, noun, plural) == expected
