"""The pre-commit hook as pre-commit runs it: `entry` plus, unless
`pass_filenames: false`, only the staged files that match `files`. A record
reusing another file's webUrl must fail the commit (issue 13)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import REPO

FEED = """\
[feed]
title = "Blog"
description = "Posts"
site_url = "https://blog.example.com/"
base_url = "https://blog.example.com/"
[feed.author]
name = "Ann"
[export]
inputs = ["content"]
"""


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    found: dict[str, object] = next(h for h in hooks if h["id"] == "feed-exporter-validate")
    return found


def run_like_pre_commit(repository: Path, staged: list[str]) -> subprocess.CompletedProcess[str]:
    """What pre-commit does with the hook: select the staged files by `files`,
    pass them unless `pass_filenames: false`, run the entry in the repository."""
    spec = hook()
    selected = [name for name in staged if re.search(str(spec["files"]), name)]
    assert selected, "the hook would not even run"
    entry = str(spec["entry"]).split()
    assert entry[0] == "feed-exporter"
    names = selected if spec.get("pass_filenames", True) else []
    command = [sys.executable, "-m", "exporter", *entry[1:], *names]
    return subprocess.run(
        command,
        cwd=repository,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def write_post(path: Path, web_url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {path.stem}\npublishedDateTime: 2024-03-01T10:00:00Z\n"
        f'webUrl: "{web_url}"\n---\n',
        encoding="utf-8",
    )


def test_a_staged_record_reusing_another_files_web_url_fails(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "feed.toml").write_text(FEED, encoding="utf-8")
    write_post(tmp_path / "content" / "posts" / "old.md", "https://blog.example.com/a/")
    write_post(tmp_path / "content" / "posts" / "new.md", "https://blog.example.com/a/")
    result = run_like_pre_commit(tmp_path, ["content/posts/new.md"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "duplicate-url" in result.stdout
    assert "old.md" in result.stdout


def test_a_clean_commit_passes(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "feed.toml").write_text(FEED, encoding="utf-8")
    write_post(tmp_path / "content" / "posts" / "old.md", "https://blog.example.com/a/")
    write_post(tmp_path / "content" / "posts" / "new.md", "https://blog.example.com/b/")
    result = run_like_pre_commit(tmp_path, ["content/posts/new.md"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_hook_runs_for_records_in_any_folder_and_for_feed_toml() -> None:
    pattern = str(hook()["files"])
    for name in ("content/posts/a.md", "seeds/x.txt", "_posts/2024-01-01-a.markdown",
                 "data/a.jsonl", "feed.toml", "site/feed.toml"):  # fmt: skip
        assert re.search(pattern, name), name
    assert not re.search(pattern, "static/logo.png")


def test_the_description_promises_nothing_the_hook_does_not_do() -> None:
    spec = hook()
    assert spec["pass_filenames"] is False  # the cross-file rule needs every record
    assert "webUrl" in str(spec["description"])
