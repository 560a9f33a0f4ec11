"""Export renders shard by shard in the workers and puts the entries in order
afterwards: that must give byte for byte the feeds of the reference path (collect
every article, select, render in order), whatever the shard size, job count,
selection or spool, with invalid, duplicate and multi-record inputs."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from exporter import batches, export, shards
from exporter.batches import export_articles
from exporter.collect import PARALLEL_THRESHOLD, collect
from exporter.config import load_config
from exporter.export import ExportRequest, ExportStatus, run_export
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.records import Record
from exporter.render import get_format
from exporter.render.pieces import SEPARATORS, open_ends, split_entries
from exporter.select import Selection, parse_since
from tests.support import REPO as ROOT

FORMATS = ("rss", "atom", "json")
FILES = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_corpus(
        tmp_path_factory.mktemp("shards") / "records", PARALLEL_THRESHOLD * 2, seed=5, invalid=0.15
    )
    names = sorted(folder.iterdir())
    # the same webUrl twice (a duplicate-url problem for the later file)
    shutil.copy(names[3], folder / "zz-duplicate.md")
    # one file holding several records, of which the second is invalid
    rows: list[dict[str, object]] = []
    for path in names[:40]:
        found = [
            item for item in load_source(str(path), LoadSettings()) if isinstance(item, Record)
        ]
        if found and len(rows) < 3:
            data = dict(found[0].data)
            data["webUrl"] = f"https://example.com/jsonl/{len(rows)}"
            rows.append(data)
    rows[1] = {**rows[1], "title": 17}
    (folder / "many.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return folder


def reference(records: Path, selection: Selection, out: Path) -> dict[str, bytes]:
    collection = collect([str(records)])
    request = ExportRequest(formats=FORMATS, out_dir=out, selection=selection)
    result = export_articles(collection.articles, request, load_config(ROOT / "feed.toml"))
    assert result.status is ExportStatus.OK, result.reason
    return {name: (out / name).read_bytes() for name in FILES}


def sharded(records: Path, selection: Selection, out: Path, jobs: int) -> dict[str, bytes]:
    request = ExportRequest(formats=FORMATS, out_dir=out, selection=selection, jobs=jobs)
    result = run_export([str(records)], request, load_config(ROOT / "feed.toml"))
    assert result.status is ExportStatus.OK, result.reason
    collection = collect([str(records)])
    assert (result.records, result.invalid) == (collection.records, collection.invalid)
    assert result.record_problems[: len(collection.problems)] == collection.problems
    return {name: (out / name).read_bytes() for name in FILES}


SELECTIONS = {
    "all": Selection(),
    "limit": Selection(limit=17),
    "since": Selection(since=parse_since("2024-06-01")),
    "published-only": Selection(published_only=True),
}


@pytest.mark.parametrize("selection", SELECTIONS, ids=list(SELECTIONS))
@pytest.mark.parametrize(("jobs", "shard_files"), [(1, 64), (1, 5), (2, 7)])
def test_sharded_export_equals_the_reference_path(
    records: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    selection: str,
    jobs: int,
    shard_files: int,
) -> None:
    monkeypatch.setattr(shards, "SHARD_FILES", shard_files)
    # every record rendered in the workers, even under a small --limit
    monkeypatch.setattr(export, "renders_only_the_selection", lambda request, inputs: False)
    expected = reference(records, SELECTIONS[selection], tmp_path / "reference")
    assert sharded(records, SELECTIONS[selection], tmp_path / "sharded", jobs) == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_small_limit_renders_only_the_selection_with_the_same_feeds(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    selection = Selection(limit=9)
    request = ExportRequest(formats=FORMATS, selection=selection)
    assert export.renders_only_the_selection(request, PARALLEL_THRESHOLD * 2)
    assert not export.renders_only_the_selection(request, 18)
    assert not export.renders_only_the_selection(ExportRequest(formats=FORMATS), 10**6)
    rendered: list[int] = []
    real = batches.render_batch

    def counted(job: batches.BatchJob) -> batches.RenderedBatch:
        rendered.append(len(job.articles))
        return real(job)

    monkeypatch.setattr(batches, "render_batch", counted)
    expected = reference(records, selection, tmp_path / "reference")
    rendered.clear()
    assert sharded(records, selection, tmp_path / "selection", jobs) == expected
    if jobs == 1:  # in process, so counted here: only the 9 chosen were rendered
        assert rendered == [9]


def test_entries_spooled_to_disk_give_the_same_feeds(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "SPOOL_MEMORY", 1)  # a file from the first entry on
    spools: list[shards.EntrySpool] = []
    real = shards.EntrySpool

    def spool() -> shards.EntrySpool:
        spools.append(real())
        return spools[-1]

    monkeypatch.setattr(shards, "EntrySpool", spool)
    expected = reference(records, Selection(), tmp_path / "reference")
    assert sharded(records, Selection(), tmp_path / "sharded", 1) == expected
    assert len(spools) == 1 and spools[0]._file._rolled  # type: ignore[attr-defined]  # on disk


def test_entries_of_separate_renders_join_into_one_render(records: Path) -> None:
    articles = collect([str(records)]).articles[:30]
    feed = load_config(ROOT / "feed.toml")
    from exporter.render.view import articles_updated

    updated = articles_updated(articles)
    for name in FORMATS:
        render = get_format(name).render
        parts = split_entries(name, render(articles[:11], feed, updated), 11)
        parts += split_entries(name, render(articles[11:], feed, updated), 19)
        head, tail = open_ends(name, render((), feed, updated))
        assert head + SEPARATORS[name].join(parts) + tail == render(articles, feed, updated)


def test_a_miscounted_split_is_refused() -> None:
    feed = load_config(ROOT / "feed.toml")
    document = get_format("json").render((), feed, None)
    with pytest.raises(ValueError, match="entries"):
        split_entries("json", document.replace(b'"items": []', b'"items": [\n{}\n  ]'), 2)


def test_records_the_filters_drop_are_not_rendered(records: Path) -> None:
    names = tuple(sorted(str(path) for path in records.iterdir() if path.suffix == ".md"))[:20]
    feed = load_config(ROOT / "feed.toml")
    job = shards.ShardJob(names, LoadSettings(), FORMATS, feed, None, None)
    everything = shards.run_shard(job)
    cutoff = sorted(key.published_at for key in everything.keys)[10]
    later = shards.run_shard(replace(job, selection=Selection(since=cutoff)))
    assert later.keys == everything.keys  # every record is still accounted for
    for name in FORMATS:
        for key, entry, full in zip(
            later.keys, later.entries[name], everything.entries[name], strict=True
        ):
            assert entry == (full if key.published_at >= cutoff else b"")
    assert sum(1 for entry in later.entries["rss"] if entry) == sum(
        1 for key in everything.keys if key.published_at >= cutoff
    )
