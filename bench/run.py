"""Benchmark: the obvious pipeline (bench.baseline) against `feed-exporter`.

For each corpus size: the baseline, `feed-exporter validate`, then one chain of
exports in one working folder and cache, each starting from the state the last
one left (like a cron job): a cold `feed-exporter export --format all` (empty
cache), a warm re-run on unchanged inputs, then re-runs after one title
changed, 100 records added, one record deleted and the feed author changed.
The chain works on a scratch copy of the corpus (hard links; an edit replaces a
file, never writes into it). Each step's feeds are compared byte for byte with
an untimed `--no-cache` export of the same inputs into an empty folder.
`--reference REV` also times a cold export by another revision's code.

Every timed command runs in a fresh process. Prints wall time, µs per record,
per-stage split, peak memory, the baseline/ours ratios and each re-run against
the warm replay; `--json FILE` keeps the same figures for tools. The corpus is
deterministic and cached under the work folder; nothing touches the network.
Not part of the test suite's timing.

    python -m bench.run                      # N = 1,000 and 10,000
    python -m bench.run --sizes 1000,10000,100000 --json bench.json
    python -m bench.run --sizes 10000 --reference main~3
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

from bench import reference as reference_tree
from bench.corpus import WORK
from bench.measure import Measurement, run_measured
from bench.scenarios import SCENARIOS, Scratch, scratch_copy
from bench.table import LABELS, format_report
from bench.tool import CHAIN, RUN_NAMES, Tool, counts_from, stages_from

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
    check_identical: bool = True
    reference: str | None = None
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
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=RUN_NAMES,
        help="leave out a run (repeatable); export_cold still runs when a later step needs it, "
        "and a skipped scenario's edit is not made",
    )
    parser.add_argument(
        "--no-identity-check",
        dest="check_identical",
        action="store_false",
        help="skip the untimed --no-cache export per step that checks the feeds are "
        "byte-identical (for very large sizes)",
    )
    parser.add_argument(
        "--reference",
        metavar="REV",
        help="also time a cold export by this git revision's code (e.g. main~3)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep feeds, timings and the reference tree"
    )
    parser.add_argument("--config", type=Path, default=ROOT / "feed.toml")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    work = args.work or WORK
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
        check_identical=args.check_identical,
        reference=args.reference,
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
    """The runs at one corpus size, in a scratch folder of their own."""

    options: Options
    tool: Tool
    count: int
    corpus: Path
    scratch: Path
    reference_tool: Tool | None = None
    copies: list[dict[str, Any]] = field(default_factory=list)
    cold_digest: dict[str, str] | None = None  # our first cold export's feeds

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

    def _no_cache_digest(self, step: str, records: Path, config: Path) -> dict[str, str] | None:
        """The feeds of an untimed cold `--no-cache` export of these inputs into an
        empty folder, the output every step must match byte for byte (None if it failed)."""
        place = self.scratch / f"check-{step}"
        argv = self.tool.export_argv(records, place, config=config, extra=("--no-cache",))
        env = self.tool.env(cache=place / "cache")
        measured = self._measure(f"check {LABELS[step]} (--no-cache, untimed)", argv, place, env)
        digest = _digest(place / "out") if measured.exit_code == 0 else None
        if not self.options.keep:
            shutil.rmtree(place, ignore_errors=True)
        return digest or None

    def chain(self, steps: list[str]) -> dict[str, dict[str, Any]]:
        """Cold, warm and the scenarios in `steps`, in that order, in one working
        folder and cache on one scratch copy of the corpus and config: each step
        starts from the state the previous one left. With --repeat, each attempt
        is a whole chain of its own; each step keeps its fastest attempt."""
        attempts: dict[str, list[Attempt]] = {name: [] for name in steps}
        expected: dict[str, dict[str, str] | None] = {}  # no-cache feeds per input state
        for attempt in range(self.options.repeat):
            place = self.scratch / f"export-{attempt}"
            records = place / "records"
            method, seconds = scratch_copy(self.corpus, records)
            self.copies.append({"method": method, "seconds": seconds})
            config = place / "feed.toml"
            shutil.copyfile(self.options.config, config)
            scratch = Scratch(records, config, self.count, self.options.seed)
            code_before = source_fingerprint()
            state = "export_cold"  # the last step that changed the inputs
            previous: dict[str, str] = {}
            for name in steps:
                edit = scratch.edit(name) if name in SCENARIOS else None
                if edit is not None:
                    state = name
                timings = place / f"timings-{name}.json"
                env = self.tool.env(timings=timings, cache=place / "cache")
                argv = self.tool.export_argv(records, place, config=config)
                measured = self._measure(LABELS[name], argv, place, env)
                digest = _digest(place / "out")
                extra: dict[str, Any] = {
                    "timings": timings,
                    "output_bytes": _output_bytes(place / "out"),
                    "sources_changed": source_fingerprint() != code_before,
                    "identical": None,
                }
                if name == "export_cold":
                    self.cold_digest = self.cold_digest or digest
                else:
                    # Whether the feeds differ from the previous step's: an edit that
                    # changed nothing would measure nothing.
                    extra["output_changed"] = digest != previous
                if name == "export_warm":
                    extra["identical_to_cold"] = bool(previous) and digest == previous
                if edit is not None:
                    extra["edit"] = edit
                if self.options.check_identical:
                    if state not in expected:
                        expected[state] = self._no_cache_digest(state, records, config)
                    extra["identical"] = bool(digest) and digest == expected[state]
                previous = digest
                attempts[name].append((measured, extra))
        runs: dict[str, dict[str, Any]] = {}
        for name, tried in attempts.items():
            best, extra = _best(tried)
            extra = dict(extra)
            # A verdict holds only if it held in every attempt.
            for key in ("identical", "identical_to_cold", "output_changed"):
                if extra.get(key) is not None:
                    extra[key] = all(bool(other[key]) for _, other in tried)
            extra["sources_changed"] = any(other["sources_changed"] for _, other in tried)
            runs[name] = _summary(name, self.count, best, extra)
        return runs

    def reference(self, tool: Tool) -> dict[str, Any]:
        """A cold export by the reference revision, on the cached corpus with the same config."""
        attempts: list[Attempt] = []
        for attempt in range(self.options.repeat):
            place = self.scratch / f"reference-{attempt}"
            timings = place / "timings.json"
            env = tool.env(timings=timings, cache=place / "cache")
            argv = tool.export_argv(self.corpus, place)
            measured = self._measure("reference cold", argv, place, env)
            digest = _digest(place / "out")
            same = None if not self.cold_digest else bool(digest) and digest == self.cold_digest
            extra = {"timings": timings, "output_bytes": _output_bytes(place / "out")}
            attempts.append((measured, {**extra, "same_output_as_ours": same}))
        return _summary("reference_cold", self.count, *_best(attempts))

    def all_runs(self) -> dict[str, dict[str, Any]]:
        skip = self.options.skip
        runs: dict[str, dict[str, Any]] = {}
        if "baseline" not in skip:
            runs["baseline"] = self.baseline()
        if "validate" not in skip:
            runs["validate"] = self.validate()
        chained: dict[str, dict[str, Any]] = {}
        if set(CHAIN) - skip:
            # The cold export is the chain's starting state: it runs even when skipped.
            steps = [name for name in CHAIN if name == "export_cold" or name not in skip]
            chained = self.chain(steps)
            if "export_cold" in skip:
                del chained["export_cold"]
        if "export_cold" in chained:
            runs["export_cold"] = chained.pop("export_cold")
        if self.reference_tool is not None:
            runs["reference_cold"] = self.reference(self.reference_tool)
        runs.update(chained)
        return runs


def bench_size(
    options: Options, tool: Tool, count: int, reference_tool: Tool | None = None
) -> dict[str, Any]:
    corpus = ensure_corpus(options, count)
    corpus_bytes = _read_all(corpus)
    scratch = Path(tempfile.mkdtemp(prefix=f"run-n{count}-", dir=options.work))
    size_run = SizeRun(options, tool, count, corpus, scratch, reference_tool)
    try:
        runs = size_run.all_runs()
    finally:
        if options.keep:
            options.notes.append(f"kept scratch runs for N={count} in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "records": count,
        "corpus_mib": corpus_bytes / 2**20,
        "corpus": str(corpus),
        "scratch_copy": size_run.copies[0] if size_run.copies else None,
        "identity_checked": options.check_identical,
        "runs": runs,
        "ratios": ratios(runs),
    }


def ratios(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """How many times faster than the baseline (baseline wall / our wall); each
    export against the warm replay (its wall / warm wall); cold against the
    reference revision's cold export (ours / reference wall)."""
    baseline = runs.get("baseline")

    def over(name: str, numerator: float | None) -> float | None:
        ours = runs.get(name)
        if numerator is None or ours is None or not ours["ok"] or ours["wall_seconds"] <= 0:
            return None
        return float(numerator / ours["wall_seconds"])

    def wall(name: str) -> float | None:
        run = runs.get(name)
        return run["wall_seconds"] if run and run["ok"] and run["wall_seconds"] > 0 else None

    whole = baseline["wall_seconds"] if baseline and baseline["ok"] else None
    # The baseline has no validate-only command: its load + validate stages (in
    # process, so without start-up) are the closest equivalent.
    front = None
    if baseline and baseline["ok"] and {"load", "validate"} <= set(baseline["stages"]):
        front = baseline["stages"]["load"] + baseline["stages"]["validate"]
    warm, cold, reference = wall("export_warm"), wall("export_cold"), wall("reference_cold")
    x_warm: dict[str, float | None] = {}
    for name in CHAIN:
        if name in runs:
            seconds = wall(name)
            x_warm[name] = None if seconds is None or warm is None else seconds / warm
    return {
        "export_cold": over("export_cold", whole),
        "export_warm": over("export_warm", whole),
        "validate_vs_baseline_load_validate": over("validate", front),
        "cold_vs_reference": None if cold is None or reference is None else cold / reference,
        "x_warm": x_warm,
    }


