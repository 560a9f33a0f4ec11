"""Markup where plain text is expected, judged the way the W3C Feed Validator
judges it (issue 13): shared by Atom (person names, `generator`) and RSS (titles,
descriptions of the image and text input, `copyright`, contacts, `source`).

Three findings, in the validator's order, at most one per value:

* an HTML end tag (`</b>`) in the decoded text: *ContainsHTML*;
* an HTML entity or numeric reference in the decoded text (`&amp;`, `&#38;`
  written as `&amp;amp;`, `&amp;#38;`): *ContainsHTML*, unless the source lines
  use hexadecimal character references (`&#x26;`), which say "this is text";
* in RSS 2.x only, `<` followed by a letter or `/`, or `&#`, in the decoded text
  whose source lines hold no hexadecimal character reference: *CharacterData*.
  The RSS Best Practices Profile asks for `&#x3C;` / `&#x26;` there, so readers
  that guess whether text is HTML do not guess wrong.
"""

from __future__ import annotations

import re
from enum import Enum
from html.entities import name2codepoint

from exporter.markup import html_end_tag

_ENTITY = re.compile(r"&(#?\w+)", re.ASCII)
_CHARACTER_DATA = re.compile(r"&#[x0-9]|<[/a-zA-Z]")
HEX_REFERENCE = re.compile(rb"&#x[0-9a-fA-F]+;")


class PlainTextFinding(Enum):
    CONTAINS_HTML = "contains-html"
    CHARACTER_DATA = "character-data"


def _html_reference(text: str) -> str | None:
    for name in _ENTITY.findall(text):
        if name in name2codepoint or name == "apos" or not name.isalpha():
            return f"&{name};"
    return None


def judge_plain_text(
    text: str, hex_referenced: bool, rss2: bool
) -> tuple[PlainTextFinding, str] | None:
    """What is wrong with `text` (decoded) in a plain-text field, with the evidence.
    `hex_referenced`: its source lines hold a hexadecimal character reference."""
    tag = html_end_tag(text)
    if tag is not None:
        return PlainTextFinding.CONTAINS_HTML, tag
    reference = _html_reference(text)
    if reference is not None:
        if hex_referenced:
            return None
        return PlainTextFinding.CONTAINS_HTML, reference
    if rss2 and not hex_referenced:
        found = _CHARACTER_DATA.search(text)
        if found is not None:
            return PlainTextFinding.CHARACTER_DATA, found.group()
    return None


def hex_reference_lines(data: bytes) -> frozenset[int]:
    """The 1-based lines of `data` holding a hexadecimal character reference."""
    lines: set[int] = set()
    line, counted_to = 1, 0
    for match in HEX_REFERENCE.finditer(data):
        line += data.count(b"\n", counted_to, match.start())
        counted_to = match.start()
        lines.add(line)
    return frozenset(lines)
