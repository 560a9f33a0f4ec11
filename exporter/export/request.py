"""What an export is asked to do and what it reports back.

No click here: the CLI builds an `ExportRequest`, calls
`exporter.export.pipeline.run_export`, reports the `ExportResult` and exits
with `result.status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

from exporter.export.plan import Selection
from exporter.export.store import DEFAULT_MAX_BYTES
from exporter.load.settings import LoadSettings
from exporter.problems import Problem
from exporter.render import FeedFormat


class ExportStatus(IntEnum):
    """The exit code of `feed-exporter export`."""

    OK = 0
    REJECTED = 1  # --strict and some record failed the contract, or an id changed
    WRITE_FAILED = 1  # disk full, permission or I/O error, output busy: previous feeds kept
    USAGE = 2  # bad flags, config, or an --out path that cannot be a folder of feeds
    OUR_BUG = 3  # a feed we generated failed verification
    PING_FAILED = 4  # --ping: feeds written, but some hub was not notified


@dataclass(frozen=True, slots=True)
class ExportRequest:
    formats: tuple[str, ...]
    out_dir: Path = Path("output")
    selection: Selection = field(default_factory=Selection)
    strict: bool = False
    stdout: BinaryIO | None = None  # write the single format here instead of a file
    settings: LoadSettings = field(default_factory=LoadSettings)  # bounds for reading records
    jobs: int = 1  # processes for checking records and rendering fragments
    cache_dir: Path | None = None  # None: --no-cache, every fragment made afresh
    cache_max_bytes: int = DEFAULT_MAX_BYTES  # evict what was used longest ago past this
    progress: Callable[[int, int], None] | None = None  # (files done, total) while reading
    now: datetime | None = None  # pins the clock of date plausibility checks (tests)
    sets: tuple[str, ...] | None = None  # --set: write only these feed sets
    previous: Path | None = None  # --previous: the published feeds (else those in out_dir)
    allow_id_change: bool = False  # --allow-id-change: id-changed is a warning, not an error
    exclude: tuple[str, ...] = ()  # --exclude: globs of input files to skip (sources.discover)


@dataclass(slots=True)
class FeedOutput:
    """One feed as verified and (unless verification failed) delivered.
    `kept`: the file already held these bytes, so it was left alone (its mtime too)."""

    format: FeedFormat
    problems: list[Problem] = field(default_factory=list)
    size: int = 0
    path: Path | None = None
    kept: bool = False
    name: str = ""  # the file's path under --out: `atom.xml`, `topics/ai/atom.xml`
    public_url: str = ""  # where it is served (its self link): what a WebSub hub is told


@dataclass(slots=True)
class ExportResult:
    status: ExportStatus
    files: list[str] = field(default_factory=list)  # every input file read
    exported: int = 0
    records: int = 0
    invalid: int = 0
    unreadable: int = 0
    left_out: int = 0  # valid, but removed by --limit/--since/--published-only or duplicates
    record_problems: list[Problem] = field(default_factory=list)
    feed_problems: list[Problem] = field(default_factory=list)
    cache_problems: list[Problem] = field(default_factory=list)  # damage found and repaired
    outputs: list[FeedOutput] = field(default_factory=list)
    reason: str | None = None

    @property
    def skipped(self) -> int:
        """Records not exported because they could not be read or broke the contract."""
        return self.invalid + self.unreadable

    @property
    def written(self) -> list[Path]:
        return [output.path for output in self.outputs if output.path is not None]

    @property
    def changed(self) -> list[FeedOutput]:
        """The feeds this run wrote with new bytes (what `--ping` tells hubs about)."""
        return [output for output in self.outputs if output.path is not None and not output.kept]

    @property
    def reused(self) -> bool:
        """Every feed on disk already was this export's result."""
        return bool(self.outputs) and all(output.kept for output in self.outputs)
