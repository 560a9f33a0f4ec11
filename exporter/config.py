"""Feed metadata (title, URLs, author, ...) from `feed.toml`, overridable by flags.

Records describe articles; the feed itself is described once, here. A value that
a format requires and that is missing is a `ConfigError` with a one-line message
(the CLI turns it into exit 2) rather than a half-valid feed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from exporter.config_file import DEFAULT_CONFIG_NAME as DEFAULT_CONFIG_NAME
from exporter.config_file import ConfigError as ConfigError
from exporter.config_file import read_config_file
from exporter.iri import is_valid_absolute_iri, scheme
from exporter.words import counted

# The file each format is written to; a feed's public URL defaults to base_url + this name.
FEED_FILE_NAMES: Mapping[str, str] = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
FEED_MEDIA_TYPES: Mapping[str, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_EMAIL = re.compile(r"^[^@\s()<>]+@[^@\s()<>]+\.[^@\s()<>]+$")


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
    file_names: Mapping[str, str] = field(default_factory=dict)  # format -> file under --out

    @property
    def entry_settings(self) -> EntrySettings:
        return EntrySettings(self.author)

    def file_name_for(self, format_name: str) -> str:
        """The file one feed is written to (in its folder under --out)."""
        return self.file_names.get(format_name) or FEED_FILE_NAMES[format_name]

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
    """Read `path` (or the discovered `feed.toml`), apply flags, check required values.

    `formats` are the feeds about to be written: only their URLs are required.
    """
    found = read_config_file(path, cwd)
    return build_config(
        found.tables, overrides or ConfigOverrides(), formats, found.name, found.hint
    )


class _Values:
    """Reads one value from a flag or from the file, and remembers where it came
    from, so a bad value is blamed on `--site-url` or on `feed.toml: feed.site_url`."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.labels: dict[str, str] = {}

    def text(
        self, table: Mapping[str, Any], key: str, name: str, flag: tuple[str, str | None]
    ) -> str | None:
        flag_name, flag_value = flag
        value: Any = flag_value if flag_value is not None else table.get(key)
        label = flag_name if flag_value is not None else self.file_label(name)
        self.labels[name] = label
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{label} must be a non-empty string")
        return value.strip()

    def file_label(self, name: str) -> str:
        return f"{self.where}: {name}" if self.where else name


