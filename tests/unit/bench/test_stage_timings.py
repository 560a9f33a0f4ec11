"""exporter.timings: stage totals accumulate, counts add up, the dump is opt-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporter import timings


@pytest.fixture(autouse=True)
def fresh_totals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test sees totals of its own (the module keeps them per process)."""
    monkeypatch.setattr(timings, "_seconds", {})
    monkeypatch.setattr(timings, "_counts", {})
    yield


def test_a_stage_records_the_wall_time_of_its_block() -> None:
    with timings.stage("load"):
        time.sleep(0.02)
    seconds = timings.report()["load"]
    assert 0.015 <= seconds < 1.0


def test_repeated_stages_accumulate_under_one_name() -> None:
    for _ in range(3):
        with timings.stage("render"):
            time.sleep(0.01)
    assert list(timings.report()) == ["render"]
    assert timings.report()["render"] >= 0.025


def test_stages_are_reported_in_the_order_they_first_ran() -> None:
    for name in ("load", "validate", "select", "render", "verify", "write", "load"):
        with timings.stage(name):
            pass
    assert list(timings.report()) == ["load", "validate", "select", "render", "verify", "write"]


def test_nested_stages_are_timed_independently() -> None:
    with timings.stage("export"):
        with timings.stage("render"):
            time.sleep(0.02)
        time.sleep(0.02)
    totals = timings.report()
    assert totals["export"] >= totals["render"] + 0.015
    assert totals["render"] >= 0.015


def test_time_before_an_exception_is_still_recorded() -> None:
    with pytest.raises(ValueError), timings.stage("validate"):
        time.sleep(0.01)
        raise ValueError("bad record")
    assert timings.report()["validate"] >= 0.005


def test_counts_add_up_per_name() -> None:
    timings.count("load", 40)
    timings.count("load", 2)
    timings.count("load", 8)
    timings.count("write")
    assert timings.counts() == {"load": 50, "write": 1}


def test_report_is_a_copy_that_callers_cannot_corrupt() -> None:
    with timings.stage("load"):
        pass
    timings.report()["load"] = -1.0
    timings.counts()["load"] = -1
    assert timings.report()["load"] >= 0.0
    assert "load" not in timings.counts()


def test_dump_writes_stages_and_counts_to_the_named_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "timings.json"
    monkeypatch.setenv(timings.ENVIRONMENT_VARIABLE, str(target))
    with timings.stage("load"):
        timings.count("load", 3)
    with timings.stage("write"):
        pass
    assert timings.dump_if_requested() == target
    written = json.loads(target.read_text(encoding="utf-8"))
    assert set(written) == {"stages", "counts", "elapsed"}
    assert list(written["stages"]) == ["load", "write"]
    assert written["stages"]["load"] == timings.report()["load"]
    assert written["counts"] == {"load": 3}
    assert written["elapsed"] >= written["stages"]["load"]


def test_dump_does_nothing_unless_requested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(timings.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    with timings.stage("load"):
        pass
    assert timings.dump_if_requested() is None
    monkeypatch.setenv(timings.ENVIRONMENT_VARIABLE, "")
    assert timings.dump_if_requested() is None
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_dump_target_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(timings.ENVIRONMENT_VARIABLE, str(tmp_path / "missing" / "t.json"))
    assert timings.dump_if_requested() is None
    monkeypatch.setenv(timings.ENVIRONMENT_VARIABLE, str(tmp_path))  # a folder, not a file
    assert timings.dump_if_requested() is None


@pytest.mark.parametrize("command", ["validate", "export"])
def test_the_cli_writes_timings_when_asked(command: str, tmp_path: Path, repo_root: Path) -> None:
    """End to end: each command in a fresh process honours FEED_EXPORTER_TIMINGS.

    Which stages appear depends on where the pipeline calls `stage`; the
    plumbing (file written at exit, with the documented shape) is what is tested.
    """
    target = tmp_path / "t.json"
    environment = {**os.environ, timings.ENVIRONMENT_VARIABLE: str(target)}
    arguments = [command, "-q", str(repo_root / "seeds")]
    if command == "export":
        arguments += ["--out", str(tmp_path / "out"), "--config", str(repo_root / "feed.toml")]
    completed = subprocess.run(
        [sys.executable, "-m", "exporter", *arguments],
        env=environment,
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    written = json.loads(target.read_text(encoding="utf-8"))
    assert set(written) == {"stages", "counts", "elapsed"}
    assert 0.0 < written["elapsed"] < 60.0
    assert all(isinstance(v, float) and v >= 0.0 for v in written["stages"].values())
    assert all(isinstance(v, int) and v >= 0 for v in written["counts"].values())
