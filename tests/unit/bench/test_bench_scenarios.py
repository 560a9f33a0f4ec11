"""bench/scenarios.py and bench/reference.py: the scratch corpus, the edits, the
reference tree and the check of where each run's code comes from.

The end-to-end run of every scenario is in test_bench_run.py.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from bench.reference import unpack, verify
from bench.scenarios import (
    NEW_AUTHOR,
    Scratch,
    author_changed,
    replace_file,
    scratch_copy,
)
from bench.tool import Tool

ROOT = Path(__file__).resolve().parents[3]
MODULE = (sys.executable, "-m", "exporter")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = write_corpus(tmp_path / "corpus", 8, seed=5)
    (folder / ".complete").write_text("stamp", encoding="ascii")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_scratch_copy_shares_files_but_edits_never_reach_the_original(
    corpus: Path, tmp_path: Path
) -> None:
    before = _snapshot(corpus)
    records = tmp_path / "scratch"
    method, seconds = scratch_copy(corpus, records)
    assert method == "hardlink" and seconds >= 0
    assert sorted(path.name for path in records.iterdir()) == sorted(
        name for name in before if name != ".complete"
    )
    original, copy = corpus / "0000003.md", records / "0000003.md"
    assert copy.stat().st_ino == original.stat().st_ino
    replace_file(copy, "edited")
    assert copy.read_text(encoding="utf-8") == "edited"
    assert copy.stat().st_ino != original.stat().st_ino

    config = tmp_path / "feed.toml"
    config.write_bytes((ROOT / "feed.toml").read_bytes())
    scratch = Scratch(records, config, count=8, seed=5)
    changed = scratch.edit("one_changed")
    added = scratch.edit("added_100")
    deleted = scratch.edit("one_deleted")
    scratch.edit("settings_changed")
    assert _snapshot(corpus) == before

    assert changed == {"changed": "0000004.md"}
    assert 'title: "Edited: ' in (records / "0000004.md").read_text(encoding="utf-8")
    assert added["added"] == 100
    assert deleted == {"deleted": "0000002.md"}
    assert not (records / "0000002.md").exists()
    assert len(list(records.glob("*.md"))) == 8 + 100 - 1
    assert tomllib.loads(config.read_text(encoding="utf-8"))["feed"]["author"]["name"] == NEW_AUTHOR
    with pytest.raises(ValueError, match="unknown scenario"):
        scratch.edit("everything_changed")


def test_added_records_are_deterministic_valid_and_have_new_urls(tmp_path: Path) -> None:
    def add(folder: Path) -> dict[str, bytes]:
        write_corpus(folder, 5, seed=0)
        Scratch(folder, tmp_path / "unused.toml", count=5, seed=0).edit("added_100")
        return _snapshot(folder)

    first, second = add(tmp_path / "a"), add(tmp_path / "b")
    assert first == second
    urls = [
        line.split('"')[1]
        for text in first.values()
        for line in text.decode().splitlines()
        if line.startswith("webUrl: ")
    ]
    assert len(urls) == 105 == len(set(urls))


def test_the_author_edit_changes_only_that_value() -> None:
    text = (ROOT / "feed.toml").read_text(encoding="utf-8")
    changed = author_changed(text, 'New "name"')
    before, after = text.splitlines(), changed.splitlines()
    assert len(before) == len(after)
    assert [b for b, a in zip(before, after, strict=True) if b != a] == [
        'name = "feed-exporter sample"'
    ]
    parsed = tomllib.loads(changed)
    assert parsed["feed"]["author"] == {"name": 'New "name"', "uri": "https://example.org/"}


def test_the_author_edit_adds_what_the_config_lacks() -> None:
    bare = '[feed]\ntitle = "t"'
    assert tomllib.loads(author_changed(bare))["feed"]["author"]["name"] == NEW_AUTHOR
    no_name = '[feed]\ntitle = "t"\n\n[feed.author]\nuri = "https://example.org/"\n'
    result = tomllib.loads(author_changed(no_name))["feed"]
    assert result["author"] == {"name": NEW_AUTHOR, "uri": "https://example.org/"}
    with pytest.raises(ValueError):  # an inline table: refused, not silently unchanged
        author_changed('[feed]\nauthor = { name = "x" }\n')


def test_a_revision_unpacks_and_its_runs_import_its_code(tmp_path: Path) -> None:
    reference = unpack(ROOT, "HEAD", tmp_path / "tree")
    assert len(reference.commit) == 40
    assert reference.root == tmp_path / "tree"
    assert (reference.root / "exporter" / "__init__.py").is_file()
    tool = Tool.probe(reference.root, ROOT / "feed.toml", None, [], MODULE)
    files = verify(tool, reference.root, tmp_path / "probe")
    assert any(name.endswith("exporter/cli/main.py") for name in files)
    assert all(Path(name).is_relative_to(reference.root) for name in files)


def test_a_run_that_imports_code_from_elsewhere_is_caught(tmp_path: Path) -> None:
    """PYTHONPATH names a folder without the package: the installed (editable)
    copy of this checkout is what would run, and verify says so."""
    empty = tmp_path / "empty"
    empty.mkdir()
    tool = Tool.probe(empty, ROOT / "feed.toml", None, [], MODULE)
    with pytest.raises(SystemExit, match="import exporter from elsewhere"):
        verify(tool, empty, tmp_path / "probe")
