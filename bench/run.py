"""Benchmark: the obvious pipeline (bench.baseline) against `feed-exporter`.

For each corpus size: the baseline, `feed-exporter validate`, a cold
`feed-exporter export --format all` (empty cache) and a warm re-run on
unchanged inputs, each in a fresh process. Prints wall time, µs per record,
per-stage split, peak memory and the baseline/ours ratios; `--json FILE`
keeps the same figures for tools. The corpus is deterministic and cached under
the work folder; nothing touches the network. Not part of the test suite's timing.

    python -m bench.run                      # N = 1,000 and 10,000
    python -m bench.run --sizes 1000,10000,100000 --json bench.json
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import Measurement, run_measured
from bench.table import format_report
from bench.tool import RUN_NAMES, Tool, counts_from, stages_from

ROOT = Path(__file__).resolve().parent.parent
FEED_FILES = ("rss.xml", "atom.xml", "feed.json")


@dataclass
class Options:
    sizes: list[int]
    work: Path
    jobs: int | None
    invalid: float
    seed: int
    repeat: int
    timeout: float
    skip: set[str]
    keep: bool
    config: Path
    notes: list[str] = field(default_factory=list)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: use numbers like 1000,10000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def parse_options(argv: list[str] | None) -> tuple[Options, Path | None]:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10000], help="default 1000,10000")
    parser.add_argument("--work", type=Path, help="folder for the cached corpus and scratch runs")
    parser.add_argument("--jobs", type=int, help="passed to feed-exporter when it has --jobs")
    parser.add_argument("--invalid", type=float, default=0.0, help="fraction of broken records")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs for each command")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per command")
    parser.add_argument("--skip", action="append", default=[], choices=RUN_NAMES)
    parser.add_argument("--keep", action="store_true", help="keep feeds and timings written")
    parser.add_argument("--config", type=Path, default=ROOT / "feed.toml")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.gettempdir()) / "feed-exporter-bench"
    options = Options(
        sizes=args.sizes,
        work=work.resolve(),
        jobs=args.jobs,
        invalid=args.invalid,
        seed=args.seed,
        repeat=max(1, args.repeat),
        timeout=args.timeout,
        skip=set(args.skip),
        keep=args.keep,
        config=args.config.resolve(),
    )
    return options, args.json


def ensure_corpus(options: Options, count: int) -> Path:
    """Generate the corpus once; regenerate when the generator's code changed."""
    generator = (ROOT / "bench" / "corpus.py").read_bytes()
    stamp = hashlib.sha256(generator).hexdigest()[:16]
    folder = options.work / f"corpus-n{count}-seed{options.seed}-invalid{options.invalid:g}"
    marker = folder / ".complete"
    if marker.is_file() and marker.read_text(encoding="ascii") == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    # In a child process: on Linux every run's peak RSS starts from the size of
    # the process that forks it, so this one must stay small.
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(folder), "-n", str(count),
         "--seed", str(options.seed), "--invalid", str(options.invalid)],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    marker.write_text(stamp, encoding="ascii")
    return folder


