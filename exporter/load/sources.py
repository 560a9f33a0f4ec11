"""Which files to read: paths given by the user, folders walked in sorted order."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.json_ import parse_json, parse_json_lines
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


def _walk(folder: Path) -> Iterator[Path]:
    """Recognised files below `folder`, skipping hidden folders and files."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in RECOGNISED_SUFFIXES:
                yield Path(root, name)


def discover(paths: Sequence[str]) -> list[str]:
    """Expand folders; explicit files are kept whatever their suffix (reported later).

    A file reached twice (`seeds seeds/a.md`) is read once: read twice, it would
    count twice and clash with itself as a duplicate webUrl."""
    found: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            names = [str(p) for p in sorted(_walk(Path(path)), key=lambda p: p.parts)]
        else:
            names = [path]
        for name in names:
            key = name if name == STDIN else os.path.realpath(name)
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found


def load_source(
    name: str, settings: LoadSettings, stdin: BinaryIO | None = None
) -> list[Record | Problem]:
    """Every record of one input, or the problems that kept records from it."""
    if name == STDIN:
        data = read_stream(stdin or sys.stdin.buffer, STDIN_NAME, settings.max_bytes)
        name, suffix = STDIN_NAME, ".jsonl"
    else:
        suffix = Path(name).suffix.lower()
        if suffix not in RECOGNISED_SUFFIXES:
            return [
                Problem(
                    name,
                    "unknown-input-type",
                    f"unrecognised file type {suffix or '(none)'}: use .md, .markdown, .txt, "
                    ".json or .jsonl",
                )
            ]
        data = read_bytes(Path(name), settings.max_bytes)
    if isinstance(data, Problem):
        return [data]
    text = decode(data, name)
    if isinstance(text, Problem):
        return [text]
    if suffix in JSON_SUFFIXES:
        return list(parse_json(text, name, settings))
    if suffix in JSON_LINES_SUFFIXES:
        return list(parse_json_lines(text, name, settings))
    return [parse_front_matter(text, name, settings)]