def build_config(
    raw: Mapping[str, Any],
    flags: ConfigOverrides,
    formats: tuple[str, ...],
    where: str,
    hint: str = "",
) -> FeedConfig:
    """A FeedConfig from the file's tables (`where` names the file, "" for none)
    and the flags. Every missing required value is named at once, with its key
    and its flag; `hint` says where a missing file was looked for."""
    unknown = sorted(set(raw) - {"feed", "sets", "export"})
    prefix = f"{where}: " if where else ""
    if unknown:
        raise ConfigError(
            f"{prefix}unknown table or key {unknown[0]!r} "
            "(expected [feed], [export] and [sets.NAME])"
        )
    feed = _table(raw, "feed", prefix)
    author = _table(feed, "author", prefix, key_prefix="feed.")
    urls = _table(feed, "urls", prefix, key_prefix="feed.")
    _known_keys(feed, _FEED_KEYS, "feed", prefix)
    _known_keys(author, {"name", "uri", "email"}, "feed.author", prefix)
    _known_keys(urls, set(FEED_FILE_NAMES), "feed.urls", prefix)
    values = _Values(where)
    title = values.text(feed, "title", "feed.title", ("--title", flags.title))
    description = values.text(
        feed, "description", "feed.description", ("--description", flags.description)
    )
    site_url = values.text(feed, "site_url", "feed.site_url", ("--site-url", flags.site_url))
    base_url = values.text(feed, "base_url", "feed.base_url", ("--base-url", flags.base_url))
    language = values.text(feed, "language", "feed.language", ("--language", flags.language))
    author_name = values.text(author, "name", "feed.author.name", ("--author", flags.author_name))
    explicit: dict[str, str] = {}
    for name in FEED_FILE_NAMES:
        flag = (f"--feed-url {name}=URL", flags.feed_urls.get(name))
        url = values.text(urls, name, f"feed.urls.{name}", flag)
        if url is not None:
            explicit[name] = _absolute_url(url, values.labels[f"feed.urls.{name}"])
    if base_url is not None:
        base_url = _absolute_url(base_url, values.labels["feed.base_url"])

    missing = [
        f"{key} ({flag})"
        for key, value, flag in (
            ("feed.title", title, "--title"),
            ("feed.description", description, "--description"),
            ("feed.site_url", site_url, "--site-url"),
            ("feed.author.name", author_name, "--author"),
        )
        if value is None
    ]
    if base_url is None:
        lacking = [name for name in formats if name not in explicit]
        if lacking:
            missing.append(
                "feed.base_url (--base-url) or "
                + ", ".join(f"feed.urls.{name} (--feed-url {name}=URL)" for name in lacking)
            )
    if missing:
        message = f"{prefix}missing {counted(len(missing), 'required value')}: " + "; ".join(
            missing
        )
        raise ConfigError(message + (f" ({hint})" if hint and not where else ""))
    assert title and description and site_url and author_name  # narrowed above
    feed_urls = {
        name: explicit.get(name) or f"{(base_url or '').rstrip('/')}/{file_name}"
        for name, file_name in FEED_FILE_NAMES.items()
        if name in explicit or base_url is not None
    }
    file_names = _file_names(explicit, values.labels, prefix)

    if language is not None and not _LANGUAGE.match(language):
        label = values.labels["feed.language"]
        raise ConfigError(f"{label} {language!r} is not a language tag like en-us")
    email = values.text(author, "email", "feed.author.email", ("", None))
    if email is not None and not _EMAIL.match(email):
        raise ConfigError(f"{prefix}feed.author.email {email!r} is not an e-mail address")
    uri = values.text(author, "uri", "feed.author.uri", ("", None))
    icon = values.text(feed, "icon", "feed.icon", ("", None))
    logo = values.text(feed, "logo", "feed.logo", ("", None))
    archive = _page_size(feed.get("archive"), "feed.archive", prefix)
    hubs = _hubs(feed.get("hubs", []), prefix)
    sets = _sets(_table(raw, "sets", prefix), prefix)
    if (sets or archive) and base_url is None:
        raise ConfigError(
            f"{prefix}feed sets and archives need feed.base_url (or pass --base-url): "
            "their public URLs are made from it"
        )
    return FeedConfig(
        title=title,
        description=description,
        site_url=_absolute_url(site_url, values.labels["feed.site_url"]),
        author=FeedAuthor(
            name=author_name,
            uri=_absolute_url(uri, f"{prefix}feed.author.uri") if uri else None,
            email=email,
        ),
        feed_urls=feed_urls,
        file_names=file_names,
        language=language,
        icon=_absolute_url(icon, f"{prefix}feed.icon") if icon else None,
        logo=_absolute_url(logo, f"{prefix}feed.logo") if logo else None,
        base_url=base_url,
        archive=archive,
        sets=sets,
        hubs=hubs,
    )


