"""Acceptance: `python -m exporter` as CI runs it, in a real process with real pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPO


def run(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "exporter", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_python_m_exporter_validates_the_seed() -> None:
    done = run("validate")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "1 record, 1 valid, 0 invalid, 0 files unreadable\n",
        "",
    )


def test_bad_input_fails_cleanly_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(
        "---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: 'https://e.com/a'\n---\n",
        encoding="utf-8",
    )
    (tmp_path / "baddate.md").write_text(
        "---\ntitle: T\npublishedDateTime: 2021-02-30T04:31:00Z\nwebUrl: 'https://e.com/b'\n---\n",
        encoding="utf-8",
    )
    (tmp_path / "bomb.md").write_text(
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.json").write_text('{"title": "T",\n  "webUrl": }\n', encoding="utf-8")
    (tmp_path / "bytes.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    (tmp_path / "deep.md").write_text("---\na: " + "[" * 400 + "]" * 400 + "\n---\n", "utf-8")
    (tmp_path / "huge.jsonl").write_bytes(b'{"title": "T"}\n' * 100)
    (tmp_path / "nan.md").write_text("---\ntitle: T\nquality: .nan\n---\n", encoding="utf-8")
    done = run("validate", "--max-file-size", "1k", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    rules = [line.split(" [", 1)[1].split("]", 1)[0] for line in lines[:-1]]
    assert rules == [
        "invalid-date-time",
        "yaml-alias",
        "json-syntax",
        "binary",
        "yaml-too-deep",
        "too-large",
        "yaml-type",
    ]
    assert lines[0].startswith(f"{tmp_path / 'baddate.md'}:3: error [invalid-date-time] ")
    assert lines[2].startswith(f"{tmp_path / 'broken.json'}:2:13: error [json-syntax] ")
    assert lines[-1] == "2 records, 1 valid, 1 invalid, 6 files unreadable"


def test_stdin_through_a_real_pipe() -> None:
    good = {"title": "T", "publishedDateTime": "2021-02-09T04:31:00Z", "webUrl": "https://e.com/"}
    bad = {**good, "webUrl": "javascript:alert(1)"}
    done = run("validate", "-o", "json", "-", stdin=json.dumps(good) + "\n" + json.dumps(bad))
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["counts"] == {"records": 2, "valid": 1, "invalid": 1, "unreadable": 0}
    assert [(p["path"], p["line"], p["rule"], p["pointer"]) for p in document["problems"]] == [
        ("<stdin>", 2, "url-scheme", "/webUrl")
    ]


def test_usage_error_exits_2_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    done = run("validate", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_version_and_schema(tmp_path: Path) -> None:
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("feed-exporter, version ")
    schema = run("schema", cwd=tmp_path)  # the contract ships with the package, not the cwd
    assert schema.returncode == 0
    on_disk = json.loads((REPO / "schemas" / "article.schema.json").read_text(encoding="utf-8"))
    assert json.loads(schema.stdout) == on_disk
