"""The commands the benchmark runs, and what it reads back from them.

Options the tool may not have yet (`--jobs`, `--cache-dir`) are looked up in
`--help` at run time: missing ones are left out and said so in the notes,
never guessed at.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import Measurement
from bench.scenarios import SCENARIOS

# The runs --skip accepts, in the order they run. From export_cold on they form
# one chain in one working folder and cache, each starting where the last left.
CHAIN = ("export_cold", "export_warm", *SCENARIOS)
RUN_NAMES = ("baseline", "validate", *CHAIN)
TIMINGS_VARIABLE = "FEED_EXPORTER_TIMINGS"
CACHE_VARIABLE = "FEED_EXPORTER_CACHE_DIR"

# Singular or plural, and the "(s)" of versions before issue 13 (a baseline run
# may measure one).
_VALIDATE_SUMMARY = re.compile(
    r"(?P<records>\d+) records?, (?P<valid>\d+) valid, (?P<invalid>\d+) invalid, "
    r"(?P<unreadable>\d+) files? unreadable"
)
_EXPORT_SUMMARY = re.compile(
    r"(?P<exported>\d+) articles?(?:\(s\))? exported to (?P<feeds>\d+) feeds?(?:\(s\))?, "
    r"(?P<skipped>\d+) records?(?:\(s\))? skipped"
)


def _has_option(help_text: str, option: str) -> bool:
    return re.search(rf"(^|[\s,]){re.escape(option)}\b", help_text, re.MULTILINE) is not None


@dataclass(frozen=True, slots=True)
class Tool:
    root: Path
    command: tuple[str, ...]  # how to start feed-exporter
    config: Path
    jobs: int | None
    validate_jobs: bool
    export_jobs: bool
    cache_dir_option: bool

    @classmethod
    def probe(
        cls,
        root: Path,
        config: Path,
        jobs: int | None,
        notes: list[str],
        command: tuple[str, ...] | None = None,
        label: str = "",
    ) -> Tool:
        """The tool whose code is under `root` (first on PYTHONPATH), and its options.

        `command` defaults to this environment's `feed-exporter` script."""
        if command is None:
            script = Path(sys.executable).parent / "feed-exporter"
            command = (str(script),) if script.exists() else (sys.executable, "-m", "exporter")
        env = {**os.environ, "PYTHONPATH": str(root)}

        def help_of(name: str) -> str:
            completed = subprocess.run(
                [*command, name, "--help"],
                capture_output=True,
                text=True,
                check=False,
                cwd=root,
                env=env,
            )
            return completed.stdout

        validate_help, export_help = help_of("validate"), help_of("export")
        tool = cls(
            root=root,
            command=command,
            config=config,
            jobs=jobs,
            validate_jobs=_has_option(validate_help, "--jobs"),
            export_jobs=_has_option(export_help, "--jobs"),
            cache_dir_option=_has_option(export_help, "--cache-dir"),
        )
        if jobs is not None:
            for name, present in (("validate", tool.validate_jobs), ("export", tool.export_jobs)):
                if not present:
                    notes.append(
                        f"{label}`{name}` has no --jobs option yet: --jobs {jobs} not passed"
                    )
        if not tool.cache_dir_option:
            notes.append(
                f"{label}`export` has no --cache-dir option yet: cold runs get a fresh working "
                f"folder and a fresh {CACHE_VARIABLE} instead"
            )
        return tool

    def describe(self) -> dict[str, Any]:
        return {
            "command": list(self.command),
            "validate_jobs": self.validate_jobs,
            "export_jobs": self.export_jobs,
            "cache_dir_option": self.cache_dir_option,
        }

    def env(self, *, timings: Path | None = None, cache: Path | None = None) -> dict[str, str]:
        """The environment of one run: inherited, minus our variables, plus what this run sets."""
        env = {k: v for k, v in os.environ.items() if k not in (TIMINGS_VARIABLE, CACHE_VARIABLE)}
        env["PYTHONPATH"] = str(self.root)  # `python -m bench.baseline` from any folder
        if timings is not None:
            env[TIMINGS_VARIABLE] = str(timings)
        if cache is not None:
            env[CACHE_VARIABLE] = str(cache)
        return env

    def baseline_argv(self, corpus: Path, out: Path) -> list[str]:
        return [sys.executable, "-m", "bench.baseline", str(corpus), str(out)]

    def validate_argv(self, corpus: Path) -> list[str]:
        jobs = ["--jobs", str(self.jobs)] if self.jobs is not None and self.validate_jobs else []
        return [*self.command, "validate", *jobs, str(corpus)]

    def export_argv(
        self,
        corpus: Path,
        place: Path,
        *,
        config: Path | None = None,
        extra: tuple[str, ...] = (),
    ) -> list[str]:
        """Export all formats into place/out, with place/cache as the cache when supported."""
        jobs = ["--jobs", str(self.jobs)] if self.jobs is not None and self.export_jobs else []
        cache = ["--cache-dir", str(place / "cache")] if self.cache_dir_option else []
        return [
            *self.command,
            "export",
            str(corpus),
            "--format",
            "all",
            "--out",
            str(place / "out"),
            "--config",
            str(config or self.config),
            *jobs,
            *cache,
            *extra,
        ]

    def imported_from(self, place: Path, corpus: Path) -> list[str]:
        """Where this tool's runs import `exporter` from: the file of every
        `exporter` module loaded by a probe export of `corpus` into `place`, run
        in process by the CLI's entry point with the same interpreter, environment
        and kind of working folder as the timed runs."""
        listing = place / "modules.json"
        python = sys.executable if self.command[0].endswith("feed-exporter") else self.command[0]
        arguments = self.export_argv(corpus, place)[len(self.command) :]
        subprocess.run(
            [python, "-c", _IMPORT_PROBE, str(listing), *arguments, "--quiet"],
            capture_output=True,
            check=False,
            cwd=place,
            env=self.env(cache=place / "cache"),
        )
        try:
            files = json.loads(listing.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [str(name) for name in files]


# Runs the CLI as the `feed-exporter` script would, then lists the files of
# the `exporter` modules it loaded (even if the command failed).
_IMPORT_PROBE = """
import json, sys
listing, sys.argv = sys.argv[1], ["feed-exporter", *sys.argv[2:]]
try:
    from exporter.cli.main import main
    main()
except SystemExit:
    pass
finally:
    names = [n for n in sys.modules if n == "exporter" or n.startswith("exporter.")]
    files = {getattr(sys.modules[n], "__file__", None) for n in names}
    with open(listing, "w", encoding="utf-8") as handle:
        json.dump(sorted(f for f in files if f), handle)
"""


def _baseline_json(measured: Measurement) -> dict[str, float]:
    try:
        data = json.loads(measured.stdout)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def stages_from(
    name: str, measured: Measurement, timings: Path | None
) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds per stage and items per stage, in the order the run reported them."""
    if name == "baseline":
        data = _baseline_json(measured)
        counted = {"records", "valid"}
        stages = {k: v for k, v in data.items() if k not in counted}
        return stages, {k: int(v) for k, v in data.items() if k in counted}
    if timings is None or not timings.is_file():
        return {}, {}
    try:
        data = json.loads(timings.read_text(encoding="utf-8"))
    except ValueError:
        return {}, {}
    stages = {str(k): float(v) for k, v in data.get("stages", {}).items()}
    return stages, {str(k): int(v) for k, v in data.get("counts", {}).items()}


def counts_from(name: str, measured: Measurement) -> dict[str, int]:
    """Records seen and kept, read from each command's own summary."""
    if name == "baseline":
        data = _baseline_json(measured)
        return {k: int(data[k]) for k in ("records", "valid") if k in data}
    text, pattern = (
        (measured.stdout, _VALIDATE_SUMMARY)
        if name == "validate"
        else (measured.stderr, _EXPORT_SUMMARY)
    )
    matches = list(pattern.finditer(text))
    if not matches:
        return {}
    return {k: int(v) for k, v in matches[-1].groupdict().items()}  # the last summary wins
