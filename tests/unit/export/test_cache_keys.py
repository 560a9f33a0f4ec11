"""What a cache key must cover, and when a cached result may not be kept:
unencodable outcomes are misses, library and Python versions are part of the
fingerprint, and an export whose inputs changed while it ran is not remembered."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from exporter.cache import Cache, code_fingerprint
from exporter.collect import FileOutcome
from exporter.config import load_config
from exporter.export import ExportRequest, ExportStatus, run_export
from exporter.incremental import Manifest, input_manifest
from exporter.load.settings import LoadSettings
from exporter.problems import Problem
from exporter.render import FORMATS
from tests.support import REPO as ROOT


def test_an_outcome_orjson_cannot_encode_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path, LoadSettings())
    try:
        huge = Problem(path="a.md", rule="test-rule", message="m", line=2**70)
        cache.store("a.md", "d1", FileOutcome("a.md", (huge,), (), "d1"))
        assert cache.outcome("a.md", "d1") is None
        cache.store_export_state(tmp_path / "out", {"key": "k", "size": 2**70})
        assert cache.export_state(tmp_path / "out") is None
        # the cache still works after the failed stores
        fine = FileOutcome("a.md", (), (), "d1")
        cache.store("a.md", "d1", fine)
        assert cache.outcome("a.md", "d1") == fine
    finally:
        cache.close()


def test_outcomes_stored_in_batches_all_reach_the_database(tmp_path: Path) -> None:
    # More rows than one transaction holds, some left pending until close().
    count = 600
    writer = Cache(tmp_path, LoadSettings())
    for index in range(count):
        writer.store(f"{index}.md", f"d{index}", FileOutcome(f"{index}.md", (), (), f"d{index}"))
    writer.close()
    reader = Cache(tmp_path, LoadSettings())
    try:
        found = [reader.outcome(f"{index}.md", f"d{index}") for index in range(count)]
        assert [o.digest if o else None for o in found] == [f"d{i}" for i in range(count)]
    finally:
        reader.close()


def test_the_fingerprint_covers_library_and_python_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.metadata.version

    def fingerprint() -> str:
        code_fingerprint.cache_clear()
        return code_fingerprint()

    def missing(name: str) -> str:
        if name == "jsonschema-rs":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    try:
        before = fingerprint()
        # exporter.cache looks the function up on importlib.metadata at each call
        monkeypatch.setattr(
            importlib.metadata, "version", lambda name: "99.0.0" if name == "nh3" else real(name)
        )
        upgraded = fingerprint()
        monkeypatch.setattr(importlib.metadata, "version", missing)
        without = fingerprint()
        monkeypatch.setattr(importlib.metadata, "version", real)
        monkeypatch.setattr(sys, "version", "3.99.0 (test)")
        other_python = fingerprint()
    finally:
        monkeypatch.undo()
        code_fingerprint.cache_clear()
    assert len({before, upgraded, without, other_python}) == 4


def export_once(records: Path, out: Path, cache_dir: Path) -> tuple[ExportStatus, bool]:
    settings = LoadSettings()
    cache = Cache(cache_dir, settings)
    try:
        request = ExportRequest(formats=tuple(FORMATS), out_dir=out, settings=settings, cache=cache)
        result = run_export([str(records)], request, load_config(ROOT / "feed.toml"))
    finally:
        cache.close()
    return result.status, result.reused


def stored_key(cache_dir: Path, out: Path) -> object:
    probe = Cache(cache_dir, LoadSettings())
    try:
        state = probe.export_state(out)
    finally:
        probe.close()
    return state.get("key") if state is not None else None


def test_an_input_changed_between_key_and_check_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = write_corpus(tmp_path / "records", 12, seed=5, invalid=0.0)
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    changed = sorted(str(path) for path in records.iterdir())[3]
    # A first export: its key is stored, so the next one hashes its inputs first.
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, False)
    first_key = stored_key(cache_dir, out)
    assert first_key is not None
    Path(changed).write_text(Path(changed).read_text().replace("title:", "title: Changed", 1))

    def stale(paths: list[str], settings: LoadSettings) -> Manifest:
        """The key sees old bytes of one file; the workers then read its new bytes."""
        return [
            (name, "0" * 64 if name == changed else digest)
            for name, digest in input_manifest(paths, settings)
        ]

    monkeypatch.setattr("exporter.export.input_manifest", stale)
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, False)
    # the run above was not remembered under its (stale) key
    assert stored_key(cache_dir, out) == first_key

    monkeypatch.undo()
    # not a replay: the inputs changed since the first export
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, False)
    assert stored_key(cache_dir, out) not in (None, first_key)
    # control: with digests that match what was checked, the state is remembered
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, True)


def test_a_first_export_is_remembered_under_the_bytes_it_read(tmp_path: Path) -> None:
    records = write_corpus(tmp_path / "records", 12, seed=6, invalid=0.0)
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, False)
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, True)
    # one byte more in one file: noticed, exported again, then replayed again
    target = sorted(records.iterdir())[0]
    target.write_bytes(target.read_bytes() + b"\n")
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, False)
    assert export_once(records, out, cache_dir) == (ExportStatus.OK, True)
