"""The Dask engine against the local engine, in the same run.

    python -m bench.cluster --size 100000 --repeat 3

For each repeat, cold exports (--no-cache, a fresh --out) one after the other:
the local engine with --jobs 2, then --engine dask with a LocalCluster of 2
worker processes (started by the export itself, so its start-up is counted).
Both with the repository's feed.toml, and both with three feed sets and
archive pages (bench.sets' configuration). Reports medians, the Dask engine's
overhead (paired ratio of medians), the client's own peak memory (the export
process alone, read from /proc/self/status VmHWM as it exits: workers are
other processes) and the process tree's sampled peak, and checks that the two
engines wrote identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.corpus import WORK, wide_corpus
from bench.measure import Measurement, run_measured
from bench.run import ROOT
from bench.sets import sets_config

# Runs the exporter in this very process and, as it exits, writes its own peak
# resident memory (not its workers') to the file named by CLIENT_PEAK.
_LAUNCHER = (
    "import os, sys\n"
    "from exporter.cli.main import main\n"
    "sys.argv = ['feed-exporter', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "    open(os.environ['CLIENT_PEAK'], 'w').write(peak[0].split()[1] if peak else '0')\n"
)


def _export(corpus: Path, out: Path, config: Path, engine: str, peak: Path) -> Measurement:
    argv = [sys.executable, "-c", _LAUNCHER, "export", str(corpus), "--out", str(out),
            "--config", str(config), "--no-cache", "-q", "--jobs", "2",
            "--engine", engine]  # fmt: skip
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "CLIENT_PEAK": str(peak),
    }
    measured = run_measured(argv, cwd=ROOT, env=env, timeout=7200)
    if measured.exit_code != 0:
        raise SystemExit(f"{engine} exited {measured.exit_code}: {measured.stderr}")
    return measured


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def attempt(corpus: Path, work: Path, configs: dict[str, Path]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for label, config in configs.items():
        outs = {}
        for engine in ("local", "dask"):
            out = work / f"{label}-{engine}"
            shutil.rmtree(out, ignore_errors=True)
            peak = work / "peak"
            measured = _export(corpus, out, config, engine, peak)
            found[f"{label}_{engine}_s"] = measured.wall_seconds
            found[f"{label}_{engine}_client_mib"] = int(peak.read_text() or 0) / 1024
            found[f"{label}_{engine}_tree_mib"] = (measured.tree_peak_kib or 0) / 1024
            outs[engine] = out
        local, dask = _files(outs["local"]), _files(outs["dask"])
        found[f"{label}_files"] = len(local)
        found[f"{label}_identical"] = local == dask
        for out in outs.values():
            shutil.rmtree(out)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or WORK
    corpus = wide_corpus(work, args.size)
    place = work / "cluster"
    place.mkdir(parents=True, exist_ok=True)
    configs = {"plain": ROOT / "feed.toml", "sets": sets_config(place)}
    runs = [attempt(corpus, place, configs) for _ in range(args.repeat)]
    summary: dict[str, Any] = {"size": args.size, "repeat": args.repeat, "runs": runs}
    for label in configs:
        local = statistics.median(run[f"{label}_local_s"] for run in runs)
        dask = statistics.median(run[f"{label}_dask_s"] for run in runs)
        ratios = [run[f"{label}_dask_s"] / run[f"{label}_local_s"] for run in runs]
        summary[label] = {
            "local_median_s": round(local, 2),
            "dask_median_s": round(dask, 2),
            "overhead": round(dask / local - 1, 3),
            "paired_ratio_median": round(statistics.median(ratios), 3),
            "dask_client_peak_mib": round(max(r[f"{label}_dask_client_mib"] for r in runs)),
            "local_client_peak_mib": round(max(r[f"{label}_local_client_mib"] for r in runs)),
            "dask_tree_peak_mib": round(max(r[f"{label}_dask_tree_mib"] for r in runs)),
            "local_tree_peak_mib": round(max(r[f"{label}_local_tree_mib"] for r in runs)),
            "files": runs[0][f"{label}_files"],
            "identical": all(run[f"{label}_identical"] for run in runs),
        }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