def _compile_sources(root: Path = ROOT, folders: tuple[str, ...] = ("exporter", "bench")) -> None:
    """Byte-compile the sources first, so the first timed run does not pay for it."""
    for folder in folders:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(root / folder)],
            check=False,
            capture_output=True,
        )


def _module_count(files: list[str]) -> str:
    return f"{len(files)} exporter module{'s' if len(files) != 1 else ''}"


def prepare_reference(options: Options, tool: Tool, folder: Path) -> tuple[Tool, dict[str, Any]]:
    """Unpack the --reference revision into `folder`, probe its options, and
    check that its runs import that revision's code and ours this checkout's."""
    assert options.reference is not None
    unpacked = reference_tree.unpack(ROOT, options.reference, folder / "tree")
    label = f"reference {options.reference}: "
    command = (sys.executable, "-m", "exporter")
    reference_tool = Tool.probe(
        unpacked.root, options.config, options.jobs, options.notes, command, label
    )
    _compile_sources(unpacked.root, ("exporter",))
    ours = reference_tree.verify(tool, ROOT, folder / "probe-ours")
    theirs = reference_tree.verify(reference_tool, unpacked.root, folder / "probe-reference")
    options.notes.append(
        f"reference {options.reference} = {unpacked.commit[:12]}, unpacked with git archive "
        f"into {unpacked.tree} and run as `python -m exporter` with PYTHONPATH set to it; "
        f"a probe export with the same interpreter and environment imported all "
        f"{_module_count(theirs)} from that tree (PYTHONPATH comes before the editable "
        f"install of this checkout), and our runs {_module_count(ours)} from this checkout"
    )
    return reference_tool, {
        **unpacked.describe(),
        "tool": reference_tool.describe(),
        "imported_from": theirs,
        "ours_imported_from": ours,
    }


