"""Skip an export whose result is already on disk.

An export is a pure function of its inputs' bytes, this program (code and
schemas), the feed configuration, the formats, the selection and
SOURCE_DATE_EPOCH. Their hash is the export's key. When the key equals the one
stored for the output folder by the last successful export and every file there
still has the digest recorded then, rendering again would write the very same
bytes: the stored report is replayed instead. The key includes today's date, so
date-plausibility warnings are never replayed from another day. Inputs that
cannot be hashed (standard input, unreadable or oversize files) disable the
shortcut.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from exporter.cache import Cache
from exporter.load.settings import LoadSettings
from exporter.load.sources import STDIN, discover
from exporter.load.text import file_digest

Manifest = list[tuple[str, str | None]]


def input_manifest(paths: Sequence[str], settings: LoadSettings) -> Manifest:
    return [
        (name, file_digest(name, settings.max_bytes) if name != STDIN else None)
        for name in discover(paths)
    ]


def export_key(cache: Cache, manifest: Manifest, parameters: Any) -> str | None:
    """None when some input has no digest (it could change unseen)."""
    if any(digest is None for _, digest in manifest):
        return None
    material = {
        "code": cache.salt,
        "inputs": manifest,
        "parameters": parameters,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "day": datetime.now(UTC).date().isoformat(),
    }
    return hashlib.sha256(orjson.dumps(material, option=orjson.OPT_SORT_KEYS)).hexdigest()


def previous_export(cache: Cache, out_dir: Path, key: str) -> dict[str, Any] | None:
    """The stored state of the last export to `out_dir`, if it had this key and
    its files are still exactly as written."""
    state = cache.export_state(out_dir)
    if state is None or state.get("key") != key:
        return None
    files = state.get("files")
    if not isinstance(files, dict) or not files:
        return None
    for name, digest in files.items():
        if file_digest(str(out_dir / name), 1 << 40) != digest:
            return None
    return state


def remember_export(cache: Cache, out_dir: Path, key: str, state: dict[str, Any]) -> None:
    cache.store_export_state(out_dir, {**state, "key": key})
