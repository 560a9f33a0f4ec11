"""The export's cache: checked files, verified entry fragments, the last export.

A folder (default `.feed-exporter-cache`) holding:
- `index.sqlite`: each input file's checked outcome, keyed by a digest of its
  name, its bytes and the code (`exporter.export.keys`); each fragment's place
  in the pack, with its verification findings; per output folder, what the last
  export wrote (its plans and file digests).
- `fragments.pack`: the fragment bytes, appended (sequential writes cost a
  tenth of storing 80 MB of blobs in SQLite) and read by offset.
- `.gitignore` (`*`) and `CACHEDIR.TAG`, so neither git nor backup tools pick it up.

The cache is disposable, like ccache's: a miss is always safe. A database that
SQLite calls corrupt, a fragment whose length or CRC-32 do not match, a pack
that vanished: each is reported once (`notices`) and rebuilt, never an error.
Several exports may share the folder: SQLite in WAL mode with a short busy
timeout (a lock held too long is a miss, not a stall), appends with O_APPEND
(each batch lands whole), and a shared `flock` held by every open cache, so
that eviction (`close`), which rewrites the pack, runs only when no other
export is using it. Without a folder (`--no-cache`) the same class keeps its
index in memory and its pack in an anonymous temporary file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from exporter.export.fragments import Finding, Fragment, decode_findings, encode_findings
from exporter.problems import Problem, Severity
from exporter.words import counted

DEFAULT_CACHE_DIR = Path(".feed-exporter-cache")
ENVIRONMENT_VARIABLE = "FEED_EXPORTER_CACHE_DIR"
SIZE_VARIABLE = "FEED_EXPORTER_CACHE_MAX_SIZE"
DEFAULT_MAX_BYTES = 1 << 30  # 100,000 records in three formats take about 600 MB
_FORMAT = "3"  # bump when the stored shape changes: older caches are rebuilt
_BUSY_TIMEOUT = 1.0  # seconds to wait for another export's write lock
_BATCH = 512  # rows per statement or transaction
_RECENT_MEMORY = 128 << 20  # fragments made in a run kept in memory for its assembly
_SCAN_OVER = 4096  # keys wanted at once past which reading the whole index may pay
_FRAGMENT_BATCH = 8192  # fragment rows per transaction: fewer rewrites of index pages
_DAY = 86_400
_KEEP_AFTER_EVICTION = 0.75  # of the bound: room for a few runs before the next one
_INDEX, _PACK, _LOCK = "index.sqlite", "fragments.pack", "lock"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file marks a cache folder made by feed-exporter: "
    "see https://bford.info/cachedir/\n"
)
# SQLite's own verdicts on a file (sqlite_errorname), as opposed to "busy" or "full".
_DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX"})
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " used INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS fragments (key TEXT PRIMARY KEY, offset INTEGER NOT NULL,"
    " length INTEGER NOT NULL, crc INTEGER NOT NULL, lines INTEGER NOT NULL,"
    " findings BLOB NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS exports (folder TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS collections (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " stored INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS layouts (folder TEXT NOT NULL, file TEXT NOT NULL,"
    " value BLOB NOT NULL, PRIMARY KEY (folder, file))",
    "CREATE TABLE IF NOT EXISTS published (folder TEXT NOT NULL, file TEXT NOT NULL,"
    " value BLOB NOT NULL, PRIMARY KEY (folder, file))",
)
_COLLECTIONS_KEPT = 4  # whole input sets remembered: a few folders, or runs to go back to


class FragmentDamaged(Exception):
    """A fragment's bytes in the pack are not what was stored (or are gone)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Location:
    """Where a fragment's bytes are, and what verification found in them."""

    offset: int
    length: int
    crc: int
    lines: int
    findings: bytes  # encoded; b"[]" for none, decoded only when there are some

    @property
    def clean(self) -> bool:
        return self.findings == b"[]"


