"""The id guard on plans and published feeds built in memory: which feed limit
applies, when a gone entry would still fit, and one finding per record."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from bench.corpus import write_corpus
from exporter.cli.main import cli
from exporter.config import FeedAuthor, FeedConfig, FeedSet
from exporter.export.fragments import Entry
from exporter.export.id_guard import _remembered, guard_ids, limits
from exporter.export.plan import FeedPlan, Selection, plan_feeds
from exporter.export.store import Cache
from exporter.load.settings import LoadSettings
from exporter.published import Published, PublishedEntry, PublishedFeed, read_published
from tests.support import REPO

FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")


def _entry(number: int, **fields: object) -> Entry:
    return Entry(
        f"https://example.org/{number}", datetime(2024, 1, number, tzinfo=UTC), True,
        "<stdin>", f"{number:064x}", f"Title {number}", **fields,  # type: ignore[arg-type]
    )  # fmt: skip


FEED = FeedConfig(
    title="T", description="D", site_url="https://example.org/", author=FeedAuthor("A"),
    base_url="https://example.org/feeds/", feed_urls={"atom": "https://example.org/feeds/atom.xml"},
    sets=(FeedSet("topics", "topics", "topics/{slug}/", "{title}: {key}", limit=2),
          FeedSet("paged", "category", "paged/{slug}/", "{title}: {key}", limit=2, archive=2)),
)  # fmt: skip


def _plan(entries: list[Entry], limit: int | None = None) -> tuple[FeedPlan, ...]:
    return plan_feeds(
        entries, Selection(limit=limit), ("atom",), FEED,
        lambda name: name, lambda name, digest: name + digest,
        lambda name, head, updated: f"{name}:{head.title}:{updated}",
    ).feeds  # fmt: skip


def _published(name: str, entries: list[Entry]) -> Published:
    found = [PublishedEntry(e.id, e.title, e.id, e.original_url, e.published_at) for e in entries]
    return Published({name: PublishedFeed(f"out/{name}", name, "atom", tuple(found))})


def test_the_limit_of_a_feed_is_limit_and_a_set_s_own_unless_it_is_archived() -> None:
    entries = [_entry(n, topics=("ai",), category="news") for n in (1, 2, 3)]
    by_name = {plan.file_name: limits(5, FEED.sets)(plan) for plan in _plan(entries)}
    assert by_name["atom.xml"] == 5
    assert by_name["topics/ai/atom.xml"] == 2
    assert by_name["paged/news/atom.xml"] == 5
    assert limits(None, FEED.sets)(_plan(entries)[0]) is None


def test_an_entry_pushed_out_by_newer_ones_does_not_fit_one_deleted_does() -> None:
    old = [_entry(n) for n in (1, 2, 3)]
    settings = LoadSettings()
    pushed = _plan([_entry(n) for n in (2, 3, 4)], limit=3)
    assert guard_ids(pushed, _published("atom.xml", old), limits(3, ()), False, settings) == []
    deleted = _plan([_entry(n) for n in (1, 3)], limit=3)
    (found,) = guard_ids(deleted, _published("atom.xml", old), limits(3, ()), False, settings)
    assert (found.rule, found.path, found.is_error) == ("entry-removed", "out/atom.xml", False)


def test_an_id_change_is_one_error_per_record_with_its_line() -> None:
    old = [_entry(1), _entry(2)]
    renamed = replace(_entry(2), id="https://example.org/new-2", line=7)
    plans = _plan([_entry(1), renamed])
    (found,) = guard_ids(
        plans, _published("atom.xml", old), limits(None, ()), False, LoadSettings()
    )
    assert (found.rule, found.path, found.line, found.pointer) == (
        "id-changed",
        "<stdin>",
        7,
        "/webUrl",
    )
    assert "from https://example.org/2 to https://example.org/new-2" in found.message
    (allowed,) = guard_ids(
        plans, _published("atom.xml", old), limits(None, ()), True, LoadSettings()
    )
    assert not allowed.is_error


def test_what_an_export_remembers_it_published_is_what_reading_the_files_gives(
    tmp_path: Path,
) -> None:
    """The guard reads a feed the last export wrote from the cache, not the file:
    for every file of an export with sets and archives, in every format, the
    remembered entries equal the parsed ones in every field the guard uses."""
    records = tmp_path / "records"
    write_corpus(records, 45, seed=4, invalid=0.1)
    marked = (records / "0000003.md").read_text(encoding="utf-8")
    marked = re.sub(r'(?m)^title: ".*"$', 'title: "Use <b>bold</b> & more"', marked)
    (records / "0000003.md").write_text(marked, encoding="utf-8")
    config = tmp_path / "feed.toml"
    config.write_text(
        (REPO / "feed.toml")
        .read_text(encoding="utf-8")
        .replace("[feed.author]", "archive = 10\n\n[feed.author]", 1)
        + '\n[sets.topics]\nby = "topics"\nlimit = 5\narchive = 7\n',
        encoding="utf-8",
    )
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    argv = ["export", str(records), "--out", str(out), "--config", str(config),
            "--cache-dir", str(cache_dir), "-q"]  # fmt: skip
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.name in FEED_NAMES)
    with Cache(cache_dir) as cache:
        remembered = cache.published(out, names)
    assert sorted(remembered) == names
    read_back = read_published(out, known=_remembered(out, remembered))
    parsed = read_published(out)
    assert sorted(read_back.feeds) == sorted(parsed.feeds) == names
    for name in names:
        ours = [_guarded(e) for e in read_back.feeds[name].entries]
        theirs = [_guarded(e) for e in parsed.feeds[name].entries]
        assert ours == theirs, name
    # a file changed since it was written is parsed, not taken from memory
    (out / "rss.xml").write_bytes((out / "rss.xml").read_bytes().replace(b"<item>", b"<item> ", 1))
    assert _remembered(out, remembered)("rss.xml") is None


def _guarded(entry: PublishedEntry) -> tuple[object, ...]:
    return (entry.id, entry.title, entry.published, entry.original_url, entry.line)
