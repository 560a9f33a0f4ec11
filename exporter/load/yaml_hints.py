"""Plain-English help for front matter PyYAML cannot read or we refuse.

Most YAML errors in hand-written front matter are one mistake: a value that is
meant as text but starts with a character YAML reserves (`title: @mention`,
`title: [draft] x`) or holds `: ` (`title: Python 3.13: what's new`). The
parser's own words ("did not find expected key") do not say that quoting the
value fixes it, so the line is looked at again here. Issue 13.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# `key: value` on one line, optionally as a list item; the value not quoted.
_KEY_VALUE = re.compile(
    r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[^\s#'\"?:\-][^:#]*?)[ ]*:[ \t]+(?P<value>[^\s'\"#].*?)\s*$"
)
# `- value`: a list item written as plain text.
_ITEM = re.compile(r"^(?P<lead>[ ]*-[ ]+)(?P<key>)(?P<value>[^\s'\"#].*?)\s*$")
_LEADING = {
    "@": "`@` cannot start a plain YAML value",
    "`": "`` ` `` cannot start a plain YAML value",
    "%": "`%` cannot start a plain YAML value",
    "[": "YAML reads a value starting with `[` as a list",
    "{": "YAML reads a value starting with `{` as a mapping",
    "*": "YAML reads a value starting with `*` as an alias",
    "&": "YAML reads a value starting with `&` as an anchor",
    "!": "YAML reads a value starting with `!` as a tag",
    "|": "YAML reads a value starting with `|` as a block of text on the lines below",
    ">": "YAML reads a value starting with `>` as folded text on the lines below",
}
_INNER_COLON = "YAML reads `: ` inside a value as the start of another field"


def quoted(value: str) -> str:
    """`value` as a double-quoted YAML string that reads back as itself."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quote_hint(text: str, line_indexes: Iterable[int]) -> str | None:
    """ "quote the value" advice for the first of these 0-based lines of `text`
    that holds a plain value starting with a reserved character or holding `: `."""
    lines = text.split("\n")
    for index in line_indexes:
        if not 0 <= index < len(lines):
            continue
        match = _KEY_VALUE.match(lines[index]) or _ITEM.match(lines[index])
        if match is None:
            continue
        value = match.group("value")
        if _anchors_a_collection(value):
            continue
        reason = _LEADING.get(value[0]) or (_INNER_COLON if ": " in value else None)
        if reason is None:
            continue
        key = match.group("key")
        fixed = f"{match.group('lead')}{key + ': ' if key else ''}{quoted(value)}".strip()
        return f"{reason}; if it is text, quote the value: {fixed}"
    return None


def _anchors_a_collection(value: str) -> bool:
    """`&x [1, 2]` or `&x` before an indented block: YAML on purpose, not text."""
    if value[0] not in "&*":
        return False
    rest = value.split(None, 1)[1:]
    return not rest or rest[0][0] in "[{#"


def character_at(text: str, line_index: int, column: int) -> str | None:
    """The character a parser mark points at, or None past the end of a line."""
    lines = text.split("\n")
    if 0 <= line_index < len(lines) and 0 <= column < len(lines[line_index]):
        return lines[line_index][column]
    return None
