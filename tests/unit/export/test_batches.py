"""Feeds are rendered, verified and written in batches (bounded memory, all
cores): the result must be byte for byte what one whole-document render gives,
whatever the batch size or number of worker processes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from exporter import batches
from exporter.batches import export_articles
from exporter.export import ExportRequest, ExportStatus
from exporter.render import FORMATS
from exporter.render.pieces import SEPARATORS, split
from exporter.render.view import articles_updated
from exporter.select import Selection, select
from tests.support import NOW, article, repo_config

ARTICLES = [
    article(
        title=f"Story {n} <b>bold</b> & more",
        webUrl=f"https://news.example.com/{n}",
        publishedDateTime=f"2021-0{1 + n % 9}-{10 + n % 18}T{n % 24:02d}:00:00Z",
        topics=["AI", f"T{n % 7}"],
        body="Some *Markdown* body." if n % 3 == 0 else "",
    )
    for n in range(45)
]


def whole(format_name: str) -> bytes:
    ordered = select(ARTICLES, Selection()).articles
    return FORMATS[format_name].render(ordered, repo_config())


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_pieces_of_batches_join_to_the_whole_document(format_name: str) -> None:
    ordered = select(ARTICLES, Selection()).articles
    updated = articles_updated(ordered)
    parts = []
    for start in range(0, len(ordered), 10):
        batch = ordered[start : start + 10]
        document = FORMATS[format_name].render(batch, repo_config(), updated)
        parts.append(split(format_name, document, len(batch)))
    joined = parts[0].head + SEPARATORS[format_name].join(p.body for p in parts) + parts[0].tail
    assert joined == whole(format_name)
    assert all(p.head == parts[0].head and p.tail == parts[0].tail for p in parts)


@pytest.mark.parametrize("workers", [1, 2])
def test_export_in_small_batches_and_processes_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(batches, "BATCH_SIZE", 7)
    request = ExportRequest(formats=tuple(FORMATS), out_dir=tmp_path, now=NOW, jobs=workers)
    result = export_articles(ARTICLES, request, repo_config())
    assert result.status is ExportStatus.OK, result.reason
    assert len(list(batches.jobs_for(("rss",), ARTICLES, repo_config(), NOW, None))) == 7
    for name, feed_format in FORMATS.items():
        assert (tmp_path / feed_format.file_name).read_bytes() == whole(name)
        assert [p for p in result.feed_problems if p.path == feed_format.file_name] == []


def test_a_failing_batch_leaves_no_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification fails in the third batch: earlier batches were already
    streamed to temporary files, which must disappear; the old feed stays."""
    monkeypatch.setattr(batches, "BATCH_SIZE", 7)
    (tmp_path / "atom.xml").write_bytes(b"previous")
    original = FORMATS["atom"]
    calls = {"n": 0}

    def broken_third(articles, feed, updated=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        data = original.render(articles, feed, updated)
        return data.replace(b"<id>", b"<idd>", 1) if calls["n"] == 3 else data

    monkeypatch.setitem(FORMATS, "atom", replace(original, render=broken_third))
    request = ExportRequest(formats=("atom",), out_dir=tmp_path, now=NOW, jobs=1)
    result = export_articles(ARTICLES, request, repo_config())
    assert result.status is ExportStatus.OUR_BUG
    assert calls["n"] == 3, "stopped at the first failing batch"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atom.xml"]
    assert (tmp_path / "atom.xml").read_bytes() == b"previous"