def run(options: Options) -> dict[str, Any]:
    options.work.mkdir(parents=True, exist_ok=True)
    tool = Tool.probe(ROOT, options.config, options.jobs, options.notes)
    _compile_sources()
    reference_tool: Tool | None = None
    reference_info: dict[str, Any] | None = None
    folder: Path | None = None
    try:
        if options.reference is not None:
            folder = Path(tempfile.mkdtemp(prefix="reference-", dir=options.work))
            reference_tool, reference_info = prepare_reference(options, tool, folder)
        sizes = [bench_size(options, tool, count, reference_tool) for count in options.sizes]
    finally:
        if folder is not None:
            if options.keep:
                options.notes.append(f"kept the reference tree in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
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
            "check_identical": options.check_identical,
            "tool": tool.describe(),
            "reference": reference_info,
        },
        "notes": options.notes,
        "sizes": sizes,
    }


def failures(results: dict[str, Any]) -> list[tuple[int, str]]:
    """Runs that failed, and exports whose feeds differ from a --no-cache export."""
    return [
        (size["records"], name)
        for size in results["sizes"]
        for name, result in size["runs"].items()
        if not result["ok"] or result.get("identical") is False
    ]


def main(argv: list[str] | None = None) -> int:
    options, json_path = parse_options(argv)
    results = run(options)
    print(format_report(results))
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failures(results) else 0


if __name__ == "__main__":
    sys.exit(main())