def source_fingerprint() -> str:
    """Hash of our sources and schemas. A cache keyed by the program's code is
    rightly invalidated when they change, so a warm run in a tree being edited
    can be cold: the report says so instead of showing a puzzling figure."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "exporter").rglob("*.py"), *(ROOT / "schemas").glob("*")]):
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_all(folder: Path) -> int:
    """Read every corpus file once, so no run pays for a cold disk cache."""
    total = 0
    for path in folder.iterdir():
        if path.suffix == ".md":
            total += len(path.read_bytes())
    return total


def _digest(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in FEED_FILES
        if (folder / name).is_file()
    }


def _output_bytes(folder: Path) -> int:
    return sum((folder / name).stat().st_size for name in FEED_FILES if (folder / name).is_file())


Attempt = tuple[Measurement, dict[str, Any]]


def _best(attempts: list[Attempt]) -> Attempt:
    return min(attempts, key=lambda attempt: attempt[0].wall_seconds)


def _summary(name: str, count: int, measured: Measurement, extra: dict[str, Any]) -> dict[str, Any]:
    stages, stage_counts = stages_from(name, measured, extra.pop("timings", None))
    # `validate` exits 1 when some record is invalid, which --invalid asks for;
    # `export` skips invalid records and exits 1 only when it could not write.
    ok = not measured.timed_out and measured.exit_code in ((0, 1) if name == "validate" else (0,))
    return {
        "command": measured.argv,
        "exit_code": measured.exit_code,
        "ok": ok,
        "timed_out": measured.timed_out,
        "wall_seconds": measured.wall_seconds,
        "us_per_record": measured.wall_seconds / count * 1e6,
        "cpu_seconds": measured.cpu_seconds,
        "max_rss_mib": measured.max_rss_kib / 1024,
        "tree_peak_mib": None if measured.tree_peak_kib is None else measured.tree_peak_kib / 1024,
        # Per record, the larger of the two peaks: with workers, the tree's sum is what
        # a memory budget has to hold.
        "kib_per_record": max(measured.max_rss_kib, measured.tree_peak_kib or 0) / count,
        "stages": stages,
        "stage_counts": stage_counts,
        "counts": counts_from(name, measured),
        "stderr_tail": "" if ok else measured.stderr[-800:],
        **extra,
    }


@dataclass
class SizeRun:
    """The four runs at one corpus size, in a scratch folder of their own."""

    options: Options
    tool: Tool
    count: int
    corpus: Path
    scratch: Path

    def _measure(self, label: str, argv: list[str], cwd: Path, env: dict[str, str]) -> Measurement:
        cwd.mkdir(parents=True, exist_ok=True)
        measured = run_measured(argv, cwd=cwd, env=env, timeout=self.options.timeout)
        # A line per run on stderr, so a long benchmark shows it is alive.
        print(
            f"[bench] N={self.count}: {label}: {measured.wall_seconds:.2f} s, "
            f"exit {measured.exit_code}",
            file=sys.stderr,
            flush=True,
        )
        return measured

    def baseline(self) -> dict[str, Any]:
        attempts: list[Attempt] = []
        for attempt in range(self.options.repeat):
            place = self.scratch / f"baseline-{attempt}"
            argv = self.tool.baseline_argv(self.corpus, place / "out")
            measured = self._measure("baseline", argv, place, self.tool.env())
            attempts.append((measured, {"output_bytes": _output_bytes(place / "out")}))
        return _summary("baseline", self.count, *_best(attempts))

    def validate(self) -> dict[str, Any]:
        attempts: list[Attempt] = []
        for attempt in range(self.options.repeat):
            place = self.scratch / f"validate-{attempt}"
            timings = place / "timings.json"
            argv = self.tool.validate_argv(self.corpus)
            measured = self._measure("validate", argv, place, self.tool.env(timings=timings))
            attempts.append((measured, {"timings": timings}))
        return _summary("validate", self.count, *_best(attempts))

    def _export(self, label: str, place: Path, timings: Path) -> Measurement:
        env = self.tool.env(timings=timings, cache=place / "cache")
        return self._measure(label, self.tool.export_argv(self.corpus, place), place, env)

    def exports(self, warm: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Best cold and best warm export; each warm run is the first re-run after its
        own cold run (a fresh working folder and cache folder, so the cache starts
        empty whatever its default location), in the folder and cache it left."""
        colds: list[Attempt] = []
        warms: list[Attempt] = []
        for attempt in range(self.options.repeat):
            place = self.scratch / f"export-{attempt}"
            code_before = source_fingerprint()
            cold = self._export("export cold", place, place / "timings-cold.json")
            colds.append((cold, {"timings": place / "timings-cold.json", "place": place}))
            if not warm:
                continue
            before = _digest(place / "out")
            measured = self._export("export warm", place, place / "timings-warm.json")
            warms.append(
                (
                    measured,
                    {
                        "timings": place / "timings-warm.json",
                        "identical_to_cold": bool(before) and _digest(place / "out") == before,
                        "sources_changed": source_fingerprint() != code_before,
                    },
                )
            )
        best, extra = _best(colds)
        extra["output_bytes"] = _output_bytes(extra.pop("place") / "out")
        cold_summary = _summary("export_cold", self.count, best, extra)
        if not warms:
            return cold_summary, None
        best, extra = _best(warms)
        extra["identical_to_cold"] = all(attempt[1]["identical_to_cold"] for attempt in warms)
        extra["sources_changed"] = any(attempt[1]["sources_changed"] for attempt in warms)
        return cold_summary, _summary("export_warm", self.count, best, extra)

    def all_runs(self) -> dict[str, dict[str, Any]]:
        skip = self.options.skip
        runs: dict[str, dict[str, Any]] = {}
        if "baseline" not in skip:
            runs["baseline"] = self.baseline()
        if "validate" not in skip:
            runs["validate"] = self.validate()
        if {"export_cold", "export_warm"} - skip:
            cold, warm = self.exports(warm="export_warm" not in skip)
            if "export_cold" not in skip:
                runs["export_cold"] = cold
            if warm is not None:
                runs["export_warm"] = warm
        return runs


