"""bench/run.py at a tiny size: every figure it promises is there and consistent.

Not a timing test: nothing here asserts that anything is fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import generate
from bench.measure import Measurement, run_measured
from bench.run import Options, ensure_corpus, failures, ratios
from bench.scenarios import SCENARIOS
from bench.table import COLUMNS, LABELS
from bench.tool import CHAIN, RUN_NAMES, counts_from, stages_from
from tests.support import REPO

ROOT = REPO
SCENARIO_LABELS = ("one changed", "added 100", "one deleted", "settings changed")
RUN_FIELDS = {
    "command",
    "exit_code",
    "ok",
    "timed_out",
    "wall_seconds",
    "us_per_record",
    "cpu_seconds",
    "max_rss_mib",
    "tree_peak_mib",
    "kib_per_record",
    "stages",
    "stage_counts",
    "counts",
    "stderr_tail",
}


def _bench(tmp_path: Path, *arguments: str) -> tuple[str, dict[str, Any]]:
    report = tmp_path / "bench.json"
    command = [sys.executable, "-m", "bench.run", "--work", str(tmp_path / "work")]
    completed = subprocess.run(
        [*command, "--json", str(report), *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout, json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    return _bench(tmp_path_factory.mktemp("bench"), "--sizes", "30", "--reference", "HEAD")


def test_the_table_shows_every_column_run_and_ratio(tiny: tuple[str, dict[str, Any]]) -> None:
    table, _ = tiny
    assert "N = 30 records" in table
    header = next(line for line in table.splitlines() if line.startswith("run "))
    for heading, _, _ in COLUMNS:
        assert heading in header, heading
    for label in LABELS.values():
        assert any(line.startswith(label + " ") for line in table.splitlines()), label
    for label in ("export cold", "export warm", *SCENARIO_LABELS):
        row = next(line for line in table.splitlines() if line.startswith(label + " "))
        assert " yes " in row, row  # the identical column
    assert "faster than baseline" in table
    assert "cold vs reference (ours / reference wall): " in table
    assert "x warm: wall / warm replay wall" in table
    assert "export cold " in table and "export warm " in table
    assert "warm output byte-identical to cold: yes" in table
    assert "stage split" in table
    assert "noisy" in table


def test_the_json_has_every_field_for_every_run(tiny: tuple[str, dict[str, Any]]) -> None:
    _, results = tiny
    assert set(results) == {"machine", "options", "notes", "sizes"}
    assert {"cpus", "usable_cpus", "python", "platform", "load_average"} <= set(results["machine"])
    assert results["options"]["sizes"] == [30]
    (size,) = results["sizes"]
    assert size["records"] == 30
    assert size["corpus_mib"] > 0
    assert set(size["runs"]) == {*RUN_NAMES, "reference_cold"}
    assert list(size["runs"]) == [
        "baseline",
        "validate",
        "export_cold",
        "reference_cold",
        "export_warm",
        *SCENARIOS,
    ]
    assert size["scratch_copy"]["method"] == "hardlink"
    assert size["identity_checked"] is True
    for name, run in size["runs"].items():
        assert set(run) >= RUN_FIELDS, name
        assert run["ok"] and run["exit_code"] == 0 and not run["timed_out"], name
        assert run["wall_seconds"] > 0
        assert run["us_per_record"] == pytest.approx(run["wall_seconds"] / 30 * 1e6)
        assert run["max_rss_mib"] > 5  # a Python process, measured, not a placeholder
        peak = max(run["max_rss_mib"], run["tree_peak_mib"] or 0)
        assert run["kib_per_record"] == pytest.approx(peak * 1024 / 30)
        assert run["cpu_seconds"] > 0


def test_counts_agree_with_the_corpus(tiny: tuple[str, dict[str, Any]]) -> None:
    _, results = tiny
    runs = results["sizes"][0]["runs"]
    assert runs["baseline"]["counts"] == {"records": 30, "valid": 30}
    assert runs["validate"]["counts"] == {"records": 30, "valid": 30, "invalid": 0, "unreadable": 0}
    for name in ("export_cold", "reference_cold", "export_warm"):
        assert runs[name]["counts"] == {"exported": 30, "feeds": 3, "skipped": 0}, name
    assert runs["export_cold"]["output_bytes"] > 30 * 1000  # three feeds of 30 items
    assert runs["baseline"]["output_bytes"] > 30 * 1000
    assert runs["export_warm"]["identical_to_cold"] is True
    assert isinstance(runs["export_warm"]["sources_changed"], bool)


def test_each_scenario_made_its_edit_and_matches_a_no_cache_export(
    tiny: tuple[str, dict[str, Any]],
) -> None:
    _, results = tiny
    runs = results["sizes"][0]["runs"]
    exported = {
        "export_cold": 30,
        "export_warm": 30,
        "one_changed": 30,
        "added_100": 130,
        "one_deleted": 129,
        "settings_changed": 129,
    }
    for name, count in exported.items():
        assert runs[name]["counts"] == {"exported": count, "feeds": 3, "skipped": 0}, name
        assert runs[name]["identical"] is True, name
        assert runs[name]["sources_changed"] is False, name
    # Every scenario changed the feeds (an edit the export ignored would measure
    # nothing); the warm replay changed nothing.
    assert runs["export_warm"]["output_changed"] is False
    for name in SCENARIOS:
        assert runs[name]["output_changed"] is True, name
    assert runs["one_changed"]["edit"] == {"changed": "0000015.md"}
    assert runs["added_100"]["edit"] == {
        "added": 100,
        "first": "added-0000030.md",
        "last": "added-0000129.md",
    }
    assert runs["one_deleted"]["edit"] == {"deleted": "0000007.md"}
    old, new = runs["settings_changed"]["edit"]["feed.author.name"]
    assert old == "feed-exporter sample" and new != old
    assert runs["settings_changed"]["output_bytes"] != runs["one_deleted"]["output_bytes"]


def test_the_cached_corpus_is_left_as_generated(tiny: tuple[str, dict[str, Any]]) -> None:
    _, results = tiny
    folder = Path(results["sizes"][0]["corpus"])
    expected = dict(generate(30, seed=0))
    found = {path.name: path for path in folder.iterdir() if path.name != ".complete"}
    assert sorted(found) == sorted(expected)
    for name, path in found.items():
        assert path.read_text(encoding="utf-8") == expected[name], name
        assert path.stat().st_nlink == 1, name  # the scratch copy's links are gone
    work = folder.parent
    assert sorted(path.name for path in work.iterdir()) == [folder.name]  # nothing left behind


def test_the_reference_revision_ran_its_own_code(tiny: tuple[str, dict[str, Any]]) -> None:
    table, results = tiny
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    reference = results["options"]["reference"]
    assert reference["revision"] == "HEAD"
    assert reference["commit"] == head
    tree = Path(reference["pythonpath"])
    assert len(reference["imported_from"]) > 20  # the whole export path, not just the package
    assert all(Path(name).is_relative_to(tree) for name in reference["imported_from"])
    assert all(Path(name).is_relative_to(ROOT) for name in reference["ours_imported_from"])
    assert reference["tool"]["command"][-2:] == ["-m", "exporter"]
    assert not tree.exists()  # cleaned up without --keep
    assert any(f"reference HEAD = {head[:12]}" in note for note in results["notes"])
    size = results["sizes"][0]
    run = size["runs"]["reference_cold"]
    assert run["ok"]
    unchanged = subprocess.run(
        ["git", "diff", "--quiet", "HEAD", "--", "exporter", "schemas"], cwd=ROOT, check=False
    )
    if unchanged.returncode == 0:  # HEAD's code is the code under test: the same feeds
        assert run["same_output_as_ours"] is True
    assert run["command"][run["command"].index("--config") + 1] == str(ROOT / "feed.toml")
    cold = size["runs"]["export_cold"]["wall_seconds"]
    assert size["ratios"]["cold_vs_reference"] == pytest.approx(cold / run["wall_seconds"])
    assert "reference feeds byte-identical to ours: yes" in table


def test_stage_splits_come_from_each_run(tiny: tuple[str, dict[str, Any]]) -> None:
    _, results = tiny
    runs = results["sizes"][0]["runs"]
    assert list(runs["baseline"]["stages"]) == ["load", "validate", "build", "render+write"]
    for name, run in runs.items():
        assert all(seconds >= 0 for seconds in run["stages"].values())
        assert sum(run["stages"].values()) <= run["wall_seconds"] + 0.05, name


def test_ratios_are_baseline_wall_over_ours(tiny: tuple[str, dict[str, Any]]) -> None:
    _, results = tiny
    size = results["sizes"][0]
    runs = size["runs"]
    base = runs["baseline"]["wall_seconds"]
    assert size["ratios"]["export_cold"] == pytest.approx(
        base / runs["export_cold"]["wall_seconds"]
    )
    assert size["ratios"]["export_warm"] == pytest.approx(
        base / runs["export_warm"]["wall_seconds"]
    )
    warm = runs["export_warm"]["wall_seconds"]
    assert set(size["ratios"]["x_warm"]) == set(CHAIN)
    for name in CHAIN:
        expected_x = runs[name]["wall_seconds"] / warm
        assert size["ratios"]["x_warm"][name] == pytest.approx(expected_x), name
    front = runs["baseline"]["stages"]["load"] + runs["baseline"]["stages"]["validate"]
    expected = front / runs["validate"]["wall_seconds"]
    assert size["ratios"]["validate_vs_baseline_load_validate"] == pytest.approx(expected)


def test_skipped_runs_and_invalid_records(tmp_path: Path) -> None:
    table, results = _bench(
        tmp_path,
        "--sizes",
        "40",
        "--invalid",
        "0.25",
        "--skip",
        "baseline",
        "--skip",
        "export_warm",
        "--skip",
        "one_changed",
        "--skip",
        "added_100",
        "--skip",
        "settings_changed",
        "--no-identity-check",
        "--jobs",
        "1",
    )
    size = results["sizes"][0]
    tool = results["options"]["tool"]
    for name, has_jobs in (
        ("validate", tool["validate_jobs"]),
        ("export_cold", tool["export_jobs"]),
    ):
        command = size["runs"][name]["command"]
        passed = command[command.index("--jobs") + 1] if "--jobs" in command else None
        noted = any(f"`{name.split('_')[0]}` has no --jobs" in note for note in results["notes"])
        assert (passed == "1") if has_jobs else (passed is None and noted), name
    assert set(size["runs"]) == {"validate", "export_cold", "one_deleted"}
    assert size["ratios"] == {
        "export_cold": None,
        "export_warm": None,
        "validate_vs_baseline_load_validate": None,
        "cold_vs_reference": None,
        "x_warm": {"export_cold": None, "one_deleted": None},
    }
    assert "export cold n/a" in table
    assert "identical: not checked (--no-identity-check)" in table
    assert size["runs"]["one_deleted"]["identical"] is None
    # A skipped scenario makes no edit: the deletion is the only change after cold.
    assert size["runs"]["one_deleted"]["edit"] == {"deleted": "0000010.md"}
    assert size["runs"]["one_deleted"]["output_changed"] is True
    counts = size["runs"]["validate"]["counts"]
    assert counts["records"] + counts["unreadable"] == 40  # bad YAML: a file, not a record
    assert counts["invalid"] > 0
    exported = size["runs"]["export_cold"]["counts"]
    assert exported["skipped"] == counts["invalid"] + counts["unreadable"]
    assert exported["exported"] == counts["valid"]
    after = size["runs"]["one_deleted"]["counts"]
    assert after["exported"] + after["skipped"] == 39


def _options(work: Path) -> Options:
    return Options(
        sizes=[5],
        work=work,
        jobs=None,
        invalid=0.0,
        seed=3,
        repeat=1,
        timeout=60,
        skip=set(),
        keep=False,
        config=REPO / "feed.toml",
    )


def test_the_corpus_is_generated_once_then_reused(tmp_path: Path) -> None:
    options = _options(tmp_path)
    folder = ensure_corpus(options, 5)
    names = sorted(path.name for path in folder.glob("*.md"))
    assert names == [f"{index:07d}.md" for index in range(5)]
    first = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.md")}
    assert ensure_corpus(options, 5) == folder
    assert {path.name: path.stat().st_mtime_ns for path in folder.glob("*.md")} == first
    (folder / ".complete").write_text("stale generator", encoding="ascii")
    (folder / "0000004.md").write_text("tampered", encoding="utf-8")
    ensure_corpus(options, 5)
    assert (folder / "0000004.md").read_text(encoding="utf-8").startswith("---")


# Measured from a small Python process: on Linux a child's ru_maxrss starts from
# the size of the process that forked it, and pytest grows large in a full run.
_PEAKS = """
import json, sys
from bench.measure import run_measured
env = {"PATH": "/usr/bin:/bin"}
code = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"
big = run_measured([sys.executable, "-c", code], cwd=sys.argv[1], env=env)
small = run_measured([sys.executable, "-c", "pass"], cwd=sys.argv[1], env=env)
print(json.dumps([big.exit_code, big.max_rss_kib, small.exit_code, small.max_rss_kib]))
"""


def test_peak_memory_is_that_childs_own_not_an_aggregate(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PEAKS, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    big_exit, big_kib, small_exit, small_kib = json.loads(done.stdout)
    assert big_exit == 0 and small_exit == 0
    assert big_kib > 200 * 1024
    assert small_kib < 100 * 1024  # not inflated by the earlier, bigger child


def test_a_run_past_its_timeout_is_killed(tmp_path: Path) -> None:
    measured = run_measured(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        timeout=0.5,
    )
    assert measured.timed_out
    assert measured.exit_code == -9
    assert measured.wall_seconds < 10


def _measurement(stdout: str = "", stderr: str = "") -> Measurement:
    return Measurement(["x"], 0, 1.0, 1.0, 1024, None, stdout, stderr)


def test_counts_and_stages_are_read_from_what_each_command_prints(tmp_path: Path) -> None:
    validate = _measurement(
        stdout="a.md:3: problem\n12 records, 10 valid, 2 invalid, 1 files unreadable\n"
    )
    assert counts_from("validate", validate) == {
        "records": 12,
        "valid": 10,
        "invalid": 2,
        "unreadable": 1,
    }
    export = _measurement(
        stderr="9 article(s) exported to 3 feed(s), 2 record(s) skipped (invalid or unreadable), "
        "1 left out by selection\n"
    )
    assert counts_from("export_cold", export) == {"exported": 9, "feeds": 3, "skipped": 2}
    assert counts_from("export_warm", _measurement(stderr="Traceback ...")) == {}
    baseline = _measurement(stdout='{"load": 0.5, "validate": 1.5, "records": 12.0, "valid": 10.0}')
    assert stages_from("baseline", baseline, None) == (
        {"load": 0.5, "validate": 1.5},
        {
            "records": 12,
            "valid": 10,
        },
    )
    timings = tmp_path / "t.json"
    timings.write_text('{"stages": {"load": 0.25}, "counts": {"load": 12}, "elapsed": 1.0}')
    assert stages_from("validate", _measurement(), timings) == ({"load": 0.25}, {"load": 12})
    assert stages_from("validate", _measurement(), tmp_path / "missing.json") == ({}, {})


def test_a_failed_run_gives_no_ratio() -> None:
    runs: dict[str, dict[str, Any]] = {
        "baseline": {"ok": True, "wall_seconds": 10.0, "stages": {"load": 2.0, "validate": 4.0}},
        "validate": {"ok": True, "wall_seconds": 2.0},
        "export_cold": {"ok": False, "wall_seconds": 0.1},
        "export_warm": {"ok": True, "wall_seconds": 0.5},
    }
    assert ratios(runs) == {
        "export_cold": None,
        "export_warm": 20.0,
        "validate_vs_baseline_load_validate": 3.0,
        "cold_vs_reference": None,
        "x_warm": {"export_cold": None, "export_warm": 1.0},
    }


def test_which_exit_codes_count_as_a_successful_run() -> None:
    from bench.run import _summary

    def summary(name: str, code: int) -> dict[str, Any]:
        measured = Measurement(["x"], code, 1.0, 1.0, 1024, None, "", "boom\n")
        return _summary(name, 10, measured, {})

    assert summary("validate", 1)["ok"]  # some records invalid: a verdict, not a failure
    assert not summary("validate", 2)["ok"]
    assert summary("export_cold", 0)["ok"]
    failed = summary("export_cold", 1)  # export exits 1 only when it could not write
    assert not failed["ok"]
    assert failed["stderr_tail"] == "boom\n"
    assert summary("export_cold", 0)["stderr_tail"] == ""


def test_the_table_says_which_run_was_killed_or_failed() -> None:
    from bench.run import _summary
    from bench.table import format_size

    killed = Measurement(["x"], -9, 600.0, 300.0, 2048, 4096, "", "", timed_out=True)
    crashed = Measurement(["y"], 3, 1.0, 1.0, 1024, None, "", "Traceback: our bug\n")
    runs = {
        "baseline": _summary("baseline", 10, killed, {}),
        "export_cold": _summary("export_cold", 10, crashed, {}),
    }
    size = {"records": 10, "corpus_mib": 0.1, "runs": runs, "ratios": ratios(runs)}
    text = format_size(size)
    assert "baseline killed after --timeout" in text
    assert "export cold FAILED: Traceback: our bug" in text
    assert "export cold n/a" in text
    assert any(line.startswith("baseline") and " kill " in line for line in text.splitlines())


def test_a_run_whose_feeds_differ_from_a_no_cache_export_fails_the_bench() -> None:
    runs = {
        "export_cold": {"ok": True, "identical": True},
        "export_warm": {"ok": True, "identical": None},  # not checked
        "one_changed": {"ok": True, "identical": False},
        "validate": {"ok": True},
    }
    assert failures({"sizes": [{"records": 5, "runs": runs}]}) == [(5, "one_changed")]
    runs["one_changed"]["identical"] = True
    assert failures({"sizes": [{"records": 5, "runs": runs}]}) == []


def test_an_unknown_reference_revision_is_refused(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run", "--work", str(tmp_path), "--sizes", "5",
         "--reference", "no-such-revision-anywhere"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )  # fmt: skip
    assert completed.returncode != 0
    assert "--reference no-such-revision-anywhere: not a commit" in completed.stderr
    assert not list(tmp_path.glob("reference-*"))


def test_the_table_marks_feeds_that_differ_and_steps_that_changed_nothing() -> None:
    from bench.run import _summary
    from bench.table import format_size

    def measured(wall: float) -> Measurement:
        return Measurement(["x"], 0, wall, 1.0, 1024, None, "", "")

    runs = {
        "export_warm": _summary("export_warm", 10, measured(2.0), {"identical": True}),
        "one_changed": _summary(
            "one_changed", 10, measured(3.0), {"identical": False, "output_changed": False}
        ),
    }
    text = format_size({"records": 10, "corpus_mib": 0.1, "runs": runs, "ratios": ratios(runs)})
    row = next(line for line in text.splitlines() if line.startswith("one changed "))
    assert " 1.50 " in row and " NO " in row
    warm = next(line for line in text.splitlines() if line.startswith("export warm "))
    assert " 1.00 " in warm and " yes " in warm
    assert "note: the feeds did not change at one changed" in text
