"""The export's cache is a good citizen: invisible to git and backups, bounded,
and never the reason an export fails (damage is reported once and rebuilt)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from exporter.export.fragments import Finding, Fragment
from exporter.export.store import Cache, FragmentDamaged
from exporter.problems import Problem, Severity


def fragment(key: str, body: bytes = b"", lasting: bool = True) -> Fragment:
    body = body or f"    <item>{key}</item>\n".encode()
    return Fragment(key, body, (), body.count(b"\n"), lasting)


def test_a_new_cache_folder_is_ignored_by_git_and_backup_tools(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with Cache(tmp_path / ".feed-exporter-cache") as cache:
        cache.add([fragment("a")])
    folder = tmp_path / ".feed-exporter-cache"
    assert (folder / ".gitignore").read_text() == "*\n"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert status == ""


def test_fragments_come_back_byte_for_byte_with_their_findings(tmp_path: Path) -> None:
    problem = Problem("rss.xml", "rss-date-implausible", "late", line=3, severity=Severity.WARNING)
    noted = Fragment("b", b"    <item>b</item>\n", (Finding(problem, True),), 1, True)
    with Cache(tmp_path) as cache:
        cache.add([fragment("a"), noted])
    with Cache(tmp_path) as cache:
        found = cache.locate(["a", "b", "c"])
        assert set(found) == {"a", "b"}
        assert cache.read("a", found["a"]) == b"    <item>a</item>\n"
        assert cache.read("b", found["b"]) == noted.body
        assert cache.findings(found["a"]) == ()
        assert cache.findings(found["b"]) == (Finding(problem, True),)


def test_fragments_that_may_change_tomorrow_are_not_kept(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        cache.add([fragment("today", lasting=False), fragment("always")])
        assert set(cache.locate(["today", "always"])) == {"today", "always"}  # this run
    with Cache(tmp_path) as cache:
        assert set(cache.locate(["today", "always"])) == {"always"}


def test_without_a_folder_everything_lives_as_long_as_the_run(tmp_path: Path) -> None:
    with Cache(None) as cache:
        assert not cache.persistent
        cache.add([fragment("a")])
        assert cache.read("a", cache.locate(["a"])["a"]) == b"    <item>a</item>\n"
        cache.store_outcome("k", b"[]")
        assert cache.outcomes(["k"]) == {"k": b"[]"}
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_fragment_is_detected(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        cache.add([fragment("a"), fragment("b")])
    pack = tmp_path / "fragments.pack"
    data = bytearray(pack.read_bytes())
    data[5] ^= 0x20  # inside fragment "a"
    pack.write_bytes(bytes(data))
    with Cache(tmp_path) as cache:
        found = cache.locate(["a", "b"])
        with pytest.raises(FragmentDamaged):
            cache.read("a", found["a"])
        assert cache.read("b", found["b"]) == b"    <item>b</item>\n"
        cache.forget(["a"])
        assert set(cache.locate(["a", "b"])) == {"b"}
        assert [p.rule for p in cache.notices] == ["cache-rebuilt"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_index_is_reported_once_and_rebuilt(tmp_path: Path, damage: str) -> None:
    with Cache(tmp_path) as cache:
        cache.add([fragment(f"k{index}") for index in range(2000)])
        cache.store_outcome("outcome", b"[1]")
    index = tmp_path / "index.sqlite"
    size = index.stat().st_size
    if damage == "garbage":
        index.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        with index.open("r+b") as handle:
            handle.truncate(size // 2)
    else:
        index.write_bytes(b"")
    for name in ("index.sqlite-wal", "index.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with Cache(tmp_path) as cache:
        cache.locate([f"k{index}" for index in range(2000)])
        cache.outcomes(["outcome"])
        cache.add([fragment("new")])
        notices = list(cache.notices)
    if damage != "empty":  # an empty file is a new database to SQLite, nothing to report
        assert [p.rule for p in notices] == ["cache-rebuilt"]
        assert all(p.severity is Severity.WARNING for p in notices)
    with Cache(tmp_path) as cache:  # whatever was lost, the cache works again
        cache.add([fragment("after")])
        assert "after" in cache.locate(["after"])
        assert cache.notices == []


def test_the_cache_stays_under_its_bound_keeping_what_was_used_last(tmp_path: Path) -> None:
    bound = 64 * 1024
    body = b"x" * 1000 + b"\n"
    for run in range(6):  # each run adds 30 KB of fragments nobody uses again
        with Cache(tmp_path, max_bytes=bound) as cache:
            cache.add([fragment(f"run{run}-{index}", body) for index in range(30)])
    assert (tmp_path / "fragments.pack").stat().st_size <= bound
    with Cache(tmp_path, max_bytes=bound) as cache:
        newest = cache.locate([f"run5-{index}" for index in range(30)])
        assert len(newest) == 30
        assert all(cache.read(key, where) == body for key, where in newest.items())
        assert cache.locate([f"run0-{index}" for index in range(30)]) == {}


def test_a_cache_in_use_by_another_export_is_not_evicted(tmp_path: Path) -> None:
    bound = 8 * 1024
    other = Cache(tmp_path, max_bytes=bound)  # another export, still running
    try:
        with Cache(tmp_path, max_bytes=bound) as cache:
            cache.add([fragment(f"k{index}", b"y" * 1000 + b"\n") for index in range(30)])
        assert (tmp_path / "fragments.pack").stat().st_size > bound
        assert len(other.locate([f"k{index}" for index in range(30)])) == 30
    finally:
        other.close()


def test_export_states_of_two_folders_both_survive(tmp_path: Path) -> None:
    with Cache(tmp_path / "cache") as first, Cache(tmp_path / "cache") as second:
        first.store_export_state(tmp_path / "out-a", {"feeds": {"rss.xml": {"plan": "a"}}})
        second.store_export_state(tmp_path / "out-b", {"feeds": {"rss.xml": {"plan": "b"}}})
    with Cache(tmp_path / "cache") as third:
        assert third.export_state(tmp_path / "out-a") == {"feeds": {"rss.xml": {"plan": "a"}}}
        assert third.export_state(tmp_path / "out-b") == {"feeds": {"rss.xml": {"plan": "b"}}}


def test_an_unwritable_cache_folder_means_no_cache_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with Cache(blocker / "cache") as cache:
        cache.add([fragment("a")])
        assert "a" in cache.locate(["a"])  # this run still sees what it made
        assert not cache.persistent
    assert os.path.isfile(blocker)


@pytest.mark.parametrize("persistent", [True, False])
def test_fragments_past_the_memory_budget_are_read_from_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, persistent: bool
) -> None:
    monkeypatch.setattr("exporter.export.store._RECENT_MEMORY", 100)
    made = [fragment(f"k{i}", f"    <item>{i}</item>\n".encode() * 3) for i in range(20)]
    with Cache(tmp_path if persistent else None) as cache:
        cache.add(made)
        found = cache.locate([f.key for f in made])
        assert [cache.read(f.key, found[f.key]) for f in made] == [f.body for f in made]
        assert sum(where.offset >= 0 for where in found.values()) >= 17  # most in the pack
