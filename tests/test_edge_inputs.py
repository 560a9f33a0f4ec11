"""Edge inputs that used to end in a traceback, a hang or exit 3: deep folders,
undecodable file names, malformed URLs and configuration, swapped-in FIFOs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result

from exporter.cli.main import cli

DEPTH = 1200  # deeper than Python's default recursion limit (1,000)
VALID_MD = (
    '---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n---\n'
)
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://example.com/</link>
<description>D</description></channel></rss>
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def assert_clean(result: Result) -> None:
    """No Python traceback reached the user, whatever the exit code."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def deep_folder(tmp_path: Path) -> Iterator[Path]:
    """`tmp_path/top/d/d/.../d`, built and removed one level at a time: os.makedirs
    and shutil.rmtree recurse per level and would fail on it themselves."""
    top = tmp_path / "top"
    folder = top
    folder.mkdir()
    for _ in range(DEPTH):
        folder = folder / "d"
        folder.mkdir()
    yield folder
    while folder != tmp_path:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
        folder = folder.parent


# --- 1. deep folders are walked iteratively ---


def test_validate_walks_a_folder_nested_deeper_than_the_recursion_limit(
    tmp_path: Path, deep_folder: Path
) -> None:
    bottom = deep_folder
    (bottom / "post.md").write_text(VALID_MD, encoding="utf-8")
    result = invoke("validate", str(tmp_path / "top"), "--output-format", "json")
    assert_clean(result)
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert report["checked"] == [str(bottom / "post.md")]


def test_check_walks_a_folder_nested_deeper_than_the_recursion_limit(
    tmp_path: Path, deep_folder: Path
) -> None:
    bottom = deep_folder
    (bottom / "feed.xml").write_text(RSS, encoding="utf-8")
    result = invoke("check", str(tmp_path / "top"), "--output-format", "json")
    assert_clean(result)
    report = json.loads(result.output)
    assert report["checked"] == [str(bottom / "feed.xml")]
    assert report["counts"] == {"files": 1, "invalid": 0}


def test_check_walks_in_the_same_order_as_validate(tmp_path: Path) -> None:
    """Entries by name, a subfolder's files where the subfolder sorts; hidden
    entries and links to folders skipped."""
    for name in ["b.xml", "a/z.atom", "a/b/c.rss", "c.json", ".hidden/h.xml", "a/.x.xml"]:
        path = tmp_path / "public" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(RSS, encoding="utf-8")
    (tmp_path / "public" / "link").symlink_to(tmp_path / "public" / "a")
    result = invoke("check", str(tmp_path / "public"), "--output-format", "json")
    assert_clean(result)
    checked = [
        os.path.relpath(name, tmp_path / "public") for name in json.loads(result.output)["checked"]
    ]
    assert checked == [
        os.path.join("a", "b", "c.rss"),
        os.path.join("a", "z.atom"),
        "b.xml",
        "c.json",
    ]


# --- 2. file names that are not UTF-8 ---


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """A real process: its stdout is a strict UTF-8 text stream, as in CI."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "exporter", *args],
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", ["check", "validate"])
@pytest.mark.parametrize("output_format", ["text", "json", "github", "junit"])
def test_undecodable_file_names_are_reported_escaped(
    tmp_path: Path, command: str, output_format: str
) -> None:
    folder = os.fsencode(tmp_path)
    suffix = b".xml" if command == "check" else b".md"
    with open(os.path.join(folder, b"\xff" + suffix), "wb") as handle:
        handle.write(b"<rss/>" if command == "check" else b"---\ntitle: T\n---\n")
    result = run_process(command, str(tmp_path), "--output-format", output_format)
    output = result.stdout.decode("utf-8")  # strict: the report is valid UTF-8
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    shown = os.path.join(str(tmp_path), "\\udcff") + suffix.decode()
    if output_format == "junit":
        suites = ElementTree.fromstring(result.stdout)
        assert [case.get("name") for case in suites.iter("testcase")] == [shown]
        failure = suites.find("./testsuite/testcase/failure")
        assert failure is not None and failure.text is not None
        assert failure.text.startswith(shown + ":")
    elif output_format == "json":
        report = json.loads(output)
        assert report["checked"] == [os.path.join(str(tmp_path), "\udcff") + suffix.decode()]
        assert "\\udcff" in output
    else:
        assert shown in output
