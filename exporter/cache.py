"""A cache of checked files, so re-runs only read what changed.

Each input file's outcome (its problems and articles) is stored under the
SHA-256 of its bytes, its name and a salt that covers this program's own code,
the schemas and the load settings: any change to any of them is a different
key, so a cached outcome is always exactly what checking the file again would
give. The salt also names the versions of the libraries that decide the
output and of Python, so an upgrade never replays stale results. Outcomes are
stored as JSON in one SQLite file (not pickle: a tampered cache must not be able
to run code). Every cache failure (unreadable, corrupt, locked, unencodable) is
a miss, never an error.

Several exports may share one cache folder (the default is per working folder):
the database runs in WAL mode, outcomes are written in transactions of a few
hundred rows (one transaction per row cost more than checking the file), and a
writer holds the lock only for one such batch; a lock still held after a short
busy timeout is a miss, not a stall.

The same database keeps, per output folder, the key of the last export and the
digests of the files it wrote; `export` skips rendering when both still match.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import sys
from datetime import datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

import exporter
from exporter.load.settings import LoadSettings
from exporter.model import Article, Image, Provider, RelatedArticle
from exporter.problems import Problem, Severity
from exporter.resources import SCHEMA_DIR

if TYPE_CHECKING:  # the checking stack is not needed to replay an unchanged export
    from exporter.collect import CheckedRecord, FileOutcome

DEFAULT_CACHE_DIR = Path(".feed-exporter-cache")
ENVIRONMENT_VARIABLE = "FEED_EXPORTER_CACHE_DIR"
_FORMAT = 1  # bump when the stored shape changes
_BUSY_TIMEOUT = 1.0  # seconds to wait for another export's write lock
_STORE_BATCH = 256  # outcomes written per transaction
# Distributions whose version can change what a checked file or a feed becomes.
DEPENDENCIES = (
    "nh3",
    "markdown-it-py",
    "feedgen",
    "lxml",
    "jsonschema",
    "jsonschema-rs",
    "py-yaml12",
    "PyYAML",
    "python-frontmatter",
    "orjson",
)
_ENCODE_ERRORS = (TypeError, ValueError, OverflowError)  # orjson.JSONEncodeError is a TypeError


@cache
def code_fingerprint() -> str:
    """Hash of every source and schema file of this installation, the versions
    of the libraries in DEPENDENCIES and of Python."""
    digest = hashlib.sha256(str(_FORMAT).encode())
    digest.update(f"\0python={sys.version}".encode())
    for name in DEPENDENCIES:
        digest.update(f"\0{name}={_version(name)}".encode())
    package = Path(exporter.__file__).resolve().parent
    files = sorted(package.rglob("*.py")) + sorted(SCHEMA_DIR.glob("*"))
    for path in files:
        digest.update(str(path.relative_to(package.parent)).encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


class Cache:
    """Outcomes and export keys in `folder/cache.sqlite`."""

    def __init__(self, folder: Path, settings: LoadSettings) -> None:
        self.folder = folder
        self.salt = f"{code_fingerprint()}:{settings.max_bytes}:{settings.max_depth}"
        self._db: sqlite3.Connection | None = None
        with contextlib.suppress(OSError, sqlite3.Error):
            folder.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: autocommit, so no transaction (and lock) is
            # held between statements and other exports see each row at once.
            db = sqlite3.connect(
                folder / "cache.sqlite", timeout=_BUSY_TIMEOUT, isolation_level=None
            )
            with contextlib.suppress(sqlite3.Error):  # e.g. a file system without WAL
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS exports (folder TEXT PRIMARY KEY, value BLOB NOT NULL)"
            )
            self._db = db
        self._pending: list[tuple[str, bytes]] = []

    def _key(self, name: str, digest: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{digest}".encode()).hexdigest()

    def outcome(self, name: str, digest: str) -> FileOutcome | None:
        row = self.outcome_json(name, digest)
        return outcome_from_json(row) if row is not None else None

    def outcome_json(self, name: str, digest: str) -> bytes | None:
        """The stored outcome undecoded: a worker decodes it, not the parent."""
        return self._fetch("SELECT value FROM outcomes WHERE key = ?", self._key(name, digest))

    def store(self, name: str, digest: str, outcome: FileOutcome) -> None:
        value = outcome_to_json(outcome)
        if value is not None:
            self.store_json(name, digest, value)

    def store_json(self, name: str, digest: str, value: bytes) -> None:
        """Store what `outcome_to_json` made (in a worker) for this file."""
        self._pending.append((self._key(name, digest), value))
        if len(self._pending) >= _STORE_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the outcomes stored so far, in one transaction (all or none)."""
        rows, self._pending = self._pending, []
        if self._db is None or not rows:
            return
        try:
            with self._db:  # BEGIN ... COMMIT, or ROLLBACK on an error
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO outcomes VALUES (?, ?)", rows)
        except sqlite3.Error:
            return  # the rows are misses next time, nothing worse

    def export_state(self, folder: Path) -> dict[str, Any] | None:
        row = self._fetch("SELECT value FROM exports WHERE folder = ?", str(folder.resolve()))
        try:
            state = orjson.loads(row) if row is not None else None
        except orjson.JSONDecodeError:
            return None
        return state if isinstance(state, dict) else None

    def store_export_state(self, folder: Path, state: dict[str, Any]) -> None:
        try:
            value = orjson.dumps(state)
            name = str(folder.resolve())
        except (*_ENCODE_ERRORS, OSError, RuntimeError):
            return
        self.flush()  # the outcomes this state was made from come first
        self._execute("INSERT OR REPLACE INTO exports VALUES (?, ?)", (name, value))

    def _fetch(self, query: str, key: str) -> bytes | None:
        if self._db is None:
            return None
        self.flush()  # a lookup sees every row stored before it
        try:
            row = self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row is not None else None

    def _execute(self, query: str, values: tuple[str, bytes]) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(query, values)

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def outcome_to_json(outcome: FileOutcome) -> bytes | None:
    """None when orjson cannot write it (an integer over 64 bits): not cached."""
    try:  # orjson writes dataclasses, enums and datetimes
        return orjson.dumps(outcome)
    except _ENCODE_ERRORS:
        return None


