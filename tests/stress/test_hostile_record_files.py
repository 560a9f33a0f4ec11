"""Hostile record files: each is refused (or read) within seconds and a bounded
amount of memory, with a one-line reason naming the file; never a traceback.

Every case runs the real CLI in a child process: a time limit catches a hang,
wait4 measures the child's peak memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import FEED_TOML, Bounded, run_bounded

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

# Python, click, PyYAML and jsonschema alone take about 30 MiB; export adds lxml,
# feedgen and markdown-it. Reading any of these inputs whole would take far more.
VALIDATE_MIB = 120
EXPORT_MIB = 200
SECONDS = 20  # a hang detector: each case takes well under a second alone
CONFIG = str(FEED_TOML)

ALIAS_BOMB = "\n".join(
    [
        "---",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]"
            for i in range(1, 9)
        ),
        "title: *i",
        "---",
        "",
    ]
)


def _validate(*paths: str | Path, stdin: Path | None = None) -> Bounded:
    result = run_bounded("validate", *map(str, paths), timeout=SECONDS, stdin=stdin)
    assert result.peak_mib < VALIDATE_MIB, f"{result.peak_mib:.0f} MiB"
    assert "Traceback" not in result.output
    return result


def _export(tmp_path: Path, *paths: str | Path) -> Bounded:
    result = run_bounded(
        "export", *map(str, paths), "--out", str(tmp_path / "out"), "--config", CONFIG,
        timeout=SECONDS,
    )  # fmt: skip
    assert result.peak_mib < EXPORT_MIB, f"{result.peak_mib:.0f} MiB"
    assert "Traceback" not in result.output
    return result


def _problem_lines(result: Bounded) -> list[str]:
    return [line for line in result.output.splitlines() if ": error [" in line]


def _hostile(folder: Path) -> dict[str, str]:
    """Each hostile file, and the rule id it must be refused with."""
    folder.mkdir()
    (folder / "bomb.md").write_text(ALIAS_BOMB)
    with open(folder / "huge.md", "wb") as huge:  # 200 MB, sparse: no disk used
        huge.truncate(200 * 1024 * 1024)
    deep = 10_000
    (folder / "deep.json").write_text('{"title": ' + "[" * deep + "]" * deep + "}")
    (folder / "deep.jsonl").write_text('{"a": ' * deep + "1" + "}" * deep + "\n")
    (folder / "deep-flow.md").write_text("---\ntitle: " + "[" * deep + "]" * deep + "\n---\n")
    block = "".join(" " * level + "a:\n" for level in range(2_000))  # indentation: 2 MB
    (folder / "deep-block.md").write_text("---\n" + block + "---\n")
    os.mkfifo(folder / "pipe.md")
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # a folder loop: never followed
    return {
        "bomb.md": "yaml-alias",
        "huge.md": "too-large",
        "deep.json": "too-deep",
        "deep.jsonl": "too-deep",
        "deep-flow.md": "yaml-syntax",
        "deep-block.md": "yaml-too-deep",
        "pipe.md": "unreadable",
        "loop.md": "unreadable",
    }


MESSAGES = {
    "bomb.md": "YAML anchors and aliases (&name, *name) are not allowed",
    "huge.md": "file is 209,715,200 bytes, over the 10,485,760-byte limit",
    "deep.json": "nesting too deep to read",
    "deep.jsonl": "nesting too deep to read",
    "deep-flow.md": "invalid YAML: exceeded maximum nesting depth",
    "deep-block.md": "nesting deeper than 32 levels",
    "pipe.md": "not a regular file",
    "loop.md": "Too many levels of symbolic links",
}


def test_a_folder_of_hostile_files_is_fully_accounted_for(tmp_path: Path) -> None:
    expected = _hostile(tmp_path / "records")
    (tmp_path / "records" / "good.json").write_text(
        '{"title": "Fine", "webUrl": "https://example.com/a",'
        ' "publishedDateTime": "2021-02-09T04:31:00Z"}'
    )
    result = _validate(tmp_path / "records")
    assert result.code == 1
    found = {Path(line.split(":")[0]).name: line for line in _problem_lines(result)}
    assert set(found) == set(expected)
    for name, rule in expected.items():
        assert f"error [{rule}]" in found[name] and MESSAGES[name] in found[name], found[name]
    assert result.output.rstrip().endswith("1 record, 1 valid, 0 invalid, 8 files unreadable")

    exported = _export(tmp_path, tmp_path / "records")
    assert exported.code == 0, exported.stderr
    assert "1 article exported to 3 feeds, 8 records skipped" in exported.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "atom.xml", "feed.json", "rss.xml",
    ]  # fmt: skip


def test_200_mb_on_standard_input_is_cut_off_at_the_bound(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    result = _validate("-", stdin=huge)
    assert result.code == 1
    (line,) = _problem_lines(result)
    assert "<stdin>: error [too-large]" in line and "more than 10,485,760 bytes" in line


def test_size_bound_is_configurable(tmp_path: Path) -> None:
    record = tmp_path / "a.json"
    record.write_text('{"title": "' + "x" * 2000 + '"}')
    result = run_bounded("validate", "--max-file-size", "1k", str(record), timeout=SECONDS)
    assert "error [too-large]" in result.output and "1,024-byte limit" in result.output
    assert "raise it with --max-file-size" in result.output


def test_a_symlink_loop_named_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    loop = tmp_path / "loop.md"
    loop.symlink_to("loop.md")
    result = _validate(loop)
    assert result.code == 2
    assert str(loop) in result.stderr


def test_a_fifo_named_on_the_command_line_never_blocks(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    result = _validate(pipe)
    assert result.code == 1 and result.seconds < SECONDS
    (line,) = _problem_lines(result)
    assert "error [unreadable] not a regular file" in line


@pytest.fixture(scope="module")
def hundred_thousand_empty_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for index in range(100_000):
        os.close(os.open(folder / f"{index:06d}.md", os.O_CREAT | os.O_WRONLY, 0o644))
    return folder


def test_a_folder_of_100000_empty_files(hundred_thousand_empty_files: Path) -> None:
    """Its own test because it is the slowest case (about 5-15 s, mostly walking
    and naming 100,000 paths): each file is reported, none is lost, and memory
    stays flat. The limit is a hang detector for a slow shared CI machine."""
    result = run_bounded("validate", str(hundred_thousand_empty_files), timeout=120)
    assert result.code == 1
    lines = result.output.splitlines()
    assert len(lines) == 100_001
    assert lines[-1] == "0 records, 0 valid, 0 invalid, 100000 files unreadable"
    assert all(line.endswith(".md: error [empty-file] file is empty") for line in lines[:-1])
    assert result.peak_mib < 250, f"{result.peak_mib:.0f} MiB"


def test_records_cannot_make_the_loader_reach_the_network(tmp_path: Path) -> None:
    """Front matter and JSON have no include or reference mechanism we honour:
    a YAML tag or a $ref is data (or a problem), never a fetch."""
    (tmp_path / "tag.md").write_text("---\ntitle: !include http://127.0.0.1:9/x\n---\n")
    (tmp_path / "ref.json").write_text('{"$ref": "http://127.0.0.1:9/x", "title": "t"}')
    result = _validate(tmp_path)
    rules = sorted(line.split("error [")[1].split("]")[0] for line in _problem_lines(result))
    assert "yaml-type" in rules and "unknown-field" in rules
    assert result.code == 1


def test_no_input_produces_a_traceback_even_with_python_warnings_on(
    tmp_path: Path, repo_root: Path
) -> None:
    (tmp_path / "x.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    env = {**os.environ, "PYTHONWARNINGS": "error", "PYTHONDEVMODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "validate", str(tmp_path)],
        cwd=repo_root, capture_output=True, text=True, timeout=SECONDS, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "error [encoding]" in result.stdout
