"""Feed metadata (title, URLs, author, ...) from `feed.toml`, overridable by flags.

Records describe articles; the feed itself is described once, here. A value that
a format requires and that is missing is a `ConfigError` with a one-line message
(the CLI turns it into exit 2) rather than a half-valid feed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter.iri import is_valid_absolute_iri, scheme

DEFAULT_CONFIG_NAME = "feed.toml"

# The file each format is written to; a feed's public URL defaults to base_url + this name.
FEED_FILE_NAMES: Mapping[str, str] = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
FEED_MEDIA_TYPES: Mapping[str, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_EMAIL = re.compile(r"^[^@\s()<>]+@[^@\s()<>]+\.[^@\s()<>]+$")


class ConfigError(Exception):
    """A missing or malformed feed setting; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class FeedAuthor:
    name: str
    uri: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class EntrySettings:
    """The feed settings that reach an entry: today only the author fallback for
    records without a provider. Renderers build entries from these alone, so an
    entry fragment is made again when, and only when, one of them changes."""

    author: FeedAuthor


# What a feed set can be keyed by: the record field whose values name its feeds.
SET_KEYS = ("topics", "provider", "category", "type")
DEFAULT_SET_LIMIT = 50


@dataclass(frozen=True, slots=True)
class FeedSet:
    """`[sets.NAME]`: one feed per distinct value of a record field."""

    name: str
    by: str  # one of SET_KEYS
    path: str  # folder under --out, with `{slug}`, ending in "/"
    title: str  # with `{title}` and `{key}`
    limit: int = DEFAULT_SET_LIMIT
    archive: int | None = None  # entries per RFC 5005 archive page


@dataclass(frozen=True, slots=True)
class Paging:
    """RFC 5005 links of one document (and JSON Feed's `next_url`): `archive`
    marks an archive document; `older` is the next older archive page;
    `current` the subscription document an archive page belongs to."""

    archive: bool
    older: str | None = None
    current: str | None = None


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """Everything a renderer needs besides the articles, and the feeds an export
    publishes beside the main one (`archive`, `sets`)."""

    title: str
    description: str
    site_url: str
    author: FeedAuthor
    feed_urls: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None
    icon: str | None = None
    logo: str | None = None
    base_url: str | None = None
    archive: int | None = None  # entries per archive page of the main feed
    sets: tuple[FeedSet, ...] = ()
    paging: Paging | None = None  # of the one document being rendered
    hubs: tuple[str, ...] = ()  # WebSub hubs every feed names (and `export --ping` notifies)

    @property
    def entry_settings(self) -> EntrySettings:
        return EntrySettings(self.author)

    def url_for(self, format_name: str) -> str:
        """The public URL of one feed file: its self link and verification base."""
        try:
            return self.feed_urls[format_name]
        except KeyError:
            raise ConfigError(f"no public URL configured for the {format_name} feed") from None


@dataclass(frozen=True, slots=True)
class ConfigOverrides:
    """Values given as command-line flags; each wins over `feed.toml`."""

    title: str | None = None
    description: str | None = None
    site_url: str | None = None
    base_url: str | None = None
    feed_urls: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None
    author_name: str | None = None


def load_config(
    path: Path | None,
    overrides: ConfigOverrides | None = None,
    formats: tuple[str, ...] = tuple(FEED_FILE_NAMES),
    cwd: Path | None = None,
) -> FeedConfig:
    """Read `path` (or `./feed.toml` when it exists), apply flags, check required values.

    `formats` are the feeds about to be written: only their URLs are required.
    """
    raw: dict[str, Any] = {}
    where = "flags"
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        path = candidate if candidate.is_file() else None
    if path is not None:
        where = str(path)
        raw = _read_toml(path)
    return _build(raw, overrides or ConfigOverrides(), formats, where)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: not valid UTF-8 (byte 0x{error.object[error.start]:02x} at offset "
            f"{error.start}); save the file as UTF-8"
        ) from None


