"""Which files to read: paths given by the user, folders walked in sorted order."""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import BinaryIO

from exporter.load.settings import LoadSettings
from exporter.load.text import decode, read_bytes, read_stream
from exporter.problems import Problem
from exporter.records import Record

FRONT_MATTER_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
JSON_SUFFIXES = frozenset({".json"})
JSON_LINES_SUFFIXES = frozenset({".jsonl"})
RECOGNISED_SUFFIXES = FRONT_MATTER_SUFFIXES | JSON_SUFFIXES | JSON_LINES_SUFFIXES
STDIN = "-"
STDIN_NAME = "<stdin>"  # how problems and reports name standard input


def walk(
    folder: str, suffixes: AbstractSet[str], exclude: Sequence[str] = ()
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Files below `folder` whose lower-cased suffix is in `suffixes`, in sorted
    order (a folder's entries by name, descending into subfolders where they
    sort), skipping hidden entries, entries `excluded` by a glob (a folder
    excluded is not entered) and not following links to folders.

    Iterative (a stack of sorted entry lists), so a folder nested thousands of
    levels deep cannot exhaust Python's recursion limit."""
    stack = [_sorted_entries(folder)]
    while stack:
        entries = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()
        if entry.name.startswith(".") or (
            exclude and excluded(os.path.relpath(entry.path, folder), entry.name, exclude)
        ):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            stack.append(_sorted_entries(entry.path))
        elif not _is_folder_link(entry) and os.path.splitext(entry.name)[1].lower() in suffixes:
            yield entry.path, entry


def _sorted_entries(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries, last name first, so `pop()` yields them in order."""
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda entry: entry.name, reverse=True)
    except OSError:
        return []


def _is_folder_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _identity(name: str, entry: os.DirEntry[str] | None = None) -> tuple[int, int] | str:
    """What makes two paths one file: device and inode (links resolved)."""
    try:
        info = entry.stat() if entry is not None else os.stat(name)
    except OSError:
        return os.path.abspath(name)
    return info.st_dev, info.st_ino


def excluded(relative: str, name: str, exclude: Sequence[str]) -> bool:
    """True when a glob matches the path relative to the walked folder (with /
    between folders, whatever the system) or the bare name, with `fnmatch`
    semantics: `*` also matches /, so `drafts/*` excludes everything below
    drafts/, and `README.md` excludes a README in any folder."""
    if not exclude:
        return False
    relative = relative.replace(os.sep, "/")
    return any(fnmatch.fnmatch(relative, glob) or fnmatch.fnmatch(name, glob) for glob in exclude)


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Expand folders; explicit files are kept whatever their suffix (reported later).

    `exclude` holds globs (`--exclude`, `[export] exclude` in feed.toml) matched
    by `excluded`: inside a folder against the path relative to that folder and
    the file name; a file named explicitly against the path as given and its
    name. Standard input is never excluded.

    A file reached twice (`seeds seeds/a.md`) is read once: read twice, it would
    count twice and clash with itself as a duplicate webUrl."""
    found: list[str] = []
    seen: set[tuple[int, int] | str] = set()
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            named: Iterable[tuple[str, os.DirEntry[str] | None]] = walk(
                path, RECOGNISED_SUFFIXES, exclude
            )
        elif path != STDIN and excluded(os.path.normpath(path), os.path.basename(path), exclude):
            continue
        else:
            named = [(path, None)]
        for name, entry in named:
            key = name if name == STDIN else _identity(name, entry)
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found


def load_source(
    name: str, settings: LoadSettings, stdin: BinaryIO | None = None
) -> list[Record | Problem]:
    """Every record of one input, or the problems that kept records from it."""
    return read_source(name, settings, stdin)[0]


def read_source(
    name: str, settings: LoadSettings, stdin: BinaryIO | None = None
) -> tuple[list[Record | Problem], str | None]:
    """`load_source`, plus the SHA-256 of the bytes the records were read from
    (None when nothing was read), so a cache can key exactly what was checked."""
    if name == STDIN:
        data = read_stream(stdin or sys.stdin.buffer, STDIN_NAME, settings.max_bytes)
        name, suffix = STDIN_NAME, STDIN
    else:
        path = Path(name)  # built once: pathlib parsing shows in per-file profiles
        suffix = path.suffix.lower()
        if suffix not in RECOGNISED_SUFFIXES:
            return [
                Problem(
                    name,
                    "unknown-input-type",
                    f"unrecognised file type {suffix or '(none)'}: use .md, .markdown, .txt, "
                    ".json or .jsonl",
                )
            ], None
        data = read_bytes(path, settings.max_bytes)
    if isinstance(data, Problem):
        return [data], None
    return _parse(data, name, suffix, settings), hashlib.sha256(data).hexdigest()


def _parse(data: bytes, name: str, suffix: str, settings: LoadSettings) -> list[Record | Problem]:
    text = decode(data, name)
    if isinstance(text, Problem):
        return [text]
    return list(PARSERS[suffix](text, name, settings))


Parser = Callable[[str, str, LoadSettings], Iterable[Record | Problem]]


def _loaded_on_use(target: str) -> Parser:
    """A parser whose module is imported on first use: finding and hashing the
    inputs (all an unchanged export does with them) needs no YAML or JSON parser."""
    module_name, _, function_name = target.partition(":")

    def parse(text: str, name: str, settings: LoadSettings) -> Iterable[Record | Problem]:
        parser: Parser = getattr(importlib.import_module(module_name), function_name)
        return parser(text, name, settings)

    return parse


# One line per input format: its suffixes and the function that reads it.
PARSERS: dict[str, Parser] = {
    **dict.fromkeys(
        FRONT_MATTER_SUFFIXES, _loaded_on_use("exporter.load.frontmatter_:parse_front_matter_file")
    ),
    **dict.fromkeys(JSON_SUFFIXES, _loaded_on_use("exporter.load.json_:parse_json")),
    **dict.fromkeys(JSON_LINES_SUFFIXES, _loaded_on_use("exporter.load.json_:parse_json_lines")),
    STDIN: _loaded_on_use("exporter.load.json_:parse_standard_input"),
}
