"""Edge inputs that used to end in a traceback, a hang or exit 3: deep folders,
undecodable file names, malformed URLs and configuration, swapped-in FIFOs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result

from exporter.check.checker import check_bytes, check_path
from exporter.check.context import CheckContext
from exporter.cli.main import cli
from exporter.load.text import read_bytes
from exporter.problems import Problem
from tests.support import REPO

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


# --- 3 and 4. configuration and URLs: one line and exit 2, never a traceback ---

SEEDS = REPO / "seeds"
FEED_TOML = """[feed]
title = "T"
description = "D"
site_url = "https://example.org/"
base_url = "https://example.org/feeds/"
[feed.author]
name = "A"
"""


def export(tmp_path: Path, *args: str, config: bytes = FEED_TOML.encode()) -> Result:
    (tmp_path / "feed.toml").write_bytes(config)
    options = ["--config", str(tmp_path / "feed.toml"), "--out", str(tmp_path / "out")]
    return invoke("export", str(SEEDS), *options, *args)


def assert_config_error(result: Result, expected: str) -> None:
    assert_clean(result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0]


def test_feed_toml_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    result = export(tmp_path, config=b'[feed]\ntitle = "caf\xe9"\n')
    assert_config_error(result, "not valid UTF-8 (byte 0xe9 at offset 19)")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "value", "named"),
    [
        ("--site-url", "http://[::1", "--site-url 'http://[::1'"),
        ("--feed-url", "rss=http://[::1", "--feed-url rss=URL 'http://[::1'"),
        ("--base-url", "http://[::1/", "--base-url 'http://[::1/'"),
        ("--site-url", "https://a.example:99999/", "--site-url 'https://a.example:99999/'"),
        (
            "--feed-url",
            'atom=https://a.example/a"b',
            "--feed-url atom=URL 'https://a.example/a\"b'",
        ),
        ("--feed-url", "json=https://a.example/a b", "--feed-url json=URL"),
    ],
)
def test_urls_the_checker_would_reject_are_config_errors(
    tmp_path: Path, flag: str, value: str, named: str
) -> None:
    result = export(tmp_path, flag, value)
    assert_config_error(result, named)
    assert "must be an absolute http(s) URL" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ('icon = "https://a.example:99999/i.png"', "feed.icon"),
        ('logo = "https://a.example/<logo>.png"', "feed.logo"),
    ],
)
def test_icon_and_logo_urls_are_checked_like_the_feed_urls(
    tmp_path: Path, line: str, named: str
) -> None:
    config = FEED_TOML.replace("[feed.author]", line + "\n[feed.author]")
    assert_config_error(export(tmp_path, config=config.encode()), named)


def test_author_uri_is_checked_like_the_feed_urls(tmp_path: Path) -> None:
    config = FEED_TOML + 'uri = "http://[::1/"\n'
    assert_config_error(export(tmp_path, config=config.encode()), "feed.author.uri")


def test_valid_ipv6_and_port_urls_are_accepted(tmp_path: Path) -> None:
    result = export(tmp_path, "--site-url", "http://[::1]:8080/", "-f", "json", "--output", "-")
    assert_clean(result)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["home_page_url"] == "http://[::1]:8080/"


def test_check_base_that_is_not_a_url_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")
    result = invoke("check", str(tmp_path / "feed.xml"), "--base", "http://[::1")
    assert_clean(result)
    assert result.exit_code == 2
    assert "Invalid value for '--base': 'http://[::1' is not a valid URL" in result.stderr


@pytest.mark.parametrize("epoch", ["99999999999999", "1" + "0" * 400])
def test_out_of_range_source_date_epoch_falls_back_to_the_fixed_date(
    tmp_path: Path, epoch: str
) -> None:
    (tmp_path / "feed.toml").write_text(FEED_TOML, encoding="utf-8")
    config = str(tmp_path / "feed.toml")
    result = invoke(
        "export", str(SEEDS), "--config", config, "--limit", "0", "-f", "atom", "--output", "-",
        env={"SOURCE_DATE_EPOCH": epoch},
    )  # fmt: skip
    assert_clean(result)
    assert result.exit_code == 0, result.stderr
    assert "<updated>2000-01-01T00:00:00+00:00</updated>" in result.stdout


# --- 5. a missing rule module is a bug, not a silently skipped check ---


@pytest.mark.parametrize(
    ("module", "feed"),
    [
        ("exporter.check.rss", RSS.encode()),
        ("exporter.check.atom", b'<feed xmlns="http://www.w3.org/2005/Atom"/>'),
        ("exporter.check.jsonfeed", b'{"version": "https://jsonfeed.org/version/1.1"}'),
    ],
)
def test_a_rule_module_that_cannot_be_imported_raises(
    monkeypatch: pytest.MonkeyPatch, module: str, feed: bytes
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(ImportError, match=module):
        check_bytes(feed, CheckContext(source="feed"))


# --- 6. a FIFO swapped in after the type check never blocks ---

# Pretends every path is the regular file `regular`, as if a FIFO replaced it
# between a stat by name and the open: only the descriptor's fstat can tell.
SWAPPED = """
import os, sys
from pathlib import Path
from exporter.check.checker import check_path
from exporter.check.context import CheckContext
from exporter.load.text import file_digest, read_bytes

regular_stat = os.stat(sys.argv[2])
os.stat = lambda *args, **kwargs: regular_stat
fifo = sys.argv[1]
print(read_bytes(Path(fifo), 1000).rule)
print(check_path(fifo, CheckContext(source=fifo))[0].rule)
print(file_digest(fifo, 1000))
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_swapped_in_after_the_type_check_is_refused_without_blocking(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "feed.xml"
    os.mkfifo(fifo)
    regular = tmp_path / "regular.xml"
    regular.write_text(RSS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SWAPPED, str(fifo), str(regular)],
        capture_output=True,
        text=True,
        timeout=60,  # the old stat-then-open blocked here forever
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["unreadable", "check-unreadable", "None"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_a_socket_is_not_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        problem = read_bytes(path, 1000)
        assert isinstance(problem, Problem)
        assert (problem.rule, problem.message) == (
            "unreadable",
            "not a regular file (a folder, FIFO, socket or device)",
        )
        [finding] = check_path(str(path), CheckContext(source="feed.md"))
        assert finding.rule == "check-unreadable"
        assert finding.message.startswith("This is not a regular file")
