"""The cache makes re-runs fast but can never change what export writes: every
warm run is compared byte for byte with a cold run (--no-cache) on the same
inputs, after edits a timestamp check would miss, additions, deletions,
renames, tampered outputs, configuration changes and a corrupt cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.corpus import write_corpus
from exporter import collect as collect_module
from exporter.cli.main import cli
from tests.support import REPO as ROOT

FILES = ("rss.xml", "atom.xml", "feed.json")


def export(records: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["export", str(records), "--out", str(out), "--config", str(ROOT / "feed.toml"),
         "--jobs", "1", "-v", *extra],
    )  # fmt: skip
    return result.exit_code, result.stderr


def feeds(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "records", 40, seed=3, invalid=0.1)


def cold(records: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / f"cold-{len(list(tmp_path.iterdir()))}"
    code, stderr = export(records, out, "--no-cache")
    assert code == 0, stderr
    return feeds(out)


def warm(records: Path, out: Path, cache: Path) -> tuple[dict[str, bytes], str]:
    code, stderr = export(records, out, "--cache-dir", str(cache))
    assert code == 0, stderr
    return feeds(out), stderr


def summary(stderr: str) -> list[str]:
    """The report without the verbose lines that say whether files were kept."""
    return [
        line for line in stderr.splitlines() if not line.startswith(("kept ", "wrote ", "inputs "))
    ]


def test_warm_run_replays_the_same_bytes_and_report(corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    first, first_report = warm(corpus, out, cache)
    second, second_report = warm(corpus, out, cache)
    assert "feeds on disk are current" in second_report
    assert first == second == cold(corpus, tmp_path)
    assert summary(first_report) == summary(second_report)


def test_an_edit_with_the_same_size_and_timestamp_is_noticed(corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    warm(corpus, out, cache)
    target = sorted(corpus.iterdir())[0]
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    assert "category: news" in text or "category: analysis" in text or "category: opinion" in text
    edited = text.replace("type: article", "type: articl3", 1)
    assert len(edited) == len(text) and edited != text
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after, report = warm(corpus, out, cache)
    assert "feeds on disk are current" not in report
    assert after == cold(corpus, tmp_path)


@pytest.mark.parametrize("change", ["add", "delete", "rename"])
def test_added_deleted_and_renamed_files_are_noticed(
    corpus: Path, tmp_path: Path, change: str
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    before, _ = warm(corpus, out, cache)
    files = sorted(corpus.iterdir())
    if change == "add":
        shutil.copy(ROOT / "seeds" / "000_bee16926b7eeda8c.txt", corpus / "zz-new.md")
    elif change == "delete":
        files[1].unlink()
    else:
        files[1].rename(corpus / "zz-renamed.md")
    after, report = warm(corpus, out, cache)
    assert "feeds on disk are current" not in report
    assert after == cold(corpus, tmp_path)
    if change != "rename":
        assert after != before


def test_a_tampered_or_missing_output_is_written_again(corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    good, _ = warm(corpus, out, cache)
    (out / "atom.xml").write_bytes(b"<feed/>")
    (out / "feed.json").unlink()
    after, report = warm(corpus, out, cache)
    assert "feeds on disk are current" not in report
    assert after == good


def test_a_configuration_change_is_noticed_without_reading_records_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    warm(corpus, out, cache)

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was read and checked again")

    monkeypatch.setattr(collect_module, "check_file", must_not_run)
    code, stderr = export(corpus, out, "--cache-dir", str(cache), "--title", "Another title")
    assert code == 0, stderr
    assert b"<title>Another title</title>" in (out / "atom.xml").read_bytes()
    monkeypatch.undo()
    code, _ = export(corpus, tmp_path / "cold", "--no-cache", "--title", "Another title")
    assert feeds(out) == feeds(tmp_path / "cold")


def test_a_corrupt_cache_is_ignored(corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    warm(corpus, out, cache)
    (cache / "cache.sqlite").write_bytes(b"this is not a database" * 100)
    after, _ = warm(corpus, out, cache)
    assert after == cold(corpus, tmp_path)
