"""A fast path for front matter that is taken only when it provably means the same.

`yaml_safe.compose` is the reference: YAML 1.1 as PyYAML types it, composed in
Python (~1.2 ms per seed-shaped record). py-yaml12 parses in Rust about seven
times faster, but it reads YAML 1.2: `yes` and unquoted timestamps stay strings,
`017` is 17 (not 15), `0o17` is 15 (not "0o17"), and it expands aliases, keeps
the last of duplicate keys and wraps tags instead of refusing them.

`fast_compose` returns the mapping `compose(text).value` would return, or None
when it cannot vouch for that; the caller then runs the reference. Each guard
only ever sends more documents to the reference (costing speed, never meaning):

1. text pre-check: anchors, aliases, tags, flow collections, explicit keys and
   block scalars wherever a node may start (`_may_start_node`: not inside a
   plain scalar such as `a && b`), a top-level mapping not at column 0,
   directives, document markers, tabs, control characters, the YAML 1.1-only
   line breaks (NEL, LS, PS), a BOM, a lone CR, unicode escapes of surrogates,
   integers written with a leading zero / 0o / 0x, and lines indented deeper
   than the depth bound allows;
2. after parsing: a `yaml12.Yaml` wrapper, a non-string key, a float, nesting
   deeper than `max_depth` or a non-mapping document;
3. every string (key or value) is typed by the reference as if it had been
   written plain; unless that gives back the same string, the string may have
   been plain and meant something else to PyYAML (`yes`, `1:30`, `~`,
   `2021-02-09 04:31:00`). Two shortcuts answer without the reference where
   it provably gives the string back: no PyYAML implicit resolver matches
   (one regex made of all of them), or a canonical RFC 3339 timestamp that
   the reference keeps verbatim (`_CANONICAL_TIMESTAMP`);
4. duplicate keys: the parsed mapping must hold as many keys as the text has
   `key:` indicators, counted so that there are never fewer indicators than
   keys written (a duplicate, silently merged, leaves fewer keys than that).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import yaml
import yaml12
from yaml import events
from yaml.resolver import Resolver

from exporter.load.text import has_surrogate

# `scalar_value` is the reference's own typing of one scalar: reused, not copied, so
# the two paths cannot drift apart.
from exporter.load.yaml_safe import YamlDocument, YamlRefused, compose, scalar_value
from exporter.records import ScalarOrigin

_Located = TypeVar("_Located", int, ScalarOrigin)

# Characters that PyYAML and YAML 1.2 read differently, or that the reference
# refuses: tabs, C0/C1 controls and DEL (NEL U+0085 is a line break in YAML 1.1
# only), LS/PS, BOM, surrogates and non-characters. A CR not followed by LF is
# refused too: the key-line count below splits lines on LF. Checked on the
# UTF-8 bytes, where `bytes.translate` and `in` scan much faster than a regex
# character class.
_ODD_BYTES = bytes([*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
_ODD_NON_ASCII = (
    b"\xe2\x80\xa8",
    b"\xe2\x80\xa9",
    b"\xef\xbb\xbf",
    b"\xef\xbf\xbe",
    b"\xef\xbf\xbf",
)
_LONE_CR = re.compile("\r(?!\n)")


def _node_start(mark: str, after: str = "") -> re.Pattern[str]:
    """`mark` at a line start or after a space (where every node starts in
    block context), searched from the rare mark itself to stay fast."""
    escaped = re.escape(mark)
    return re.compile(f"{escaped}(?<![^ \\n]{escaped}){after}")


# Syntax whose meaning the guards after parsing cannot see: a possible tag,
# flow collection, anchor, alias, explicit key or block scalar. Each hit is
# then kept only where a node may start (`_may_start_node`): quoted text with
# ": [" or '" &' still matches, a false alarm that only costs speed.
_NODE_MARKS = (
    ("!", _node_start("!")),
    ("[", _node_start("[")),
    ("{", _node_start("{")),
    ("&", _node_start("&", "[^ \r\n]")),
    ("*", _node_start("*", "[^ \r\n]")),
    ("?", _node_start("?", "(?:[ \r\n]|$)")),
    # block scalars: PyYAML and py-yaml12 keep different trailing line breaks
    # when the content is only blank lines (`k: |` then "  ")
    ("|", _node_start("|")),
    (">", _node_start(">")),
)
# An integer written with a leading zero, 0o or 0x where a node may start:
# `017` is 17 in YAML 1.2 and 15 to PyYAML, `0o17` is 15 and "0o17", `08` is 8
# and "08". Searched after a LF (one is put before the text when it does not
# start with one), so a line start is always after a LF.
_LEADING_ZERO = re.compile(r"0[0-9A-Za-z_](?:(?<=[ \n]0.)|(?<=[ \n][-+]0.))")
# Directives and document markers (a second document, `%YAML 1.1`), and lines
# indented (with `- ` sequence entries) deeper than the depth bound allows.
_LINE_START = r"\n(?:%|---(?:[ \r\n]|$)|\.\.\.(?:[ \r\n]|$)|[ -]{{{indent}}})"
# A top-level mapping indented from column 0: py-yaml12 silently drops lines
# that follow it less indented ("  a: b\n c\n" reads as {"a": "b"}), where
# PyYAML refuses the document. Matched at the start, after blank and comment lines.
_INDENTED_ROOT = re.compile(r"(?:[ ]*(?:#[^\n]*)?\r?\n)*[ ]")
# "\ud800" in a double-quoted scalar: the reference refuses a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
# Every key written in block context (flow collections never get here) has a
# `:` indicator followed by a space or a line end, and a line holds at most one
# key: neither count is ever below the number of keys written. Counting all
# indicators is cheaper; counting lines is exact where quoted text has ": ".
_KEY_INDICATOR = re.compile(r":(?:[ \r\n]|$)")
_KEY_LINE = re.compile(r"^[^\n]*?:(?:[ \r\n]|$)", re.MULTILINE)
# Indentation (with `- ` sequence entries) bounds block nesting; deeper lines go
# to the reference, which also keeps a recursive parser away from deep input.
_MAX_INDENT = 64


class _CannotVouch(Exception):
    """The parsed value may differ from the reference's."""