def _build(
    raw: Mapping[str, Any], flags: ConfigOverrides, formats: tuple[str, ...], where: str
) -> FeedConfig:
    unknown = sorted(set(raw) - {"feed", "sets"})
    if unknown:
        raise ConfigError(
            f"{where}: unknown table or key {unknown[0]!r} (expected [feed] and [sets.NAME])"
        )
    feed = _table(raw, "feed", where)
    author = _table(feed, "author", where, prefix="feed.")
    urls = _table(feed, "urls", where, prefix="feed.")
    _known_keys(feed, _FEED_KEYS, "feed", where)
    _known_keys(author, {"name", "uri", "email"}, "feed.author", where)
    _known_keys(urls, set(FEED_FILE_NAMES), "feed.urls", where)

    def text(table: Mapping[str, Any], key: str, name: str, flag: str | None = None) -> str | None:
        value: Any = flag if flag is not None else table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            source = "a flag" if flag is not None else where
            raise ConfigError(f"{source}: {name} must be a non-empty string")
        return value.strip()

    title = text(feed, "title", "feed.title", flags.title)
    description = text(feed, "description", "feed.description", flags.description)
    site_url = text(feed, "site_url", "feed.site_url", flags.site_url)
    base_url = text(feed, "base_url", "feed.base_url", flags.base_url)
    language = text(feed, "language", "feed.language", flags.language)
    author_name = text(author, "name", "feed.author.name", flags.author_name)

    required = {
        "title": (title, "--title"),
        "description": (description, "--description"),
        "site_url": (site_url, "--site-url"),
        "author.name": (author_name, "--author"),
    }
    for key, (value, flag) in required.items():
        if value is None:
            raise ConfigError(f"{where}: missing required value feed.{key} (or pass {flag})")
    assert title and description and site_url and author_name  # narrowed above

    feed_urls: dict[str, str] = {}
    for name, file_name in FEED_FILE_NAMES.items():
        url = text(urls, name, f"feed.urls.{name}", flags.feed_urls.get(name))
        if url is None and base_url is not None:
            url = base_url.rstrip("/") + "/" + file_name
        if url is not None:
            feed_urls[name] = _absolute_url(url, f"the {name} feed URL", where)
    for name in formats:
        if name not in feed_urls:
            raise ConfigError(
                f"{where}: missing required value feed.urls.{name} or feed.base_url "
                f"(or pass --feed-url {name}=URL)"
            )

    if language is not None and not _LANGUAGE.match(language):
        source = "--language" if flags.language is not None else f"{where}: feed.language"
        raise ConfigError(f"{source} {language!r} is not a language tag like en-us")
    email = text(author, "email", "feed.author.email")
    if email is not None and not _EMAIL.match(email):
        raise ConfigError(f"{where}: feed.author.email {email!r} is not an e-mail address")
    uri = text(author, "uri", "feed.author.uri")
    icon = text(feed, "icon", "feed.icon")
    logo = text(feed, "logo", "feed.logo")
    archive = _page_size(feed.get("archive"), "feed.archive", where)
    hubs = _hubs(feed.get("hubs", []), where)
    sets = _sets(_table(raw, "sets", where), where)
    if (sets or archive) and base_url is None:
        raise ConfigError(
            f"{where}: feed sets and archives need feed.base_url (or pass --base-url): "
            "their public URLs are made from it"
        )
    return FeedConfig(
        title=title,
        description=description,
        site_url=_absolute_url(site_url, "feed.site_url", where),
        author=FeedAuthor(
            name=author_name,
            uri=_absolute_url(uri, "feed.author.uri", where) if uri else None,
            email=email,
        ),
        feed_urls=feed_urls,
        language=language,
        icon=_absolute_url(icon, "feed.icon", where) if icon else None,
        logo=_absolute_url(logo, "feed.logo", where) if logo else None,
        base_url=_absolute_url(base_url, "feed.base_url", where) if base_url else None,
        archive=archive,
        sets=sets,
        hubs=hubs,
    )


_FEED_KEYS = {
    "title", "description", "site_url", "base_url", "language", "icon", "logo", "author", "urls",
    "archive", "hubs",
}  # fmt: skip
_SET_KEYS = {"by", "path", "title", "limit", "archive"}
_SET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"{([^{}]*)}")


