"""`discover(paths, exclude=...)`, as `[export] exclude` in feed.toml uses it:
globs matched against the path relative to the walked folder, or the name."""

from __future__ import annotations

import os
from pathlib import Path

from exporter.load.sources import discover


def tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n---\n", encoding="utf-8")


def found(root: Path, *exclude: str) -> list[str]:
    return [os.path.relpath(p, root) for p in discover([str(root)], exclude=exclude)]


def test_a_name_glob_excludes_that_file_in_every_folder(tmp_path: Path) -> None:
    tree(tmp_path, "README.md", "posts/_index.md", "posts/a.md", "posts/README.md")
    assert found(tmp_path, "README.md", "_index.md") == ["posts/a.md"]


def test_a_relative_glob_excludes_a_folder(tmp_path: Path) -> None:
    tree(tmp_path, "drafts/a.md", "drafts/deep/b.md", "posts/c.md", "posts/drafts.md")
    assert found(tmp_path, "drafts/*") == ["posts/c.md", "posts/drafts.md"]
    assert found(tmp_path, "drafts") == ["posts/c.md", "posts/drafts.md"]


def test_no_globs_and_standard_input_exclude_nothing(tmp_path: Path) -> None:
    tree(tmp_path, "a.md")
    assert found(tmp_path) == ["a.md"]
    assert discover(["-"], exclude=("*",)) == ["-"]
