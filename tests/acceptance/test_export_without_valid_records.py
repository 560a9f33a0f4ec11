"""An export that reads no valid record keeps the published feeds: a wrong path
or a broken batch of records must not replace them with empty ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from tests.support import REPO

FILES = ("rss.xml", "atom.xml", "feed.json")


def export(records: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["export", str(records), "--out", str(out), "--config", str(REPO / "feed.toml"),
         "--no-cache", *extra],
    )  # fmt: skip
    return result.exit_code, result.stderr


@pytest.mark.parametrize("content", [None, "---\ntitle: yes\n---\n", "not front matter\n"])
def test_no_valid_record_keeps_the_previous_feeds(tmp_path: Path, content: str | None) -> None:
    out = tmp_path / "out"
    code, stderr = export(REPO / "seeds", out)
    assert code == 0, stderr
    published = {name: (out / name).read_bytes() for name in FILES}
    records = tmp_path / "records"
    records.mkdir()
    if content is not None:
        (records / "a.md").write_text(content, encoding="utf-8")
    code, stderr = export(records, out)
    assert code == 1
    assert "nothing written: no valid records" in stderr
    assert {name: (out / name).read_bytes() for name in FILES} == published


def test_an_empty_feed_by_selection_is_still_written(tmp_path: Path) -> None:
    code, stderr = export(REPO / "seeds", tmp_path, "--published-only")
    assert code == 0, stderr
    assert b"<item>" not in (tmp_path / "rss.xml").read_bytes()