def outcome_from_json(data: bytes) -> FileOutcome | None:
    """None for a row that does not decode to an outcome: a miss, never an error."""
    try:
        return decode_outcome(orjson.loads(data))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def decode_outcome(data: dict[str, Any]) -> FileOutcome:
    from exporter.collect import FileOutcome

    return FileOutcome(
        name=data["name"],
        load_problems=tuple(decode_problem(p) for p in data["load_problems"]),
        records=tuple(_record(r) for r in data["records"]),
        digest=data["digest"],
    )


def decode_problem(data: dict[str, Any]) -> Problem:
    return Problem(**{**data, "severity": Severity(data["severity"])})


def _record(data: dict[str, Any]) -> CheckedRecord:
    from exporter.collect import CheckedRecord

    article = data["article"]
    return CheckedRecord(
        source=data["source"],
        url=data["url"],
        url_line=data["url_line"],
        problems=tuple(decode_problem(p) for p in data["problems"]),
        article=_article(article) if article is not None else None,
        url_line_deferred=data["url_line_deferred"],
    )


def _provider(data: dict[str, Any] | None) -> Provider | None:
    return Provider(**data) if data is not None else None


def _article(data: dict[str, Any]) -> Article:
    return Article(
        **{
            **data,
            "published_at": datetime.fromisoformat(data["published_at"]),
            "provider": _provider(data["provider"]),
            "topics": tuple(data["topics"]),
            "images": tuple(Image(**image) for image in data["images"]),
            "related": tuple(
                RelatedArticle(
                    **{
                        **item,
                        "published_at": (
                            datetime.fromisoformat(item["published_at"])
                            if item["published_at"] is not None
                            else None
                        ),
                        "provider": _provider(item["provider"]),
                    }
                )
                for item in data["related"]
            ),
        }
    )
