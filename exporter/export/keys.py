"""Content addresses: the digest every cached result is stored under.

As in ccache or Bazel's action cache, a key covers every input that can change
the result, never a name or a time: a hit is byte for byte what making it again
would give. The code fingerprint covers this program's sources and schemas, the
versions of the libraries that shape a record or a feed, and Python's; any
upgrade is a different key. An article's digest covers every field that can
reach an entry (`source`, the file it came from, does not: moving a file does
not make its entries again).
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from dataclasses import replace
from datetime import datetime
from functools import cache
from importlib import metadata
from pathlib import Path

import orjson

import exporter
from exporter.config import EntrySettings, FeedConfig
from exporter.load.settings import LoadSettings
from exporter.model import Article
from exporter.resources import SCHEMA_DIR

_FORMAT = 2  # bump when what a key covers changes
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


def _digest(*parts: str | bytes) -> str:
    return _hasher(*parts).hexdigest()


def _hasher(*parts: str | bytes) -> hashlib._Hash:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest


@cache
def _prefix(*parts: str | bytes) -> hashlib._Hash:
    """A hash of what many keys share, copied for each key (a few µs per key
    saved, on the path that looks up every entry of an unchanged export)."""
    return _hasher(code_fingerprint(), *parts)


def outcome_key(settings: LoadSettings, name: str, file_digest: str) -> str:
    """A checked file: its name (problems carry it), its bytes, the load bounds."""
    digest = _prefix("outcome", f"{settings.max_bytes}:{settings.max_depth}").copy()
    digest.update(f"{name}\0{file_digest}".encode())
    return digest.hexdigest()


def article_digest(article: Article) -> str:
    """Every field of the article that can reach an entry."""
    return _digest(orjson.dumps(replace(article, source="")))


def fragment_key(
    format_name: str, settings: EntrySettings, article: str, pinned_now: datetime | None
) -> str:
    """One article's entry in one format: the format's salt, then the article's
    digest (joined, not hashed again: an unchanged export names 30,000 of them).
    `pinned_now` (tests pin the clock of the date checks) is part of the salt:
    findings made under another clock must not be replayed."""
    return entry_salt(format_name, settings, pinned_now) + article


@cache
def entry_salt(format_name: str, settings: EntrySettings, pinned_now: datetime | None) -> str:
    """What every fragment key of one format shares (code, settings, clock)."""
    return _entry_prefix(format_name, settings, pinned_now).hexdigest()


@cache
def _entry_prefix(
    format_name: str, settings: EntrySettings, pinned_now: datetime | None
) -> hashlib._Hash:
    clock = pinned_now.isoformat() if pinned_now is not None else ""
    return _prefix("entry", format_name, orjson.dumps(settings), clock)


def head_key(
    format_name: str, feed: FeedConfig, updated: datetime, pinned_now: datetime | None
) -> str:
    """A feed's document without entries: its settings and its date."""
    clock = pinned_now.isoformat() if pinned_now is not None else ""
    return _digest(
        "head", code_fingerprint(), format_name, orjson.dumps(feed), updated.isoformat(), clock
    )
