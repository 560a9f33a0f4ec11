"""Our feeds pass our own checker with no errors and no warnings; a broken renderer
is caught before anything is written."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from exporter import render as render_registry
from exporter.config import FeedConfig
from exporter.export.fragments import verify
from exporter.export.pipeline import run_export
from exporter.export.plan import Selection
from exporter.export.request import ExportRequest, ExportStatus
from exporter.model import Article
from exporter.problems import Problem
from exporter.render import FORMATS
from tests.support import NOW, SEED, check_feed, repo_config, seed_articles, varied_articles


def _errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.is_error]


def findings(format_name: str, articles: Sequence[Article]) -> list[str]:
    config = repo_config()
    data = FORMATS[format_name].render(articles, config)
    return [
        f"{p.severity.value} {p.rule}: {p.message}" for p in check_feed(data, format_name, config)
    ]


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_seed_feed_has_no_errors_and_no_warnings(format_name: str) -> None:
    assert findings(format_name, seed_articles()) == []


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_empty_feed_has_no_errors_and_no_warnings(format_name: str) -> None:
    assert findings(format_name, []) == []


GENERATED = varied_articles(300)


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_generated_articles_have_no_errors_and_no_warnings(format_name: str) -> None:
    assert findings(format_name, GENERATED) == []


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
def test_each_generated_article_alone_has_no_findings(format_name: str) -> None:
    """One entry at a time, so a finding names the article shape that caused it."""
    for article in GENERATED[:60]:
        assert findings(format_name, [article]) == [], article


def _seed_bytes(format_name: str) -> bytes:
    return FORMATS[format_name].render(seed_articles(), repo_config())


BROKEN = {
    "truncated atom": ("atom", lambda: _seed_bytes("atom")[:-30]),
    "related link lost its rel (#135)": (
        "atom",
        lambda: _seed_bytes("atom").replace(b'rel="related" ', b""),
    ),
    "rss guid not a URL": (
        "rss",
        lambda: _seed_bytes("rss").replace(b'isPermaLink="true">https://', b'isPermaLink="true">x'),
    ),
    "rss ISO date": (
        "rss",
        lambda: _seed_bytes("rss").replace(b"Tue, 09 Feb 2021 04:31:00 +0000", b"2021-02-09"),
    ),
    "json numeric id": (
        "json",
        lambda: _seed_bytes("json").replace(
            b'"id": "https://analyticsindiamag.com/', b'"id": 5, "x": "'
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_verify_reports_errors_for_broken_output(case: str) -> None:
    format_name, make = BROKEN[case]
    config = repo_config()
    problems = verify(make(), FORMATS[format_name].file_name, config.url_for(format_name), NOW)
    assert _errors(problems), problems


def _break(format_name: str, monkeypatch: pytest.MonkeyPatch, bug: str) -> None:
    original = FORMATS[format_name]

    def broken_render(
        articles: Sequence[Article], feed: FeedConfig, updated: datetime | None = None
    ) -> bytes:
        data = original.render(articles, feed, updated)
        if bug == "raise":
            raise RuntimeError("renderer exploded")
        if format_name == "json":
            document = json.loads(data)
            del document["items"]
            return json.dumps(document).encode()
        return data.replace(b"<id>", b"<identifier>").replace(b"</id>", b"</identifier>")

    monkeypatch.setitem(
        render_registry.FORMATS, format_name, replace(original, render=broken_render)
    )


@pytest.mark.parametrize("format_name", ["rss", "atom", "json"])
@pytest.mark.parametrize("bug", ["broken bytes", "raise"])
def test_injected_renderer_bug_exits_3_and_writes_nothing(
    format_name: str, bug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if format_name == "rss" and bug == "broken bytes":
        bug = "raise"  # RSS has no <id>; exercised through the guid case above
    previous = {
        name: f"previous {name}\n".encode() for name in ("rss.xml", "atom.xml", "feed.json")
    }
    for name, data in previous.items():
        (tmp_path / name).write_bytes(data)
    _break(format_name, monkeypatch, bug)

    request = ExportRequest(formats=("rss", "atom", "json"), out_dir=tmp_path, now=NOW)
    result = run_export([str(SEED)], request, repo_config())

    assert result.status is ExportStatus.OUR_BUG
    assert result.written == []
    assert result.reason is not None and "bug in feed-exporter" in result.reason
    assert FORMATS[format_name].file_name in result.reason
    assert any(problem.is_error for problem in result.feed_problems)
    for name, data in previous.items():
        assert (tmp_path / name).read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(previous)


def test_successful_export_writes_what_was_verified(tmp_path: Path) -> None:
    records = write_corpus(tmp_path / "records", 300, seed=8)
    out = tmp_path / "out"
    request = ExportRequest(
        formats=("rss", "atom", "json"),
        out_dir=out,
        selection=Selection(limit=50),
        now=NOW,
    )
    result = run_export([str(records)], request, repo_config())
    assert result.status is ExportStatus.OK
    assert result.exported == 50 and result.left_out == 250
    assert [p.name for p in result.written] == ["rss.xml", "atom.xml", "feed.json"]
    for output in result.outputs:  # what was verified is what is on disk
        assert output.path is not None
        assert output.path.stat().st_size == output.size
        assert output.problems == []
        assert check_feed(output.path.read_bytes(), output.format.name, repo_config()) == []
