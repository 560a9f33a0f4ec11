"""What a cache key must cover: a hit is byte for byte what making it again
would give, and nothing that cannot change the result makes a miss."""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import write_corpus
from exporter.config import EntrySettings, FeedAuthor, load_config
from exporter.export import produce
from exporter.export.keys import (
    article_digest,
    code_fingerprint,
    fragment_key,
    head_key,
    outcome_key,
)
from exporter.export.pipeline import run_export
from exporter.export.request import ExportRequest, ExportStatus
from exporter.export.store import Cache
from exporter.load.settings import LoadSettings
from exporter.model import Article, Image, Provider, RelatedArticle
from tests.support import REPO, article

SETTINGS = EntrySettings(FeedAuthor("Someone"))


def test_the_fingerprint_covers_library_and_python_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.metadata.version

    def fingerprint() -> str:
        code_fingerprint.cache_clear()
        return code_fingerprint()

    def missing(name: str) -> str:
        if name == "jsonschema-rs":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    try:
        before = fingerprint()
        monkeypatch.setattr(
            importlib.metadata, "version", lambda name: "99.0.0" if name == "nh3" else real(name)
        )
        upgraded = fingerprint()
        monkeypatch.setattr(importlib.metadata, "version", missing)
        without = fingerprint()
        monkeypatch.setattr(importlib.metadata, "version", real)
        monkeypatch.setattr(sys, "version", "3.99.0 (test)")
        other_python = fingerprint()
    finally:
        monkeypatch.undo()
        code_fingerprint.cache_clear()
    assert len({before, upgraded, without, other_python}) == 4


CHANGES: dict[str, Any] = {
    "id": "https://news.example.com/other",
    "url": "https://news.example.com/other",
    "title": "Another title",
    "published_at": datetime(2021, 2, 9, 4, 31, 1, tzinfo=UTC),
    "modified_at": datetime(2021, 3, 1, tzinfo=UTC),
    "original_url": "https://elsewhere.example/1",
    "excerpt": "Another excerpt.",
    "body": "Another *body*.",
    "category": "opinion",
    "type": "video",
    "published": False,
    "provider": Provider("Another", "another.example"),
    "topics": ("Other",),
    "images": (Image("https://img.example/1.jpg", 10, 20),),
    "related": (RelatedArticle("Rel", "https://rel.example/1"),),
}


def test_an_article_digest_covers_every_field_but_its_file() -> None:
    base = article(body="A *body*.")
    assert set(CHANGES) == {f.name for f in fields(Article)} - {"source"}
    digests = {article_digest(replace(base, **{name: value})) for name, value in CHANGES.items()}
    assert len(digests) == len(CHANGES) and article_digest(base) not in digests
    assert article_digest(replace(base, source="moved/elsewhere.md")) == article_digest(base)


def test_a_fragment_key_covers_format_entry_settings_and_a_pinned_clock() -> None:
    digest = article_digest(article())
    base = fragment_key("rss", SETTINGS, digest, None)
    others = {
        fragment_key("atom", SETTINGS, digest, None),
        fragment_key("rss", EntrySettings(FeedAuthor("Someone else")), digest, None),
        fragment_key(
            "rss", EntrySettings(FeedAuthor("Someone", "https://a.example/")), digest, None
        ),
        fragment_key("rss", SETTINGS, article_digest(article(title="T2")), None),
        fragment_key("rss", SETTINGS, digest, datetime(2025, 1, 1, tzinfo=UTC)),
    }
    assert base not in others and len(others) == 5
    assert fragment_key("rss", SETTINGS, digest, None) == base


def test_a_head_key_covers_every_feed_setting_and_the_date() -> None:
    feed = load_config(REPO / "feed.toml")
    day = datetime(2021, 2, 9, tzinfo=UTC)
    base = head_key("rss", feed, day, None)
    assert head_key("rss", replace(feed, title="Other"), day, None) != base
    assert head_key("rss", replace(feed, language="de"), day, None) != base
    assert head_key("rss", feed, datetime(2021, 2, 10, tzinfo=UTC), None) != base
    assert head_key("atom", feed, day, None) != base


def test_an_outcome_key_covers_name_bytes_and_load_bounds() -> None:
    base = outcome_key(LoadSettings(), "a.md", "d1")
    assert len({
        base,
        outcome_key(LoadSettings(), "b.md", "d1"),
        outcome_key(LoadSettings(), "a.md", "d2"),
        outcome_key(LoadSettings(max_depth=5), "a.md", "d1"),
        outcome_key(LoadSettings(max_bytes=10), "a.md", "d1"),
    }) == 5  # fmt: skip


def _export(records: Path, tmp_path: Path) -> ExportStatus:
    request = ExportRequest(formats=("rss",), out_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    return run_export([str(records)], request, load_config(REPO / "feed.toml")).status


def test_an_outcome_is_stored_under_the_bytes_that_were_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup key is made from the bytes hashed first; a file edited before
    it is read again to be checked is stored under what was checked, never
    under the bytes hashed before."""
    records = write_corpus(tmp_path / "records", 6, seed=5)
    assert _export(records, tmp_path) is ExportStatus.OK  # a cache to look things up in
    changed = sorted(records.iterdir())[2]
    changed.write_text(changed.read_text().replace("title:", "title: First", 1))
    hashed = produce._outcome_keys([str(changed)], LoadSettings())
    real = produce.check_file

    def edited_meanwhile(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == str(changed):
            changed.write_text(changed.read_text().replace("title:", "title: Second", 1))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(produce, "check_file", edited_meanwhile)
    assert _export(records, tmp_path) is ExportStatus.OK
    monkeypatch.undo()
    checked = produce._outcome_keys([str(changed)], LoadSettings())
    assert hashed != checked and None not in hashed + checked
    with Cache(tmp_path / "c") as cache:
        stored = cache.outcomes([key for key in hashed + checked if key is not None])
    assert set(stored) == {checked[0]}


def test_the_same_inputs_are_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = write_corpus(tmp_path / "records", 6, seed=6)
    assert _export(records, tmp_path) is ExportStatus.OK

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged input was checked again")

    monkeypatch.setattr(produce, "check_file", must_not_run)
    assert _export(records, tmp_path) is ExportStatus.OK
    # a settings change that reaches no entry needs no record either
    monkeypatch.setattr(produce, "run_job", must_not_run)
    request = ExportRequest(formats=("rss",), out_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    feed = replace(load_config(REPO / "feed.toml"), title="Another title")
    assert run_export([str(records)], request, feed).status is ExportStatus.OK
    assert b"<title>Another title</title>" in (tmp_path / "out" / "rss.xml").read_bytes()