def _sets(tables: Mapping[str, Any], where: str) -> tuple[FeedSet, ...]:
    """Every `[sets.NAME]`, by name; a wrong key or value is one line."""
    found: list[FeedSet] = []
    folders: dict[str, str] = {}
    for name in sorted(tables):
        table = _table(tables, name, where, prefix="sets.")
        label = f"sets.{name}"
        if not _SET_NAME.match(name):
            raise ConfigError(
                f"{where}: [{label}]: a set name is lowercase letters, digits, '-' and '_'"
            )
        _known_keys(table, _SET_KEYS, label, where)
        by = table.get("by")
        if by not in SET_KEYS:
            raise ConfigError(f"{where}: {label}.by must be one of {', '.join(SET_KEYS)}")
        path = _set_path(table.get("path", f"{name}/{{slug}}/"), f"{label}.path", where)
        title = table.get("title", "{title}: {key}")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f"{where}: {label}.title must be a non-empty string")
        _placeholders(title, {"title", "key"}, f"{label}.title", where)
        limit = table.get("limit", DEFAULT_SET_LIMIT)
        if type(limit) is not int or limit < 1:
            raise ConfigError(f"{where}: {label}.limit must be a whole number of at least 1")
        folder = path.split("{slug}")[0]
        clash = folders.get(folder)
        if clash is not None:
            raise ConfigError(f"{where}: sets.{clash} and {label} write to the same folder")
        folders[folder] = name
        archive = _page_size(table.get("archive"), f"{label}.archive", where)
        found.append(FeedSet(name, by, path, title.strip(), limit, archive))
    return tuple(found)


def _set_path(value: Any, name: str, where: str) -> str:
    """Relative, inside --out, one `{slug}` folder: `topics/{slug}/`."""
    if not isinstance(value, str) or "{slug}" not in value:
        raise ConfigError(
            f"{where}: {name} must be a folder holding {{slug}}, like 'topics/{{slug}}/'"
        )
    _placeholders(value, {"slug"}, name, where)
    parts = value.strip("/").split("/")
    if value.startswith("/") or "\\" in value or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"{where}: {name} {value!r} must be a relative folder inside --out")
    if parts[0] == "archive":
        raise ConfigError(f"{where}: {name} may not start with archive/ (the main feed's archive)")
    return "/".join(parts) + "/"


def _placeholders(value: str, allowed: set[str], name: str, where: str) -> None:
    for found in _PLACEHOLDER.findall(value):
        if found not in allowed:
            known = ", ".join("{" + each + "}" for each in sorted(allowed))
            raise ConfigError(f"{where}: {name} has {{{found}}}; it may use {known}")


def _hubs(value: Any, where: str) -> tuple[str, ...]:
    """`hubs = ["https://hub.example/"]`: WebSub hubs, each an absolute http(s)
    URL (a hub is reached by POST, and the feeds name it as a link)."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: feed.hubs must be a list of hub URLs")
    hubs: list[str] = []
    for number, hub in enumerate(value, start=1):
        name = f"feed.hubs[{number}]"
        if not isinstance(hub, str) or not hub.strip():
            raise ConfigError(f"{where}: {name} must be a non-empty string")
        url = _absolute_url(hub.strip(), name, where)
        if url in hubs:
            raise ConfigError(f"{where}: {name} {url!r} is listed twice")
        hubs.append(url)
    return tuple(hubs)


def _page_size(value: Any, name: str, where: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ConfigError(f"{where}: {name} must be a whole number of entries per archive page")
    return value


def _known_keys(table: Mapping[str, Any], known: set[str], name: str, where: str) -> None:
    """A typo (`titel`) would otherwise be ignored and the value silently missing."""
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {name}.{unknown[0]} (known: {', '.join(sorted(known))})"
        )


def _table(raw: Mapping[str, Any], key: str, where: str, prefix: str = "") -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {prefix}{key} must be a table")
    return value


def _absolute_url(value: str, name: str, where: str) -> str:
    """The checker's own absolute-IRI test (characters, port, IPv6 brackets), so a
    URL it would reject in the written feed is a configuration error up front."""
    if scheme(value) not in ("http", "https") or not is_valid_absolute_iri(value):
        raise ConfigError(f"{where}: {name} {value!r} must be an absolute http(s) URL")
    return value
