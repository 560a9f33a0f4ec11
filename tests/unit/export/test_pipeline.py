"""The one export path against an independent reference: collect every article,
select, and render each feed in one piece. Entries made in shards, batches,
worker processes, earlier runs or a second round (a small --limit) must give
byte for byte that document, with invalid, duplicate and multi-record inputs."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import write_corpus
from exporter.collect import PARALLEL_THRESHOLD, collect
from exporter.config import EntrySettings, FeedAuthor, FeedConfig, load_config
from exporter.export import engine, pipeline, produce
from exporter.export.pipeline import run_export
from exporter.export.plan import Selection, parse_since, select
from exporter.export.produce import RenderSpec
from exporter.export.request import ExportRequest, ExportStatus
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.records import Record
from exporter.render import FORMATS
from exporter.render.dates import articles_updated
from exporter.render.pieces import SEPARATORS, open_ends, split, split_entries
from tests.support import NOW, REPO, article

NAMES = ("rss", "atom", "json")
FILES = ("rss.xml", "atom.xml", "feed.json")
SELECTIONS = {
    "all": Selection(),
    "limit": Selection(limit=17),
    "small-limit": Selection(limit=5),
    "since": Selection(since=parse_since("2024-06-01")),
    "published-only": Selection(published_only=True),
}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_corpus(
        tmp_path_factory.mktemp("pipeline") / "records", PARALLEL_THRESHOLD * 2, seed=5,
        invalid=0.15,
    )  # fmt: skip
    names = sorted(folder.iterdir())
    # the same webUrl twice (a duplicate-url problem for the later file)
    shutil.copy(names[3], folder / "zz-duplicate.md")
    # one file holding several records, of which the second is invalid
    rows: list[dict[str, object]] = []
    for path in names[:40]:
        found = [i for i in load_source(str(path), LoadSettings()) if isinstance(i, Record)]
        if found and len(rows) < 3:
            data = dict(found[0].data)
            data["webUrl"] = f"https://example.com/jsonl/{len(rows)}"
            rows.append(data)
    rows[1] = {**rows[1], "title": 17}
    (folder / "many.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return folder


def feed() -> FeedConfig:
    return load_config(REPO / "feed.toml")


def reference(records: Path, selection: Selection) -> dict[str, bytes]:
    """Every selected article rendered at once, as the whole document."""
    articles = collect([str(records)], keep_articles=True).accepted
    chosen = select(articles, selection).articles
    rendered = {FORMATS[n].file_name: FORMATS[n].render(chosen, feed()) for n in NAMES}
    return rendered


def exported(records: Path, out: Path, **options: Any) -> dict[str, bytes]:
    request = ExportRequest(formats=NAMES, out_dir=out, **options)
    result = run_export([str(records)], request, feed())
    assert result.status is ExportStatus.OK, result.reason
    collection = collect([str(records)])
    assert (result.records, result.invalid) == (collection.records, collection.invalid)
    assert result.record_problems[: len(collection.problems)] == collection.problems
    return {name: (out / name).read_bytes() for name in FILES}


@pytest.mark.parametrize("selection", SELECTIONS, ids=list(SELECTIONS))
@pytest.mark.parametrize(("jobs", "shard_files", "batch"), [(1, 64, 200), (1, 5, 3), (2, 7, 2)])
def test_the_export_equals_one_render_of_the_selected_articles(
    records: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    selection: str,
    jobs: int,
    shard_files: int,
    batch: int,
) -> None:
    monkeypatch.setattr(produce, "SHARD_FILES", shard_files)
    monkeypatch.setattr(produce, "BATCH_SIZE", batch)
    expected = reference(records, SELECTIONS[selection])
    options = {"selection": SELECTIONS[selection], "jobs": jobs}
    assert exported(records, tmp_path / "cold", **options) == expected
    cache = tmp_path / "cache"
    assert exported(records, tmp_path / "cached", cache_dir=cache, **options) == expected
    assert exported(records, tmp_path / "replayed", cache_dir=cache, **options) == expected


def test_a_small_limit_renders_only_the_chosen_records(records: Path, tmp_path: Path) -> None:
    inputs = [str(path) for path in records.iterdir()]
    small = RenderSpec(NAMES, EntrySettings(FeedAuthor("A")), NOW, None, Selection(limit=9))
    assert not engine._renders_ahead(small, inputs)
    assert engine._renders_ahead(small, inputs[:18])
    assert engine._renders_ahead(replace(small, selection=Selection()), inputs)
    made: list[int] = []
    real = produce.make_fragments

    def counted(name: str, articles: Any, *args: Any) -> Any:
        made.append(len(articles))
        return real(name, articles, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(produce, "make_fragments", counted)
        result = exported(records, tmp_path / "out", selection=Selection(limit=9))
    assert result == reference(records, Selection(limit=9))
    assert sum(made) == 9 * 3  # the nine chosen records, in three formats


def test_records_the_filters_drop_are_not_rendered(records: Path) -> None:
    names = tuple(sorted(str(path) for path in records.iterdir() if path.suffix == ".md"))[:20]
    spec = produce.RenderSpec(NAMES, feed().entry_settings, NOW, NOW)
    job = produce.ProduceJob(names, False, LoadSettings(), None, spec)
    everything = produce.run_job(job)
    dates = sorted(
        record.value.published_at
        for outcome in everything.outcomes
        for record in outcome.records
        if record.value is not None
    )
    cutoff = dates[10]
    later = produce.run_job(replace(job, render=replace(spec, selection=Selection(since=cutoff))))
    assert later.outcomes == everything.outcomes  # every record is still accounted for
    kept = {f.key for f in later.fragments}
    assert kept < {f.key for f in everything.fragments}
    assert len(kept) == 3 * sum(1 for date in dates if date >= cutoff)


@pytest.mark.parametrize("name", NAMES)
def test_entries_of_separate_renders_join_into_one_render(name: str) -> None:
    articles = [
        article(title=f"Story {n} <b>bold</b> & more", webUrl=f"https://news.example.com/{n}",
                publishedDateTime=f"2021-0{1 + n % 9}-{10 + n % 18}T{n % 24:02d}:00:00Z",
                topics=["AI", f"T{n % 7}"], body="Some *Markdown* body." if n % 3 else "")
        for n in range(30)
    ]  # fmt: skip
    config = feed()
    updated = articles_updated(articles)
    render = FORMATS[name].render
    parts = split_entries(name, render(articles[:11], config, updated), 11)
    parts += split_entries(name, render(articles[11:], config, updated), 19)
    head, tail = open_ends(name, render((), config, updated))
    whole = render(articles, config, updated)
    assert head + SEPARATORS[name].join(parts) + tail == whole
    pieces = split(name, whole, len(articles))
    assert (pieces.head, pieces.tail) == (head, tail)


def test_a_miscounted_split_is_refused() -> None:
    document = FORMATS["json"].render((), feed(), None)
    with pytest.raises(ValueError, match="entries"):
        split_entries("json", document.replace(b'"items": []', b'"items": [\n{}\n  ]'), 2)


def test_a_broken_entry_in_any_batch_leaves_the_previous_feeds(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One record's entry comes out broken (a renderer bug), in the third batch:
    nothing is written, no temporary file is left, the previous feed stays, and
    the export says it is our bug."""
    monkeypatch.setattr(produce, "BATCH_SIZE", 7)
    out = tmp_path / "out"
    out.mkdir()
    (out / "atom.xml").write_bytes(b"previous")
    victim = collect([str(records)], keep_articles=True).accepted[16].id
    original = FORMATS["atom"]

    def broken(articles: Any, config: FeedConfig, updated: datetime | None = None) -> bytes:
        data = original.render(articles, config, updated)
        mark = f"<id>{victim}</id>".encode()
        return data.replace(mark, mark.replace(b"id>", b"idd>"))

    monkeypatch.setitem(FORMATS, "atom", replace(original, render=broken))
    request = ExportRequest(formats=("atom",), out_dir=out, now=NOW, jobs=1)
    result = run_export([str(records)], request, feed())
    assert result.status is ExportStatus.OUR_BUG
    assert result.reason is not None and "bug in feed-exporter" in result.reason
    assert sorted(p.name for p in out.iterdir()) == ["atom.xml"]
    assert (out / "atom.xml").read_bytes() == b"previous"
    errors = [p for p in result.feed_problems if p.is_error]
    assert errors and all(p.path == "atom.xml" and p.line is not None for p in errors)


def test_a_file_changed_before_the_second_round_is_reported_not_guessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small --limit renders the chosen records in a second round, reading
    their files again: a file edited in between is named, nothing is written."""
    records = write_corpus(tmp_path / "records", 40, seed=9)
    real = pipeline.plan_feeds

    def plan_then_edit(*args: Any) -> Any:
        made = real(*args)
        chosen = Path(made.feeds[0].entries[0].source)
        chosen.write_text(chosen.read_text().replace('title: "', 'title: "Edited ', 1))
        return made

    monkeypatch.setattr(pipeline, "plan_feeds", plan_then_edit)
    out = tmp_path / "out"
    request = ExportRequest(formats=NAMES, out_dir=out, selection=Selection(limit=3))
    result = run_export([str(records)], request, feed())
    assert result.status is ExportStatus.WRITE_FAILED
    assert result.reason is not None and "changed while the export ran" in result.reason
    assert not out.exists() or list(out.iterdir()) == []