def bench_size(options: Options, tool: Tool, count: int) -> dict[str, Any]:
    corpus = ensure_corpus(options, count)
    corpus_bytes = _read_all(corpus)
    scratch = Path(tempfile.mkdtemp(prefix=f"run-n{count}-", dir=options.work))
    try:
        runs = SizeRun(options, tool, count, corpus, scratch).all_runs()
    finally:
        if options.keep:
            options.notes.append(f"kept scratch runs for N={count} in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "records": count,
        "corpus_mib": corpus_bytes / 2**20,
        "corpus": str(corpus),
        "runs": runs,
        "ratios": ratios(runs),
    }


def ratios(runs: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """How many times faster than the baseline (baseline wall / our wall)."""
    baseline = runs.get("baseline")

    def over(name: str, numerator: float | None) -> float | None:
        ours = runs.get(name)
        if numerator is None or ours is None or not ours["ok"] or ours["wall_seconds"] <= 0:
            return None
        return float(numerator / ours["wall_seconds"])

    whole = baseline["wall_seconds"] if baseline and baseline["ok"] else None
    # The baseline has no validate-only command: its load + validate stages (in
    # process, so without start-up) are the closest equivalent.
    front = None
    if baseline and baseline["ok"] and {"load", "validate"} <= set(baseline["stages"]):
        front = baseline["stages"]["load"] + baseline["stages"]["validate"]
    return {
        "export_cold": over("export_cold", whole),
        "export_warm": over("export_warm", whole),
        "validate_vs_baseline_load_validate": over("validate", front),
    }


def _compile_sources() -> None:
    """Byte-compile our sources first, so the first timed run does not pay for it."""
    for folder in ("exporter", "bench"):
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / folder)],
            check=False,
            capture_output=True,
        )


def run(options: Options) -> dict[str, Any]:
    options.work.mkdir(parents=True, exist_ok=True)
    tool = Tool.probe(ROOT, options.config, options.jobs, options.notes)
    _compile_sources()
    sizes = [bench_size(options, tool, count) for count in options.sizes]
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "usable_cpus": len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else None,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "options": {
            "sizes": options.sizes,
            "jobs": options.jobs,
            "invalid": options.invalid,
            "seed": options.seed,
            "repeat": options.repeat,
            "tool": tool.describe(),
        },
        "notes": options.notes,
        "sizes": sizes,
    }


def main(argv: list[str] | None = None) -> int:
    options, json_path = parse_options(argv)
    results = run(options)
    print(format_report(results))
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    failed = [
        (size["records"], name)
        for size in results["sizes"]
        for name, result in size["runs"].items()
        if not result["ok"]
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
