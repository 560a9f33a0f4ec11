"""Incremental re-export scenarios: a scratch copy of the corpus and the edits made to it.

The cached corpus is shared by every run and must stay as generated, so the
scenarios work on a scratch copy made of hard links (one `os.link` per file: a
tenth of the time of copying the bytes, and no extra disk). A hard-linked file
shares its bytes with the cached original, so an edit never writes into it:
it unlinks the name and writes a new file in its place.

Each edit is deterministic (same corpus size and seed, same edit), so repeated
attempts and the `--no-cache` check run on the very same inputs.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import record

SCENARIOS = ("one_changed", "added_100", "one_deleted", "settings_changed")
ADDED = 100
CORPUS_MARKER = ".complete"  # written by the runner next to a finished corpus, not a record
NEW_AUTHOR = "feed-exporter benchmark (author changed)"


def scratch_copy(source: Path, target: Path) -> tuple[str, float]:
    """Mirror the files of `source` in `target`; returns how ("hardlink" or "copy") and seconds.

    Falls back to copying when the two folders cannot share files (another
    file system, or links not allowed)."""
    start = time.perf_counter()
    target.mkdir(parents=True)
    method = "hardlink"
    for path in sorted(source.iterdir()):
        if path.name == CORPUS_MARKER or not path.is_file():
            continue
        if method == "hardlink":
            try:
                os.link(path, target / path.name)
                continue
            except OSError:
                method = "copy"
        shutil.copyfile(path, target / path.name)
    return method, time.perf_counter() - start


def replace_file(path: Path, text: str) -> None:
    """Give `path` new contents without writing into the file it names now.

    The old file may be a hard link to the cached corpus: unlinking the name
    leaves that original as it was."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")


def _record_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix == ".md")


_QUOTED_TITLE = re.compile(r'^title: "', re.MULTILINE)


def change_one_title(folder: Path) -> dict[str, Any]:
    """Prefix the `title:` of the record in the middle of the corpus (or the
    first one after it with a quoted title: with --invalid, some have none)."""
    files = _record_files(folder)
    middle = len(files) // 2
    for path in files[middle:] + files[:middle]:
        text = path.read_text(encoding="utf-8")
        if _QUOTED_TITLE.search(text):
            replace_file(path, _QUOTED_TITLE.sub('title: "Edited: ', text, count=1))
            return {"changed": path.name}
    raise RuntimeError(f"no record with a quoted title in {folder}")


def add_records(folder: Path, count: int, seed: int, how_many: int = ADDED) -> dict[str, Any]:
    """Write `how_many` new valid records, shaped like the corpus, after its last index.

    The index is part of each webUrl's path, so starting past the corpus's own
    indexes keeps every URL unique; another seed gives them other contents."""
    rng = random.Random(f"added-{seed}")
    names = []
    for index in range(count, count + how_many):
        name = f"added-{index:07d}.md"
        (folder / name).write_text(record(index, rng), encoding="utf-8")
        names.append(name)
    return {"added": len(names), "first": names[0], "last": names[-1]}


def delete_one(folder: Path) -> dict[str, Any]:
    """Delete the record a quarter of the way into the corpus (never an added one)."""
    files = [path for path in _record_files(folder) if not path.name.startswith("added-")]
    path = files[len(files) // 4]
    path.unlink()
    return {"deleted": path.name}


_TABLE = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(#.*)?$")
_NAME = re.compile(r"^(?P<key>\s*name\s*=\s*)(?P<value>.*)$")


def _quote_toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def author_changed(config_text: str, new_name: str = NEW_AUTHOR) -> str:
    """The same feed.toml with `[feed.author] name` set to `new_name`.

    A line edit keeps every other byte (comments and order included); the
    result is read back with tomllib so a layout this does not handle (an
    inline table, say) fails loudly rather than measuring an unchanged config."""
    lines = config_text.splitlines(keepends=True)
    table: str | None = None
    header_at: int | None = None
    for number, line in enumerate(lines):
        found = _TABLE.match(line)
        if found:
            table = found["name"].strip()
            if table == "feed.author":
                header_at = number
            continue
        name = _NAME.match(line.rstrip("\r\n"))
        if table == "feed.author" and name:
            ending = line[len(line.rstrip("\r\n")) :] or "\n"
            lines[number] = f"{name['key']}{_quote_toml(new_name)}{ending}"
            break
    else:
        if header_at is None:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines += ["\n", "[feed.author]\n", f"name = {_quote_toml(new_name)}\n"]
        else:
            lines.insert(header_at + 1, f"name = {_quote_toml(new_name)}\n")
    changed = "".join(lines)
    parsed = tomllib.loads(changed)
    if parsed.get("feed", {}).get("author", {}).get("name") != new_name:
        raise ValueError("could not set [feed.author] name in the config")
    return changed


def change_settings(config: Path) -> dict[str, Any]:
    before = tomllib.loads(config.read_text(encoding="utf-8"))
    old = before.get("feed", {}).get("author", {}).get("name")
    replace_file(config, author_changed(config.read_text(encoding="utf-8")))
    return {"feed.author.name": [old, NEW_AUTHOR]}


@dataclass(frozen=True, slots=True)
class Scratch:
    """A scratch corpus and config that the scenarios edit, one step after another."""

    records: Path
    config: Path
    count: int
    seed: int

    def edit(self, scenario: str) -> dict[str, Any]:
        if scenario == "one_changed":
            return change_one_title(self.records)
        if scenario == "added_100":
            return add_records(self.records, self.count, self.seed)
        if scenario == "one_deleted":
            return delete_one(self.records)
        if scenario == "settings_changed":
            return change_settings(self.config)
        raise ValueError(f"unknown scenario {scenario!r}")