def fast_compose(text: str, max_depth: int) -> dict[str, Any] | None:
    """The JSON-typed mapping `compose(text, max_depth=max_depth).value` gives,
    or None when this fast path cannot prove it gives the same."""
    if not _plain_enough(text, max_depth):
        return None
    try:
        parsed = yaml12.parse_yaml(text)
    except Exception:
        return None
    except BaseException as error:  # a Rust panic surfaces as a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return None
    if not isinstance(parsed, dict):
        return None
    try:
        keys = _count_keys(parsed, max_depth)
    except _CannotVouch:
        return None
    if keys != _colons(text) and keys != len(_KEY_LINE.findall(text)):
        return None
    return parsed  # type: ignore[return-value]  # _count_keys proved str keys


def _plain_enough(text: str, max_depth: int) -> bool:
    if _odd_characters(text) or _INDENTED_ROOT.match(text):
        return False
    for mark, pattern in _NODE_MARKS:
        if mark in text:
            for hit in pattern.finditer(text):
                if _may_start_node(text, hit.start()):
                    return False
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        return False
    # searched after a LF, so that the first line starts after one too
    lines = text if text[:1] == "\n" else "\n" + text
    return not (_LEADING_ZERO.search(lines) or _odd_line_start(max_depth).search(lines))


# What can stand before the first token of a node on its line, spaces apart:
# the line start, an indicator (`-`, `?`, `:`) or the closing quote of a
# quoted scalar (PyYAML and py-yaml12 both refuse `k: "v" &a`). A plain scalar
# runs on past spaces to ": ", " #" or the line end, so the `&` of
# `k: a && b` is text. A flow collection, tag, anchor or block scalar header
# before the mark would be a mark itself, found first.
_BEFORE_NODE = frozenset("\n\"':?-")


def _may_start_node(text: str, at: int) -> bool:
    """A node may start at `at` (which follows a space, a LF or the text start)."""
    start = at
    while start and text[start - 1] == " ":
        start -= 1
    return start == 0 or text[start - 1] in _BEFORE_NODE


def _odd_characters(text: str) -> bool:
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return True
    if len(data.translate(None, _ODD_BYTES)) != len(data):
        return True
    if b"\r" in data and _LONE_CR.search(text):
        return True
    if text.isascii():
        return False
    if b"\xc2" in data and _C1_CONTROL.search(data):
        return True
    return any(sequence in data for sequence in _ODD_NON_ASCII)


@functools.lru_cache(maxsize=8)
def _odd_line_start(max_depth: int) -> re.Pattern[str]:
    return re.compile(_LINE_START.format(indent=min(2 * max_depth, _MAX_INDENT)))


def _colons(text: str) -> int:
    """Key indicators wherever they occur: never fewer than key lines."""
    return len(_KEY_INDICATOR.findall(text))


