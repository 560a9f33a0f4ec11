"""`feed-exporter export` end to end: files, flags, exit codes, golden files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from tests.support import SEED

FILES = ("rss.xml", "atom.xml", "feed.json")
GOLDEN = Path(__file__).resolve().parent / "golden"


def run(*args: str) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(cli, ["export", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr, result.stdout_bytes


def test_default_run_writes_three_files_matching_the_golden_files(
    in_repo: None, tmp_path: Path
) -> None:
    code, stderr, stdout = run("--out", str(tmp_path))
    assert code == 0, stderr
    assert stdout == b""
    assert "1 article exported to 3 feeds, 0 records skipped" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    if os.environ.get("UPDATE_GOLDEN"):
        for name in FILES:
            shutil.copyfile(tmp_path / name, GOLDEN / name)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes(), name


def test_output_bytes_are_utf8_with_declaration_first_and_no_bom(
    in_repo: None, tmp_path: Path
) -> None:
    run("--out", str(tmp_path))
    for name in ("rss.xml", "atom.xml"):
        assert (
            (tmp_path / name).read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
        )
    data = (tmp_path / "feed.json").read_bytes()
    assert data.startswith(b"{\n") and data.endswith(b"}\n")
    data.decode("utf-8")


def test_two_runs_are_byte_identical(in_repo: None, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("--out", str(first))[0] == 0
    assert run("--out", str(second))[0] == 0
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_format_selects_files(in_repo: None, tmp_path: Path) -> None:
    code, stderr, _ = run("--format", "atom", "-f", "json", "--out", str(tmp_path))
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atom.xml", "feed.json"]


def test_stdout_output_writes_one_feed(in_repo: None, tmp_path: Path) -> None:
    code, stderr, stdout = run("--format", "json", "--output", "-", "--out", str(tmp_path))
    assert code == 0, stderr
    assert stdout == (GOLDEN / "feed.json").read_bytes()
    assert list(tmp_path.iterdir()) == []
    code, _, stdout = run("--format", "rss", "--output", "-")
    assert code == 0 and stdout == (GOLDEN / "rss.xml").read_bytes()


def test_stdout_output_needs_exactly_one_format(in_repo: None) -> None:
    code, stderr, stdout = run("--output", "-")
    assert code == 2
    assert "--output - writes one feed" in stderr
    assert stdout == b""


def test_published_only_on_the_seed_gives_valid_empty_feeds(in_repo: None, tmp_path: Path) -> None:
    code, stderr, _ = run("--published-only", "--out", str(tmp_path))
    assert code == 0, stderr
    assert "0 articles exported to 3 feeds" in stderr and "1 left out by selection" in stderr
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / name).read_bytes())
        assert not parsed.bozo and parsed.entries == []
    assert json.loads((tmp_path / "feed.json").read_bytes())["items"] == []


def test_empty_feed_date_follows_source_date_epoch(
    in_repo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    code, stderr, stdout = run("--published-only", "-f", "atom", "--output", "-")
    assert code == 0, stderr
    assert b"<updated>2020-09-13T12:26:40+00:00</updated>" in stdout


@pytest.mark.parametrize(
    ("args", "items"),
    [
        (("--limit", "0"), 0),
        (("--limit", "1"), 1),
        (("--since", "2021-02-09"), 1),
        (("--since", "2021-02-09T04:31:01Z"), 0),
        (("--since", "2021-02-10"), 0),
    ],
)
def test_limit_and_since(in_repo: None, args: tuple[str, ...], items: int) -> None:
    code, stderr, stdout = run(*args, "-f", "json", "--output", "-")
    assert code == 0, stderr
    assert len(json.loads(stdout)["items"]) == items


def test_since_without_zone_is_a_usage_error(in_repo: None) -> None:
    code, stderr, _ = run("--since", "2021-02-09T04:31:00", "-f", "json", "--output", "-")
    assert code == 2 and "no time zone" in stderr


def _records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copyfile(SEED, folder / "good.txt")
    (folder / "bad.md").write_text(
        "---\ntitle: No URL\npublishedDateTime: 2021-02-09T04:31:00Z\n---\nbody\n", encoding="utf-8"
    )
    return folder


def test_invalid_records_are_skipped_and_reported(in_repo: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stderr, _ = run(str(_records(tmp_path)), "--out", str(out))
    assert code == 0
    assert "bad.md" in stderr and "error" in stderr
    assert "1 article exported to 3 feeds, 1 record skipped" in stderr
    assert len(json.loads((out / "feed.json").read_bytes())["items"]) == 1


def test_strict_rejects_and_writes_nothing(in_repo: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "rss.xml").write_bytes(b"previous")
    code, stderr, _ = run(str(_records(tmp_path)), "--strict", "--out", str(out))
    assert code == 1
    assert "bad.md" in stderr and "--strict" in stderr and "nothing written" in stderr
    assert [p.name for p in out.iterdir()] == ["rss.xml"]
    assert (out / "rss.xml").read_bytes() == b"previous"


def test_missing_config_value_is_one_line_exit_2(in_repo: None, tmp_path: Path) -> None:
    config = tmp_path / "feed.toml"
    config.write_text('[feed]\ndescription = "d"\n', encoding="utf-8")
    code, stderr, _ = run("--config", str(config), "--out", str(tmp_path / "out"))
    assert code == 2
    assert stderr.strip().count("\n") == 0
    assert "missing 4 required values: feed.title (--title);" in stderr
    assert not (tmp_path / "out").exists()


def test_flags_override_feed_toml(in_repo: None) -> None:
    code, stderr, stdout = run(
        "-f", "atom", "--output", "-", "--title", "Flag & <Title>",
        "--feed-url", "atom=https://flags.example.com/x.atom",
    )  # fmt: skip
    assert code == 0, stderr
    parsed = feedparser.parse(stdout)
    assert parsed.feed.title == "Flag & <Title>"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        "https://flags.example.com/x.atom"
    ]


def test_bad_feed_url_flag_is_a_usage_error(in_repo: None) -> None:
    code, stderr, _ = run("--feed-url", "gopher=x")
    assert code == 2 and "--feed-url" in stderr


def test_quiet_prints_nothing_on_success(in_repo: None, tmp_path: Path) -> None:
    code, stderr, _ = run("-q", "--out", str(tmp_path))
    assert code == 0 and stderr == ""


def test_verbose_lists_written_files(in_repo: None, tmp_path: Path) -> None:
    code, stderr, _ = run("-v", "--out", str(tmp_path))
    assert code == 0
    for name in FILES:
        assert f"wrote {tmp_path / name}" in stderr


def test_json_report_on_stderr(in_repo: None, tmp_path: Path) -> None:
    code, stderr, _ = run("--output-format", "json", "--out", str(tmp_path))
    assert code == 0
    report = json.loads(stderr)
    assert report["command"] == "export"
    assert report["counts"] == {
        "records": 1, "exported": 1, "skipped": 0, "invalid": 0, "unreadable": 0, "left_out": 0,
    }  # fmt: skip
    assert report["problems"] == []


def test_unwritable_output_folder_is_exit_2_with_the_reason(in_repo: None, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"not a folder")
    code, stderr, _ = run("--out", str(blocker / "sub"))
    assert code == 2
    assert f"cannot write {blocker / 'sub' / 'rss.xml'}" in stderr
    assert blocker.read_bytes() == b"not a folder"
