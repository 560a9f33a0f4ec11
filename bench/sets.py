"""What feed sets and archives cost: a plain export against one with sets.

On a corpus with a news site's spread of facets (`bench.corpus --wide`: about
60 topics, 200 providers and 8 categories), each attempt runs in a fresh folder:

1. `plain cold`: the single-feed export (the repository's feed.toml);
2. `sets cold`: the same records with a feed per topic, provider and category
   (newest 50 each) and the main feed archived in pages of 100;
3. `sets one new`: one new record added, re-exported in the same folder and
   cache; the files whose bytes or mtime changed are counted;
4. `check`: `feed-exporter check` over everything the sets export wrote
   (errors and warnings must both be 0).

    python -m bench.sets                     # 10,000 records, best of 1
    python -m bench.sets --size 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.corpus import WORK, wide_corpus
from bench.measure import Measurement, run_measured
from bench.run import ROOT

SETS = """
[sets.topics]
by = "topics"
path = "topics/{slug}/"

[sets.providers]
by = "provider"
path = "providers/{slug}/"

[sets.categories]
by = "category"
path = "category/{slug}/"
"""


def sets_config(place: Path) -> Path:
    """The repository's feed.toml with the main feed archived and three sets."""
    text = (ROOT / "feed.toml").read_text(encoding="utf-8")
    text = text.replace("[feed.author]", "archive = 100\n\n[feed.author]", 1) + SETS
    path = place / "sets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _export(corpus: Path, out: Path, cache: Path, config: Path) -> list[str]:
    return [sys.executable, "-m", "exporter", "export", str(corpus), "--out", str(out),
            "--cache-dir", str(cache), "--config", str(config), "-q"]  # fmt: skip


def _run(argv: list[str]) -> Measurement:
    measured = run_measured(argv, cwd=ROOT, env=_env(), timeout=3600)
    if measured.exit_code != 0:
        raise SystemExit(f"{' '.join(argv[2:4])} exited {measured.exit_code}: {measured.stderr}")
    return measured


def _env() -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _state(out: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(out)): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in out.rglob("*")
        if path.is_file()
    }


def _new_record(corpus: Path) -> Path:
    """A copy of the first record under a new URL, dated after every other (the
    corpus ends in 2024)."""
    text = (corpus / "0000000.md").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^publishedDateTime: .*$", "publishedDateTime: 2025-06-01T00:00:00Z", text)
    text = re.sub(r'(?m)^webUrl: ".*"$', 'webUrl: "https://new.example/record"', text)
    path = corpus / "9999999-new.md"
    path.write_text(text, encoding="utf-8")
    return path


def attempt(corpus: Path, work: Path) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = sets_config(work)
    plain = _run(_export(corpus, work / "plain", work / "plain-cache", ROOT / "feed.toml"))
    sets = _run(_export(corpus, work / "sets", work / "sets-cache", config))
    before = _state(work / "sets")
    new = _new_record(corpus)
    try:
        one_new = _run(_export(corpus, work / "sets", work / "sets-cache", config))
    finally:
        new.unlink()
    after = _state(work / "sets")
    changed = sorted(name for name in after if before.get(name) != after[name])
    checked = run_measured(
        [sys.executable, "-m", "exporter", "check", str(work / "sets"), "--base",
         "https://example.org/feeds/"],
        cwd=ROOT, env=_env(), timeout=3600,
    )  # fmt: skip
    summary = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if line.startswith("Checked")
    ]
    return {
        "plain_cold_s": plain.wall_seconds,
        "sets_cold_s": sets.wall_seconds,
        "sets_cold_tree_mib": (sets.tree_peak_kib or 0) / 1024,
        "one_new_s": one_new.wall_seconds,
        "files": len(after),
        "feeds_per_format": sum(1 for name in after if name.endswith("atom.xml")),
        "changed_files": changed,
        "check_exit": checked.exit_code,
        "check_summary": summary[-1] if summary else checked.stderr[-300:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of R attempts")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or WORK
    corpus = wide_corpus(work, args.size)
    runs = [attempt(corpus, work / f"sets-{index}") for index in range(args.repeat)]
    best = min(runs, key=lambda run: run["sets_cold_s"])
    size = args.size
    print(f"{size:,} records (bench.corpus --wide), best of {args.repeat}")
    plain, sets = best["plain_cold_s"], best["sets_cold_s"]
    print(f"plain cold     {plain:8.2f} s  {plain / size * 1e6:7.0f} µs/record")
    print(f"sets cold      {sets:8.2f} s  {sets / size * 1e6:7.0f} µs/record"
          f"  ({sets / plain:.2f}x plain; "
          f"{best['feeds_per_format']} feeds per format, {best['files']} files; "
          f"tree {best['sets_cold_tree_mib']:.0f} MiB)")  # fmt: skip
    print(f"sets one new   {best['one_new_s']:8.2f} s  {len(best['changed_files'])} files changed")
    print(f"check          exit {best['check_exit']}: {best['check_summary']}")
    print("changed: " + ", ".join(best["changed_files"]))


if __name__ == "__main__":
    main()