def _count_keys(root: dict[Any, Any], max_depth: int) -> int:
    """Raise _CannotVouch unless every key and value is one the reference would
    build the same; return the number of keys, nested ones included. A loop,
    not recursion, with each string checked where it is met: this runs on
    every record."""
    # PyYAML's implicit resolvers are keyed by first character (None: any); a
    # string starting otherwise resolves to str without a regex. "" is fine: a
    # plain empty scalar is null in both schemas, so "" was quoted.
    resolvers = Resolver.yaml_implicit_resolvers
    if None in resolvers:
        resolvers = _EVERY_CHARACTER
    reads_as_itself = _reads_as_itself
    keys = 0
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise _CannotVouch
        if isinstance(node, dict):
            keys += len(node)
            for key in node:
                if type(key) is not str:
                    raise _CannotVouch
                if key and key[0] in resolvers and not reads_as_itself(key):
                    raise _CannotVouch
            values: Iterable[Any] = node.values()
        else:
            values = node
        for value in values:
            kind = type(value)
            if kind is str:
                if value and value[0] in resolvers and not reads_as_itself(value):
                    raise _CannotVouch
            elif kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif not (kind is bool or kind is int or value is None):
                # a float (`1e3` is a string to PyYAML), NaN or a yaml12.Yaml tag;
                # YAML 1.2 core booleans and nulls are YAML 1.1 ones of the same
                # value, and integers that differ were caught by the text check
                raise _CannotVouch
    return keys


class _EveryCharacter:
    """`in` says yes to every first character (a resolver keyed by None applies to all)."""

    def __contains__(self, character: object) -> bool:
        return True


_EVERY_CHARACTER: Any = _EveryCharacter()


def _implicit_types() -> re.Pattern[str]:
    """One regex matching wherever any of PyYAML's implicit resolvers (of any
    first character) matches: a superset of the strings it would not type as
    str. Built from the resolver table, so it cannot drift from it; a flag it
    cannot carry over makes it match everything (every string then goes to
    the reference)."""
    letters = {re.I: "i", re.M: "m", re.S: "s", re.X: "x"}
    parts = []
    for resolvers in Resolver.yaml_implicit_resolvers.values():
        for _tag, regexp in resolvers:
            flags = regexp.flags & ~re.U
            if flags & ~(re.I | re.M | re.S | re.X):
                return re.compile("")
            scoped = "".join(letter for flag, letter in letters.items() if flags & flag)
            parts.append(f"(?{scoped}:{regexp.pattern})")
    return re.compile("|".join(dict.fromkeys(parts)))


_IMPLICIT_TYPES = _implicit_types()
# An RFC 3339 date or date-time as the reference writes it back: ASCII digits,
# `T`, seconds without a fraction, `Z` or an offset below 24 h (not `-00:00`,
# which it writes `+00:00`). A real date-time is kept verbatim; one that is not
# (`2021-02-30`, `24:00:00`) fails to construct and is kept as text.
_CANONICAL_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?"
)


@functools.lru_cache(maxsize=4096)
def _reads_as_itself(text: str) -> bool:
    """What `compose` makes of `text` written as a plain scalar is `text` itself
    (a timestamp it keeps verbatim, a word no resolver types)."""
    if _CANONICAL_TIMESTAMP.fullmatch(text) and not text.endswith("-00:00"):
        return True
    if not _IMPLICIT_TYPES.match(text):
        return not has_surrogate(text)  # typed str, kept as it is
    return _reference_reads_as_itself(text)


def _reference_reads_as_itself(text: str) -> bool:
    """`_reads_as_itself` asked of the reference's own typing."""
    event = events.ScalarEvent(None, None, (True, False), text)
    try:
        value, _origin = scalar_value(event, 0)
    except (YamlRefused, yaml.YAMLError):
        return False
    return type(value) is str and value == text


class _Locator:
    """Runs the reference composer once, when a line or an origin is first
    asked for (to report a problem); a valid record never pays for it."""

    __slots__ = ("_document", "_line_offset", "_max_depth", "_text")

    def __init__(self, text: str, line_offset: int, max_depth: int) -> None:
        self._text = text
        self._line_offset = line_offset
        self._max_depth = max_depth
        self._document: YamlDocument | None = None

    def document(self) -> YamlDocument:
        if self._document is None:
            try:
                self._document = compose(
                    self._text, line_offset=self._line_offset, max_depth=self._max_depth
                )
            except YamlRefused:  # cannot happen where fast_compose vouched
                self._document = YamlDocument(value=None)
            self._text = ""
        return self._document


class _DeferredMapping(Mapping[str, _Located]):
    __slots__ = ("_locator", "_pick")
    _locator: _Locator
    _pick: Callable[[YamlDocument], Mapping[str, _Located]]

    def __init__(
        self, locator: _Locator, pick: Callable[[YamlDocument], Mapping[str, _Located]]
    ) -> None:
        self._locator = locator
        self._pick = pick

    def _mapping(self) -> Mapping[str, _Located]:
        return self._pick(self._locator.document())

    def __getitem__(self, key: str) -> _Located:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


def deferred_locations(
    text: str, line_offset: int, max_depth: int
) -> tuple[Mapping[str, int], Mapping[str, ScalarOrigin]]:
    """`lines` and `origins` as `compose(text, ...)` gives them, computed on first
    use: the fast path has neither, and only a reported problem needs them."""
    locator = _Locator(text, line_offset, max_depth)
    return (
        _DeferredMapping(locator, lambda document: document.lines),
        _DeferredMapping(locator, lambda document: document.origins),
    )
