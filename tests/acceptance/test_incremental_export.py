"""A re-export costs what changed, and gives the bytes a cold export gives.

Every step below edits the records or the settings in the folder and cache the
previous step left (as cron or CI would), re-exports, and compares the feeds
with a cold `--no-cache` export of the same inputs into an empty folder; for
every selection mode and for one and two processes. The counters of the run
show what was made again: only the entries of the records that changed.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from bench.corpus import generate
from exporter import timings
from exporter.cli.main import cli

FEEDS = ("rss.xml", "atom.xml", "feed.json")
CONFIG = """\
[feed]
title = "Incremental"
description = "Re-exports that cost what changed."
site_url = "https://example.org/"
base_url = "https://example.org/feeds/"

[feed.author]
name = "{author}"
"""
MODES = {
    "all": (),
    "small-limit": ("--limit", "5"),  # rendered after planning, in a second round
    "large-limit": ("--limit", "60"),
    "filters": ("--published-only", "--since", "2019-01-01"),
}


def write_corpus(folder: Path) -> None:
    """80 records (some invalid, a third without provider, so the feed's author
    fallback reaches them) and a JSON Lines file of five more."""
    folder.mkdir()
    for index, (name, text) in enumerate(generate(80, seed=7, invalid=0.1)):
        if index % 3 == 0:
            text = re.sub(r"\nprovider:\n  name: .*\n  domain: .*\n", "\n", text, count=1)
        (folder / name).write_text(text, encoding="utf-8")
    lines = [
        {"title": f"Line {n}", "webUrl": f"https://lines.example/{n}",
         "publishedDateTime": f"2022-03-0{n + 1}T10:00:00+01:00", "excerpt": f"Line {n}."}
        for n in range(5)
    ]  # fmt: skip
    (folder / "lines.jsonl").write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


def feeds(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FEEDS if (out / name).exists()}


class Site:
    def __init__(self, tmp_path: Path, flags: tuple[str, ...], jobs: int) -> None:
        self.tmp = tmp_path
        self.records = tmp_path / "records"
        self.out = tmp_path / "out"
        self.cache = tmp_path / "cache"
        self.config = tmp_path / "feed.toml"
        self.flags = (*flags, "--jobs", str(jobs), "--config", str(self.config), "-q")
        self.references = 0
        write_corpus(self.records)
        self.set_author("Site Author")

    def set_author(self, name: str) -> None:
        self.config.write_text(CONFIG.format(author=name), encoding="utf-8")

    def export(self) -> dict[str, int]:
        """Re-export in place; what the run made (from its counters)."""
        before = timings.counts()
        code, stderr = run("export", str(self.records), "--out", str(self.out),
                           "--cache-dir", str(self.cache), *self.flags)  # fmt: skip
        assert code == 0, stderr
        after = timings.counts()
        made = {name: after.get(name, 0) - before.get(name, 0) for name in after}
        assert feeds(self.out) == self.reference(), "not the bytes of a cold export"
        return made

    def reference(self) -> dict[str, bytes]:
        self.references += 1
        out = self.tmp / f"reference-{self.references}"
        code, stderr = run("export", str(self.records), "--out", str(out), "--no-cache",
                           *self.flags)  # fmt: skip
        assert code == 0, stderr
        return feeds(out)

    def record(self, index: int) -> Path:
        return sorted(self.records.glob("*.md"))[index]


def first_exported(site: Site) -> int:
    """Entries in the feed now (JSON Feed items are easy to count)."""
    return len(orjson.loads((site.out / "feed.json").read_bytes())["items"])


def edit_title(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', 'title: "Edited: ', 1), encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("mode", list(MODES))
def test_every_step_gives_the_bytes_of_a_cold_export(tmp_path: Path, mode: str, jobs: int) -> None:
    site = Site(tmp_path, MODES[mode], jobs)
    first = site.export()
    assert first["entries rendered"] > 0 and first["heads rendered"] == 3

    # Nothing changed: nothing is made, no file is rewritten (their mtime stays).
    for name in FEEDS:
        os.utime(site.out / name, ns=(1_000_000_000, 1_000_000_000))
    made = site.export()
    assert made.get("entries rendered", 0) == 0 and made.get("heads rendered", 0) == 0
    assert all((site.out / name).stat().st_mtime_ns == 1_000_000_000 for name in FEEDS)

    edit_title(site.record(40))
    made = site.export()
    if mode == "all":  # the edited record's three entries, nothing else
        assert made["entries rendered"] == 3
        # the others are copied from the feeds written before, in runs
        assert made["entries copied"] == 3 * (first_exported(site) - 1)

    for index, (name, text) in enumerate(generate(10, seed=99)):
        (site.records / f"new-{index}-{name}").write_text(text, encoding="utf-8")
    made = site.export()
    if mode == "all":
        assert made["entries rendered"] == 30

    site.record(7).unlink()
    made = site.export()
    assert made.get("entries rendered", 0) == 0

    jsonl = site.records / "lines.jsonl"
    jsonl.write_bytes(jsonl.read_bytes().replace(b"Line 3", b"Line three", 1))
    made = site.export()
    if mode == "all":  # one line changed in a file of five: one record made again
        assert made["entries rendered"] == 3

    site.set_author("Another Author")  # reaches the entries without a provider
    made = site.export()
    if mode == "all":
        assert made["entries rendered"] > 0

    text = site.config.read_text(encoding="utf-8")
    site.config.write_text(text.replace("Incremental", "Renamed"), encoding="utf-8")
    made = site.export()  # the heads only: no entry says the feed's title
    assert made.get("entries rendered", 0) == 0 and made["heads rendered"] == 3


def test_an_edit_that_reaches_no_feed_rewrites_nothing(tmp_path: Path) -> None:
    site = Site(tmp_path, (), 1)
    site.export()
    for name in FEEDS:
        os.utime(site.out / name, ns=(1_000_000_000, 1_000_000_000))
    path = site.record(3)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("heat: ", "heat: 1", 1), encoding="utf-8")  # private field
    made = site.export()
    assert made.get("entries rendered", 0) == 0
    assert all((site.out / name).stat().st_mtime_ns == 1_000_000_000 for name in FEEDS)


def test_a_renamed_file_makes_nothing_again(tmp_path: Path) -> None:
    site = Site(tmp_path, (), 1)
    site.export()
    path = site.record(5)
    path.rename(path.with_name("zz-renamed.md"))
    made = site.export()
    assert made.get("entries rendered", 0) == 0


def test_a_feed_deleted_or_edited_by_hand_is_written_again(tmp_path: Path) -> None:
    site = Site(tmp_path, (), 1)
    good = site.export() and feeds(site.out)
    (site.out / "rss.xml").unlink()
    (site.out / "atom.xml").write_bytes(b"tampered")
    site.export()
    assert feeds(site.out) == good


def test_a_cache_shared_with_other_exports_changes_no_byte(tmp_path: Path) -> None:
    """Another folder, another selection, some of the same records in another
    order, all in the same cache: this site's feeds stay a cold export's."""
    site = Site(tmp_path, ("--limit", "7"), 2)
    other = tmp_path / "other-records"
    other.mkdir()
    names = sorted(site.records.iterdir())
    random.Random(3).shuffle(names)
    for index, path in enumerate(names[:40]):
        (other / f"{index:03d}-{path.name}").write_bytes(path.read_bytes())
    code, stderr = run("export", str(other), "--out", str(tmp_path / "other-out"), "-q",
                       "--cache-dir", str(site.cache), "--config", str(site.config))  # fmt: skip
    assert code == 0, stderr
    site.export()
