"""`[export]` in `feed.toml`: what `export` (and `validate`) read and write
without flags. Flags override each value; paths are relative to the file's
folder, so `feed-exporter export` works the same from any folder below it.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.config_file import ConfigError, ConfigFile

FORMAT_CHOICES = ("rss", "atom", "json", "all")
EXPORT_KEYS = ("inputs", "out", "formats", "limit", "published_only", "since", "exclude")


@dataclass(frozen=True, slots=True)
class ExportDefaults:
    """The `[export]` table; an empty tuple or None where the file says nothing."""

    inputs: tuple[str, ...] = ()
    out: Path | None = None
    formats: tuple[str, ...] = ()
    limit: int | None = None
    published_only: bool = False
    since: str | None = None
    exclude: tuple[str, ...] = ()


def export_defaults(found: ConfigFile, cwd: Path | None = None) -> ExportDefaults:
    """`[export]` of `found`, its paths made relative to `cwd` (as a user would
    type them, so problems name `content/a.md`, not an absolute path)."""
    table = found.tables.get("export", {})
    prefix = f"{found.name}: " if found.name else ""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{prefix}export must be a table")
    unknown = sorted(set(table) - set(EXPORT_KEYS))
    if unknown:
        raise ConfigError(
            f"{prefix}unknown key export.{unknown[0]} (known: {', '.join(sorted(EXPORT_KEYS))})"
        )
    here = (cwd or Path.cwd()).resolve()

    def located(value: str) -> str:
        path = found.folder.resolve() / value
        try:
            return os.path.relpath(path, here)
        except ValueError:  # another drive on Windows
            return str(path)

    inputs = _strings(table, "inputs", prefix)
    out = table.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise ConfigError(f'{prefix}export.out must be a folder name, like "public/feeds"')
    formats = _strings(table, "formats", prefix)
    for name in formats:
        if name not in FORMAT_CHOICES:
            raise ConfigError(
                f"{prefix}export.formats has {name!r}; use {', '.join(FORMAT_CHOICES)}"
            )
    limit = table.get("limit")
    if limit is not None and (type(limit) is not int or limit < 0):
        raise ConfigError(f"{prefix}export.limit must be a whole number of articles")
    published_only = table.get("published_only", False)
    if not isinstance(published_only, bool):
        raise ConfigError(f"{prefix}export.published_only must be true or false")
    return ExportDefaults(
        inputs=tuple(located(each) for each in inputs),
        out=Path(located(out)) if out is not None else None,
        formats=formats,
        limit=limit,
        published_only=published_only,
        since=_since(table.get("since"), prefix),
        exclude=_strings(table, "exclude", prefix),
    )


def _strings(table: Mapping[str, Any], key: str, prefix: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f'{prefix}export.{key} must be a list of strings, like ["content"]')
    return tuple(value)


def _since(value: Any, prefix: str) -> str | None:
    """A string, or a TOML date or offset date-time (`since = 2024-01-01`);
    checked like --since when the export starts."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.isoformat()
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise ConfigError(
        f"{prefix}export.since must be a date (2024-01-01) or a date-time with an offset"
    )
