"""`feed-exporter check` end to end: files, folders, stdin, formats, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from exporter.cli.check_cmd import check
from tests.support import ATOM, SELF

BROKEN = ATOM.replace("<title>Post</title>", "")
WARNED = ATOM.replace(f'<link rel="self" type="application/atom+xml" href="{SELF}"/>', "")


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(check, list(args), input=stdin)
    return result.exit_code, result.output


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    (tmp_path / "good.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.xml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a feed", encoding="utf-8")
    (tmp_path / ".hidden.xml").write_text("<garbage", encoding="utf-8")
    return tmp_path


def test_valid_file_exits_0(feeds: Path) -> None:
    code, output = run(str(feeds / "good.atom"), "--base", SELF)
    assert code == 0
    assert "Checked 1 feed: 1 valid, 0 invalid (0 errors, 0 warnings)." in output


def test_error_exits_1_with_location_and_rule(feeds: Path) -> None:
    code, output = run(str(feeds / "sub" / "broken.xml"))
    assert code == 1
    line = next(line for line in output.splitlines() if "atom-missing-title" in line)
    assert line.startswith(f"{feeds / 'sub' / 'broken.xml'}:8")
    assert "error" in line


def test_warnings_exit_0_unless_strict(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    feed.write_text(WARNED, encoding="utf-8")
    assert run(str(feed))[0] == 0
    code, output = run(str(feed), "--strict")
    assert code == 1
    assert "atom-missing-self" in output


def test_folder_is_walked_for_feed_files(feeds: Path) -> None:
    code, output = run(str(feeds), "--output-format", "json")
    report = json.loads(output)
    assert code == 1
    assert sorted(Path(name).name for name in report["checked"]) == ["broken.xml", "good.atom"]
    assert {Path(p["path"]).name for p in report["problems"]} == {"broken.xml"}
    assert report["counts"] == {"files": 2, "invalid": 1}


def test_base_for_a_folder_is_joined_with_each_file(tmp_path: Path) -> None:
    (tmp_path / "feed.atom").write_text(ATOM, encoding="utf-8")
    assert run(str(tmp_path), "--base", "https://example.com/", "--strict")[0] == 0
    code, output = run(str(tmp_path), "--base", "https://example.org/", "--strict")
    assert code == 1
    assert "atom-self-mismatch" in output


def test_stdin(feeds: Path) -> None:
    code, output = run("-", "--base", SELF, stdin=ATOM.encode())
    assert code == 0
    code, output = run("-", "-o", "json", stdin=b"<rss><oops></rss>")
    assert code == 1
    problems = json.loads(output)["problems"]
    assert problems[0]["path"] == "<stdin>"
    assert problems[0]["rule"] == "xml-not-well-formed"


def test_format_comes_from_content_not_name(tmp_path: Path) -> None:
    named_json = tmp_path / "feed.json"
    named_json.write_text(ATOM, encoding="utf-8")
    assert run(str(named_json), "--base", SELF)[0] == 0


def test_github_and_junit_formats(feeds: Path) -> None:
    code, output = run(str(feeds / "sub" / "broken.xml"), "-o", "github")
    assert code == 1
    assert "::error file=" in output and "title=atom-missing-title" in output
    code, output = run(str(feeds), "-o", "junit")
    assert code == 1
    root = ElementTree.fromstring(output)
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert sum(1 for case in cases if case.find("failure") is not None) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["does-not-exist.xml"],
        [],
        ["-", "--base", "not a url"],
        ["-", "--output-format", "yaml"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _ = run(*args, stdin=b"")
    assert code == 2


def test_folder_without_feeds_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("x", encoding="utf-8")
    code, output = run(str(tmp_path))
    assert code == 2
    assert "no feed files" in output


def test_fifo_and_symlink_loop_are_findings_not_hangs(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xml")
    os.symlink(tmp_path, tmp_path / "loop")
    (tmp_path / "feed.atom").write_text(ATOM, encoding="utf-8")
    code, output = run(str(tmp_path / "pipe.xml"), str(tmp_path), "-o", "json")
    report = json.loads(output)
    assert code == 1
    assert [p["rule"] for p in report["problems"]] == ["check-unreadable", "check-unreadable"]
    assert len(report["checked"]) == 3


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(ATOM.encode() + b"<!--" + b"x" * 5000 + b"-->")
    code, output = run(str(big), "--max-file-size", "1k")
    assert code == 1
    assert "check-too-large" in output