def _file_names(
    explicit: Mapping[str, str], labels: Mapping[str, str], prefix: str
) -> dict[str, str]:
    """Each feed is written under the last segment of its configured public URL
    (`https://blog.example.com/feed.xml` -> `feed.xml`), so the self link names
    the file that is really there; without one, `rss.xml`, `atom.xml`, `feed.json`."""
    names = dict(FEED_FILE_NAMES)
    for name, url in explicit.items():
        segment = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if segment in ("", ".", "..") or "\\" in segment or segment.startswith("."):
            raise ConfigError(
                f"{labels[f'feed.urls.{name}']} {url!r} must end in a file name "
                f"(like .../{FEED_FILE_NAMES[name]}): the feed is written under that name"
            )
        names[name] = segment
    owners: dict[str, str] = {}
    for name, file_name in names.items():
        if file_name in owners:
            raise ConfigError(
                f"{prefix}the {owners[file_name]} and {name} feeds would both be written to "
                f"{file_name}: give them URLs ending in different file names (feed.urls)"
            )
        owners[file_name] = name
    return names


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
        table = _table(tables, name, where, key_prefix="sets.")
        label = f"sets.{name}"
        if not _SET_NAME.match(name):
            raise ConfigError(
                f"{where}[{label}]: a set name is lowercase letters, digits, '-' and '_'"
            )
        _known_keys(table, _SET_KEYS, label, where)
        by = table.get("by")
        if by not in SET_KEYS:
            raise ConfigError(f"{where}{label}.by must be one of {', '.join(SET_KEYS)}")
        path = _set_path(table.get("path", f"{name}/{{slug}}/"), f"{label}.path", where)
        title = table.get("title", "{title}: {key}")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f"{where}{label}.title must be a non-empty string")
        _placeholders(title, {"title", "key"}, f"{label}.title", where)
        limit = table.get("limit", DEFAULT_SET_LIMIT)
        if type(limit) is not int or limit < 1:
            raise ConfigError(f"{where}{label}.limit must be a whole number of at least 1")
        folder = path.split("{slug}")[0]
        clash = folders.get(folder)
        if clash is not None:
            raise ConfigError(f"{where}sets.{clash} and {label} write to the same folder")
        folders[folder] = name
        archive = _page_size(table.get("archive"), f"{label}.archive", where)
        found.append(FeedSet(name, by, path, title.strip(), limit, archive))
    return tuple(found)


def _set_path(value: Any, name: str, where: str) -> str:
    """Relative, inside --out, one `{slug}` folder: `topics/{slug}/`."""
    if not isinstance(value, str) or "{slug}" not in value:
        raise ConfigError(
            f"{where}{name} must be a folder holding {{slug}}, like 'topics/{{slug}}/'"
        )
    _placeholders(value, {"slug"}, name, where)
    parts = value.strip("/").split("/")
    if value.startswith("/") or "\\" in value or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"{where}{name} {value!r} must be a relative folder inside --out")
    if parts[0] == "archive":
        raise ConfigError(f"{where}{name} may not start with archive/ (the main feed's archive)")
    return "/".join(parts) + "/"


def _placeholders(value: str, allowed: set[str], name: str, where: str) -> None:
    for found in _PLACEHOLDER.findall(value):
        if found not in allowed:
            known = ", ".join("{" + each + "}" for each in sorted(allowed))
            raise ConfigError(f"{where}{name} has {{{found}}}; it may use {known}")


def _hubs(value: Any, where: str) -> tuple[str, ...]:
    """`hubs = ["https://hub.example/"]`: WebSub hubs, each an absolute http(s)
    URL (a hub is reached by POST, and the feeds name it as a link)."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}feed.hubs must be a list of hub URLs")
    hubs: list[str] = []
    for number, hub in enumerate(value, start=1):
        name = f"feed.hubs[{number}]"
        if not isinstance(hub, str) or not hub.strip():
            raise ConfigError(f"{where}{name} must be a non-empty string")
        url = _absolute_url(hub.strip(), f"{where}{name}")
        if url in hubs:
            raise ConfigError(f"{where}{name} {url!r} is listed twice")
        hubs.append(url)
    return tuple(hubs)


def _page_size(value: Any, name: str, where: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ConfigError(f"{where}{name} must be a whole number of entries per archive page")
    return value


def _known_keys(table: Mapping[str, Any], known: set[str], name: str, where: str) -> None:
    """A typo (`titel`) would otherwise be ignored and the value silently missing."""
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{where}unknown key {name}.{unknown[0]} (known: {', '.join(sorted(known))})"
        )


def _table(raw: Mapping[str, Any], key: str, where: str, key_prefix: str = "") -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}{key_prefix}{key} must be a table")
    return value


def _absolute_url(value: str, label: str) -> str:
    """The checker's own absolute-IRI test (characters, port, IPv6 brackets), so a
    URL it would reject in the written feed is a configuration error up front."""
    if scheme(value) not in ("http", "https") or not is_valid_absolute_iri(value):
        raise ConfigError(f"{label} {value!r} must be an absolute http(s) URL")
    return value