class Cache:
    """Outcomes, fragments and export states; see the module docstring."""

    def __init__(
        self, folder: Path | None, max_bytes: int = DEFAULT_MAX_BYTES, *, reader: bool = False
    ) -> None:
        """`reader`: a worker's connection, which only looks things up (no lock,
        no writes, no repair: the export that owns the cache does those)."""
        self.folder = folder
        self.max_bytes = max_bytes
        self.reader = reader
        self.notices: list[Problem] = []  # damage found and repaired, for the report
        self._today = int(time.time()) // _DAY
        self._touched: set[str] = set()  # fragments this run used: never evicted by it
        self._recent: dict[str, bytes] = {}  # what this run made, up to _RECENT_MEMORY
        self._recent_bytes = 0
        self._stale: dict[str, list[str]] = {"outcomes": [], "fragments": []}
        self._pending: list[tuple[str, bytes, int]] = []  # outcomes not yet written
        self._pending_fragments: list[tuple[object, ...]] = []  # their index rows, likewise
        self._made: dict[str, Location] = {}  # fragments added by this process
        self._damaged = False
        self._lock_descriptor: int | None = None
        self._pack_descriptor: int | None = None
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            if not reader:
                with contextlib.suppress(OSError):
                    self._prepare_folder(folder)
                    self._lock_descriptor = _open_lock(folder / _LOCK)
            self._open_index(folder)
        if self._db is None and not reader:
            self._scratch()

    def _scratch(self) -> None:
        """No folder (or none that works): an index in memory, a pack that is
        deleted as soon as it is closed."""
        if self.folder is not None:
            self._notice(
                "cache-unusable",
                f"cannot use the cache folder {self.folder}: running without a cache",
            )
        self.folder = None
        self._db = self._connect(":memory:")
        with tempfile.TemporaryFile() as scratch:  # anonymous: gone when closed
            self._pack_descriptor = os.dup(scratch.fileno())

    # -- opening ----------------------------------------------------------------

    def _prepare_folder(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
            path = folder / name
            if not path.exists():
                with contextlib.suppress(OSError):
                    path.write_text(text, encoding="ascii")

    def _connect(self, target: str) -> sqlite3.Connection:
        # isolation_level=None: autocommit, so no transaction (and lock) is held
        # between statements and other exports see each row at once.
        db = sqlite3.connect(target, timeout=_BUSY_TIMEOUT, isolation_level=None)
        with contextlib.suppress(sqlite3.Error):  # e.g. a file system without WAL
            db.execute("PRAGMA journal_mode=WAL")
        # The cache is disposable: no fsync (checkpoints of a cold run's index
        # cost a quarter of a second in them); a database a crash left damaged is
        # detected and rebuilt like any other.
        db.execute("PRAGMA synchronous=OFF")
        # 100,000 records index 300,000 fragments under random keys: a page cache
        # that holds the index keeps inserts from re-reading its pages.
        db.execute("PRAGMA cache_size=-65536")
        for statement in _SCHEMA:
            db.execute(statement)
        return db

    def _open_index(self, folder: Path) -> None:
        try:
            self._db = self._connect(str(folder / _INDEX))
            row = self._db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            if self.reader:
                return
            if row is None:
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (_FORMAT,))
            elif row[0] != _FORMAT:
                self._rebuild(folder, None)
        except sqlite3.DatabaseError as error:
            if _is_damage(error) and not self.reader:
                self._rebuild(folder, error)
            else:
                self._close_db()  # busy or unwritable: run without a cache
        except OSError:
            self._close_db()

    def _rebuild(self, folder: Path, error: sqlite3.Error | None) -> None:
        """Start the folder afresh; `error` (SQLite's verdict) is reported."""
        self._close_db()
        for name in (_INDEX, f"{_INDEX}-wal", f"{_INDEX}-shm", _PACK):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        if error is not None:
            self._notice("cache-rebuilt", f"the cache index was damaged ({error}); it was rebuilt")
        try:
            self._db = self._connect(str(folder / _INDEX))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (_FORMAT,))
        except (sqlite3.Error, OSError):
            self._close_db()

    def _notice(self, rule: str, message: str) -> None:
        where = str(self.folder) if self.folder is not None else "cache"
        self.notices.append(
            Problem(path=where, rule=rule, message=message, severity=Severity.WARNING)
        )

    @property
    def persistent(self) -> bool:
        """Kept between runs (else a `--no-cache` run's scratch space)."""
        return self.folder is not None and self._db is not None

    # -- checked files ----------------------------------------------------------

    def has_outcomes(self) -> bool:
        """Any checked file stored at all (else there is nothing to look up)."""
        return bool(self._rows("SELECT 1 FROM outcomes LIMIT 1", ()))

    def outcomes(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored outcomes of several checked files (one query per batch)."""
        self.flush()  # those this process stored too
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            query = f"SELECT key, value, used FROM outcomes WHERE key IN ({_marks(batch)})"
            for key, value, used in self._rows(query, batch):
                found[key] = bytes(value)
                if used < self._today:
                    self._stale["outcomes"].append(key)
        return found

    def collection(self, key: str) -> bytes | None:
        """Everything checking a whole set of inputs gave (see `produce`)."""
        rows = self._rows("SELECT value FROM collections WHERE key = ?", (key,))
        return bytes(rows[0][0]) if rows else None

    def store_collection(self, key: str, value: bytes) -> None:
        """Remember it, forgetting all but the few stored last (each holds a
        summary of every record)."""
        self._transaction("INSERT OR REPLACE INTO collections VALUES (?, ?, ?)",
                          [(key, value, time.time_ns())])  # fmt: skip
        self._transaction(
            "DELETE FROM collections WHERE key NOT IN"
            " (SELECT key FROM collections ORDER BY stored DESC LIMIT ?)",
            [(_COLLECTIONS_KEPT,)],
        )

    def store_outcome(self, key: str, value: bytes) -> None:
        self._pending.append((key, value, self._today))
        if len(self._pending) >= _FRAGMENT_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the outcomes and fragment rows stored so far, each kind in one
        transaction (all or none), in key order: random keys inserted in
        order share the index pages each transaction rewrites."""
        rows, self._pending = self._pending, []
        if rows:
            rows.sort()
            self._transaction("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?)", rows)
        places, self._pending_fragments = self._pending_fragments, []
        if places:
            places.sort(key=lambda row: str(row[0]))
            self._transaction(
                "INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?, ?, ?)", places
            )

    # -- fragments --------------------------------------------------------------

    def add(self, fragments: Sequence[Fragment]) -> None:
        """Append the fragments to the pack and index them (this run sees them
        even if the index cannot be written). Up to `_RECENT_MEMORY` bytes of
        them also stay in memory, where assembly reads them; without a folder
        those are not written at all."""
        fresh = [f for f in fragments if f.key not in self._made]
        kept = self.persistent  # else nothing outlives this run: no check sum, no row
        packed: list[Fragment] = []
        for fragment in fresh:
            if self._recent_bytes + len(fragment.body) <= _RECENT_MEMORY:
                self._recent[fragment.key] = fragment.body
                self._recent_bytes += len(fragment.body)
                if not kept:
                    self._made[fragment.key] = _located(-1, fragment, 0)
                    continue
            packed.append(fragment)
        if not packed or self._pack() is None:
            return
        data = b"".join([fragment.body for fragment in packed])
        try:
            end = _append(self._pack_descriptor, data)
        except OSError:
            return  # a full disk: these fragments are made again when needed
        offset = end - len(data)
        rows = []
        for fragment in packed:
            crc = zlib.crc32(fragment.body) if kept else 0
            location = _located(offset, fragment, crc)
            self._made[fragment.key] = location
            self._touched.add(fragment.key)
            offset += len(fragment.body)
            if not fragment.lasting or not kept:
                continue  # this run sees it (`_made`); no later run may
            rows.append(
                (fragment.key, location.offset, location.length, location.crc, location.lines,
                 location.findings, self._today)
            )  # fmt: skip
        self._pending_fragments += rows
        if len(self._pending_fragments) >= _FRAGMENT_BATCH:
            self.flush()

    def locate(self, keys: Iterable[str]) -> dict[str, Location]:
        """Where each known fragment is; unknown keys are left out."""
        found: dict[str, Location] = {}
        wanted: list[str] = []
        for key in keys:
            made = self._made.get(key)
            if made is not None:
                found[key] = made
            elif key not in found:
                wanted.append(key)
        columns = "SELECT key, offset, length, crc, lines, findings, used FROM fragments"
        if len(wanted) > _SCAN_OVER and len(wanted) * 4 > self._count("fragments"):
            # most of the index: reading it all costs half of asking for each key
            wanted_set = set(wanted)
            rows = [row for row in self._rows(columns, ()) if row[0] in wanted_set]
        else:
            rows = []
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                rows += self._rows(f"{columns} WHERE key IN ({_marks(batch)})", batch)
        for key, offset, length, crc, lines, findings, used in rows:
            found[key] = Location(offset, length, crc, lines, bytes(findings))
            self._touched.add(key)
            if used < self._today:
                self._stale["fragments"].append(key)
        return found

    def _count(self, table: str) -> int:
        rows = self._rows(f"SELECT count(*) FROM {table}", ())
        return int(rows[0][0]) if rows else 0

    def known(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that have a fragment."""
        return set(self.locate(keys))

    def read(self, key: str, location: Location) -> bytes:
        """The fragment's bytes; FragmentDamaged when they are not what was stored."""
        recent = self._recent.get(key)
        if recent is not None and location is self._made.get(key):
            return recent
        descriptor = self._pack()
        try:
            data = (
                os.pread(descriptor, location.length, location.offset)
                if descriptor is not None
                else b""
            )
        except OSError:
            data = b""
        if len(data) != location.length:
            raise FragmentDamaged(key)
        # What this run wrote is read back as written; what earlier runs wrote is
        # checked against the sum they stored.
        if location is not self._made.get(key) and zlib.crc32(data) != location.crc:
            raise FragmentDamaged(key)
        return data

    def findings(self, location: Location) -> tuple[Finding, ...]:
        return () if location.clean else decode_findings(location.findings)

    def forget(self, keys: Sequence[str]) -> None:
        """Drop damaged fragments, so they are made again; reported once."""
        for key in keys:
            self._made.pop(key, None)
        self._execute_many("DELETE FROM fragments WHERE key = ?", [(key,) for key in keys])
        self._notice(
            "cache-rebuilt",
            f"{counted(len(keys), 'cached fragment')} did not match what was stored; "
            "they were made again",
        )

    # -- the last export per output folder ------------------------------------

    def export_state(self, folder: Path) -> dict[str, Any] | None:
        row = self._query("SELECT value FROM exports WHERE folder = ?", (_folder_key(folder),))
        try:
            state = orjson.loads(row[0]) if row is not None else None
        except orjson.JSONDecodeError:
            return None
        return state if isinstance(state, dict) else None

    def store_export_state(self, folder: Path, state: dict[str, Any]) -> None:
        try:
            value = orjson.dumps(state)
        except TypeError:
            return
        self._execute_many(
            "INSERT OR REPLACE INTO exports VALUES (?, ?)", [(_folder_key(folder), value)]
        )

    def layouts(self, folder: Path, file_names: Iterable[str]) -> dict[str, bytes]:
        """Where each entry of the feeds written to `folder` is (see
        `assemble.Layout`), by file name; one query for all of a run's feeds."""
        wanted = set(file_names)
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT file, value FROM layouts WHERE folder = ?", (_folder_key(folder),)
        )
        return {file: bytes(value) for file, value in rows if file in wanted}

    def published(self, folder: Path, file_names: Iterable[str]) -> dict[str, bytes]:
        """What each feed written to `folder` published (see
        `exporter.export.id_guard`), by file name."""
        wanted = set(file_names)
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT file, value FROM published WHERE folder = ?", (_folder_key(folder),)
        )
        return {file: bytes(value) for file, value in rows if file in wanted}

    def store_published(self, folder: Path, summaries: Mapping[str, bytes]) -> None:
        key = _folder_key(folder)
        self._execute_many(
            "INSERT OR REPLACE INTO published VALUES (?, ?, ?)",
            [(key, file_name, value) for file_name, value in sorted(summaries.items())],
        )

    def store_layouts(self, folder: Path, layouts: Mapping[str, bytes]) -> None:
        key = _folder_key(folder)
        self._execute_many(
            "INSERT OR REPLACE INTO layouts VALUES (?, ?, ?)",
            [(key, file_name, value) for file_name, value in sorted(layouts.items())],
        )

    # -- closing ------------------------------------------------------------------

    def close(self) -> None:
        """Write what is pending, mark what this run used, evict if over the bound."""
        if self.reader:
            self._close_db()
            return
        self.flush()
        for table, keys in self._stale.items():
            rows = [(self._today, key) for key in dict.fromkeys(keys)]
            self._execute_many(f"UPDATE {table} SET used = ? WHERE key = ?", rows)
        if self._damaged and self.folder is not None:
            self._rebuild(self.folder, sqlite3.DatabaseError("database disk image is malformed"))
        elif self.folder is not None and self._exclusive():
            self._evict()
        self._close_db()
        for descriptor in (self._pack_descriptor, self._lock_descriptor):
            if descriptor is not None:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._pack_descriptor = self._lock_descriptor = None

    def _exclusive(self) -> bool:
        """Upgrade to an exclusive lock, without waiting: no other export is using
        the cache. (Not atomic, which is fine: a loser just skips eviction.)"""
        if self._lock_descriptor is None:
            return False
        try:
            fcntl.flock(self._lock_descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _evict(self) -> None:
        """Over the size bound: forget the fragments and outcomes used longest ago
        (never those of this run), then rewrite the pack with what is left."""
        assert self.folder is not None
        try:
            size = (self.folder / _PACK).stat().st_size
        except OSError:
            return
        if size <= self.max_bytes or self._db is None:
            return
        try:
            self._rewrite_pack(self._evict_rows())
        except (sqlite3.Error, OSError):
            return

    def _evict_rows(self) -> list[tuple[str, int, int]]:
        """Delete the fragments used longest ago (first added first, within a
        day), never one this run used, until the rest fits; the rest."""
        assert self._db is not None
        rows = self._db.execute(
            "SELECT key, offset, length, used FROM fragments ORDER BY used, offset"
        ).fetchall()
        total = sum(length for _, _, length, _ in rows)
        budget = int(self.max_bytes * _KEEP_AFTER_EVICTION)
        dropped: list[tuple[str]] = []
        kept: list[tuple[str, int, int]] = []
        oldest = self._today  # when the fragment kept that was used longest ago was used
        for key, offset, length, used in rows:
            if total > budget and key not in self._touched:
                dropped.append((key,))
                total -= length
            else:
                kept.append((key, offset, length))
                oldest = min(oldest, used)
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM fragments WHERE key = ?", dropped)
            # checked files nobody looked up since then go too
            self._db.execute("DELETE FROM outcomes WHERE used < ?", (oldest,))
        return kept

    def _rewrite_pack(self, live: list[tuple[str, int, int]]) -> None:
        """Copy the live fragments into a new pack, re-point the index, swap files."""
        assert self.folder is not None and self._db is not None
        source = self._pack()
        if source is None:
            return
        target = self.folder / f"{_PACK}.new"
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        moved: list[tuple[int, str]] = []
        try:
            position = 0
            for key, offset, length in sorted(live, key=lambda row: row[1]):
                data = os.pread(source, length, offset)
                _append(descriptor, data)
                moved.append((position, key))
                position += length
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE fragments SET offset = ? WHERE key = ?", moved)
            os.replace(target, self.folder / _PACK)

    # -- plumbing -----------------------------------------------------------------

    def _pack(self) -> int | None:
        """The pack's descriptor (opened on first use), or None without one."""
        if self._pack_descriptor is None and self.folder is not None and self._db is not None:
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
            with contextlib.suppress(OSError):
                self._pack_descriptor = os.open(self.folder / _PACK, flags, 0o644)
        return self._pack_descriptor

    def _failed(self, error: sqlite3.Error) -> None:
        if _is_damage(error):
            self._damaged = True

    def _query(self, query: str, values: tuple[object, ...]) -> tuple[Any, ...] | None:
        if self._db is None:
            return None
        try:
            row: tuple[Any, ...] | None = self._db.execute(query, values).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        return row

    def _rows(self, query: str, values: Sequence[object]) -> list[tuple[Any, ...]]:
        """Rows written by others and by `flush`: what this process stored since
        is in its own memory (`_made`), so a lookup does not wait for a write."""
        if self._db is None:
            return []
        try:
            return self._db.execute(query, values).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return []

    def _transaction(self, query: str, rows: Sequence[tuple[object, ...]]) -> None:
        """All rows or none; a busy or broken database loses them (a miss later)."""
        if self._db is None or not rows:
            return
        try:
            with self._db:  # BEGIN ... COMMIT, or ROLLBACK on an error
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(query, rows)
        except sqlite3.Error as error:
            self._failed(error)

    def _execute_many(self, query: str, rows: Sequence[tuple[object, ...]]) -> None:
        for start in range(0, len(rows), _BATCH):
            self._transaction(query, rows[start : start + _BATCH])

    def _close_db(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _located(offset: int, fragment: Fragment, crc: int) -> Location:
    findings = encode_findings(fragment.findings)
    return Location(offset, len(fragment.body), crc, fragment.lines, findings)


def _is_damage(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name in _DAMAGED or "malformed" in str(error) or "not a database" in str(error)


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _folder_key(folder: Path) -> str:
    try:
        return str(folder.resolve())
    except (OSError, RuntimeError):
        return str(folder.absolute())


def _open_lock(path: Path) -> int | None:
    """A shared lock on the cache for as long as it is open (see `_exclusive`)."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _append(descriptor: int | None, data: bytes) -> int:
    """Write all of `data` at the end of the file; the offset just past it."""
    if descriptor is None:
        raise OSError("no pack file")
    view = memoryview(data)
    end = os.lseek(descriptor, 0, os.SEEK_END) if not view else 0
    while view:
        written = os.write(descriptor, view)
        view = view[written:]
        end = os.lseek(descriptor, 0, os.SEEK_CUR)
    return end
