"""Does each fast path earn its place? A cold export with it, against one without.

The project keeps a second engine beside a reference one only where it saves at
least 10 % of a cold (or a partial) export at 10,000 records. For each fast path
this runs a cold export (empty cache, every record checked, rendered and
verified) twice in a row, once as shipped and once with that fast path turned
off, `--repeat` times, and prints the median wall times and the median of the
paired ratios. Turning a path off means patching the function that takes it
before the command runs (worker processes are forked, so they inherit the
patch); the exporter itself has no switch for it.

    python -m bench.engines                      # 10,000 records, 5 pairs
    python -m bench.engines --size 1000 --repeat 3 --only yaml
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import exporter.check.jsonfeed as jsonfeed
import exporter.contract as contract
import exporter.load.frontmatter_ as front_matter
from bench.corpus import WORK
from bench.measure import run_measured
from bench.run import ROOT, Options, ensure_corpus
from exporter.cli.main import main as cli

KEEP_OVER = 0.10  # the saving below which a fast path goes


class _NeverValid:
    def is_valid(self, document: object) -> bool:
        return False


def _no_fast_yaml() -> None:
    front_matter.fast_compose = lambda text, max_depth: None  # type: ignore[attr-defined]


def _no_record_verdict() -> None:
    contract.fast_verdict = lambda data: False


def _no_feed_verdict() -> None:
    jsonfeed._fast_validator = lambda: _NeverValid()  # type: ignore[assignment]


# name -> (what the fast path is, how to turn it off)
ENGINES: dict[str, tuple[str, Callable[[], None]]] = {
    "yaml": ("front matter read by py-yaml12 where a guard proves it agrees", _no_fast_yaml),
    "record-verdict": (
        "record verdict from jsonschema-rs (jsonschema explains)",
        _no_record_verdict,
    ),
    "feed-verdict": (
        "JSON Feed verdict from jsonschema-rs (jsonschema explains)",
        _no_feed_verdict,
    ),
}


def _export(python: str, corpus: Path, place: Path, without: str | None) -> list[str]:
    command = [python, "-m", "bench.engines", "--run"]
    if without is not None:
        command += ["--without", without]
    config = str(ROOT / "feed.toml")
    return [*command, "--", "export", str(corpus), "--out", str(place / "out"),
            "--cache-dir", str(place / "cache"), "--config", config, "-q"]  # fmt: skip


def measure(corpus: Path, names: list[str], repeat: int, work: Path) -> list[dict[str, Any]]:
    """Paired runs, shipped then without, for each fast path."""
    rows = []
    for name in names:
        shipped: list[float] = []
        without: list[float] = []
        for attempt in range(repeat):
            for label, bucket, off in (("shipped", shipped, None), ("without", without, name)):
                place = work / f"{name}-{attempt}-{label}"
                shutil.rmtree(place, ignore_errors=True)
                place.mkdir(parents=True)
                measured = run_measured(
                    _export(sys.executable, corpus, place, off), cwd=ROOT,
                    env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=1800,
                )  # fmt: skip
                if measured.exit_code != 0:
                    raise SystemExit(f"{name} ({label}) exited {measured.exit_code}: "
                                     f"{measured.stderr[-400:]}")  # fmt: skip
                bucket.append(measured.wall_seconds)
                shutil.rmtree(place, ignore_errors=True)
            print(f"[engines] {name}: {shipped[-1]:.2f} s vs {without[-1]:.2f} s without",
                  file=sys.stderr, flush=True)  # fmt: skip
        ratio = statistics.median(b / a for a, b in zip(shipped, without, strict=True))
        rows.append(
            {
                "engine": name,
                "what": ENGINES[name][0],
                "shipped_s": statistics.median(shipped),
                "without_s": statistics.median(without),
                "saves": 1 - 1 / ratio,  # of the export without it
                "keep": 1 - 1 / ratio >= KEEP_OVER,
            }
        )
    return rows


def _table(rows: list[dict[str, Any]], size: int, repeat: int) -> str:
    lines = [
        f"Cold export of {size:,} records, median of {repeat} pairs (shipped, then without it)",
        f"{'fast path':<16}{'shipped s':>10}{'without s':>11}{'saves':>8}  verdict (keep at 10 %)",
    ]
    for row in rows:
        verdict = "keep" if row["keep"] else "remove"
        lines.append(
            f"{row['engine']:<16}{row['shipped_s']:>10.2f}{row['without_s']:>11.2f}"
            f"{row['saves']:>8.1%}  {verdict}: {row['what']}"
        )
    return "\n".join(lines)


def _run_without(argv: list[str]) -> None:
    """`--run [--without NAME] -- ARGS`: the CLI, with one fast path turned off."""
    split = argv.index("--")
    head, args = argv[:split], argv[split + 1 :]
    if "--without" in head:
        ENGINES[head[head.index("--without") + 1]][1]()
    sys.argv = ["feed-exporter", *args]
    cli()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run"]:
        _run_without(argv[1:])
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench.engines", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="pairs per fast path")
    parser.add_argument("--only", action="append", choices=list(ENGINES), help="repeatable")
    parser.add_argument("--work", type=Path, help="folder for the cached corpus")
    args = parser.parse_args(argv)
    work = (args.work or WORK).resolve()
    options = Options(sizes=[args.size], work=work, jobs=None, invalid=0.0, seed=0, repeat=1,
                      timeout=1800, skip=set(), keep=False, config=ROOT / "feed.toml")  # fmt: skip
    work.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(options, args.size)
    scratch = Path(tempfile.mkdtemp(prefix="engines-", dir=work))
    try:
        rows = measure(corpus, args.only or list(ENGINES), max(1, args.repeat), scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(_table(rows, args.size, max(1, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
