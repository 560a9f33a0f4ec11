"""Options shared by several commands, declared once so they read the same everywhere."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from exporter.config_file import ConfigError, ConfigFile, read_config_file
from exporter.export_table import ExportDefaults, export_defaults
from exporter.load.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, LoadSettings
from exporter.report import OUTPUT_FORMATS

F = TypeVar("F", bound=Callable[..., Any])

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


class ByteSize(click.ParamType):  # type: ignore[type-arg]
    """`10MiB`, `500k` or a plain number of bytes."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(value))
        unit = match.group(2).lower() if match else ""
        if match is None or unit not in _UNITS:
            self.fail(f"{value!r} is not a size such as 10MiB or 500k", param, ctx)
        return int(match.group(1)) * _UNITS[unit]


def verbosity(function: F) -> F:
    function = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Say more: list the files checked (validate) or written (export).",
    )(function)
    return click.option(
        "-q", "--quiet", is_flag=True, help="Only problems: no progress bar, no summary."
    )(function)


# What `-o feed.xml` meant, by command (issue 13: `-o` is the report format,
# not an output file, and click's "not one of ..." did not say so).
REDIRECT_HINT = "to save the report in a file, redirect it: > FILE"
FEED_HINT = "to write a feed use --out DIR or --output -"
REPORT_FORMAT_HELP = (
    "text for people, json for tools, github for Actions annotations, junit for CI."
)


class ReportFormat(click.Choice):  # type: ignore[type-arg]
    """The report format; a value that looks like a file name gets a usage
    error that says what -o is, and what was probably meant."""

    def __init__(self, choices: tuple[str, ...], file_hint: str) -> None:
        super().__init__(choices)
        self.file_hint = file_hint

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value not in self.choices and _looks_like_a_file(value):
            self.fail(
                f"{value!r} looks like a file name, but -o is the report format "
                f"({'|'.join(self.choices)}); {self.file_hint}",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


def _looks_like_a_file(value: str) -> bool:
    return value == "-" or "." in value or "/" in value or os.sep in value


def report_format(
    choices: tuple[str, ...] = OUTPUT_FORMATS,
    file_hint: str = REDIRECT_HINT,
    help_text: str = REPORT_FORMAT_HELP,
) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        return click.option(
            "--output-format",
            "-o",
            type=ReportFormat(choices, file_hint),
            default="text",
            show_default=True,
            help=help_text,
        )(function)

    return decorate


output_format = report_format()


COLOR_CHOICES = ("auto", "always", "never")


def color_option(function: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default="auto",
        show_default=True,
        help="Colour the report: auto colours a terminal unless NO_COLOR is set or TERM=dumb; "
        "always colours even in a pipe.",
    )(function)


def color_choice(color: str) -> bool | None:
    """--color as the reporters take it: True, False, or None to decide by the stream."""
    return {"always": True, "never": False}.get(color)


def load_bounds(function: F) -> F:
    function = click.option(
        "--max-file-size",
        type=ByteSize(),
        default=DEFAULT_MAX_BYTES,
        show_default="10MiB",
        help="Refuse input files larger than this.",
    )(function)
    return click.option(
        "--max-depth",
        type=click.IntRange(1, 1000),
        default=DEFAULT_MAX_DEPTH,
        show_default=True,
        help="Refuse records nested deeper than this.",
    )(function)


def exclude_option(function: F) -> F:
    return click.option(
        "--exclude",
        "exclude",
        metavar="GLOB",
        multiple=True,
        help="Skip files (and folders) whose path inside a PATHS folder, or whose name, "
        "matches this glob, such as README.md or 'drafts/*'. Repeatable.",
    )(function)


def jobs_option(function: F) -> F:
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Processes for reading, checking and rendering (default: number of cores). "
        "Output is identical for any value.",
    )(function)


def jobs_or_default(jobs: int | None) -> int:
    """The cores this process may run on, unless --jobs says otherwise."""
    if jobs is not None:
        return jobs
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def settings_from(max_file_size: int, max_depth: int) -> LoadSettings:
    return LoadSettings(max_bytes=max_file_size, max_depth=max_depth)


def project_settings(config_path: Path | None, command: str) -> tuple[ConfigFile, ExportDefaults]:
    """`feed.toml` (--config, or found from here up to the repository root) and
    its `[export]` table; a bad file is one line and exit 2."""
    try:
        found = read_config_file(config_path)
        return found, export_defaults(found)
    except ConfigError as error:
        click.echo(f"feed-exporter {command}: error: {error}", err=True)
        sys.exit(2)


def record_paths(paths: tuple[str, ...], found: ConfigFile, defaults: ExportDefaults) -> list[str]:
    """PATHS, else `inputs` of `[export]`, else the bundled `seeds/` folder."""
    if paths:
        return list(paths)
    if defaults.inputs:
        for path in defaults.inputs:
            if path != "-" and not os.path.exists(path):
                raise click.UsageError(
                    f"{found.name}: export.inputs names {path!r}, which does not exist"
                )
        return list(defaults.inputs)
    if os.path.isdir("seeds"):
        return ["seeds"]
    where = f"{found.name} has no inputs under [export]" if found.path else found.hint
    raise click.UsageError(
        f"no records to read: no PATHS given, no seeds/ folder in {Path.cwd()}, and {where}. "
        'Pass PATHS (feed-exporter validate content/) or set inputs = ["content"] under '
        "[export] in feed.toml (feed-exporter init writes one)"
    )


def config_option(function: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file (default: feed.toml here or in a folder above, up to the "
        "repository root).",
    )(function)


class Progress:
    """A progress bar on stderr (position, rate, ETA) and, at the end, the elapsed
    time: only for people watching a terminal, never in a pipe or with -q, so
    logs and reports stay byte-identical from run to run."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self._bar: Any = None
        self._started = time.perf_counter()
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        self._done = done
        if not self.enabled or total < 50:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_pos=True,
                show_eta=True,
                item_show_func=lambda _: self._rate(),
            )
            self._bar.__enter__()
        self._bar.update(1)

    def _rate(self) -> str:
        elapsed = time.perf_counter() - self._started
        return f"{self._done / elapsed:,.0f} files/s" if elapsed > 0 else ""

    def close(self, finished: bool = True) -> None:
        """End the bar; the elapsed-time line only for a run that `finished`
        (after Ctrl-C a "N files in X s" line would look like a completed run)."""
        if self._bar is None:
            return
        self._bar.__exit__(None, None, None)
        self._bar = None
        if not finished:
            return
        elapsed = time.perf_counter() - self._started
        click.echo(f"{self.label}: {self._done:,} files in {elapsed:.1f} s", err=True)
