"""Finding and reading `feed.toml`: discovery from the working folder up to the
repository root, TOML parsing with one-line errors."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_NAME = "feed.toml"


class ConfigError(Exception):
    """A missing or malformed feed setting; the message is one line for the user."""


def find_config(start: Path) -> tuple[Path | None, list[Path]]:
    """`feed.toml` in `start` or the nearest folder above it, up to the
    repository root (the folder holding `.git`), like git finds its own config.
    Outside a repository only `start` is looked at: a stray ~/feed.toml must not
    describe every folder below it. Returns the file (or None) and the folders
    looked in, for the message when there is none."""
    start = start.resolve()
    chain = [start, *start.parents]
    root = next((folder for folder in chain if (folder / ".git").exists()), None)
    looked: list[Path] = []
    for folder in chain if root is not None else [start]:
        looked.append(folder)
        if (folder / DEFAULT_CONFIG_NAME).is_file():
            return folder / DEFAULT_CONFIG_NAME, looked
        if folder == root:
            break
    return None, looked


def not_found_hint(looked: list[Path]) -> str:
    """Where discovery looked, and what to do about it, in one clause."""
    where = str(looked[0]) if len(looked) == 1 else f"{looked[0]} or above up to {looked[-1]}"
    return (
        f"no {DEFAULT_CONFIG_NAME} found in {where}: run `feed-exporter init` to write one, "
        "or pass --config FILE"
    )


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """The tables of `feed.toml`; `path` None (and `hint` saying where it was
    looked for) when there is none."""

    tables: dict[str, Any]
    path: Path | None
    hint: str = ""

    @property
    def name(self) -> str:
        """How messages name the file ("" when there is none)."""
        return str(self.path) if self.path is not None else ""

    @property
    def folder(self) -> Path:
        """What relative paths in the file are relative to."""
        return self.path.parent if self.path is not None else Path()


def read_config_file(path: Path | None, cwd: Path | None = None) -> ConfigFile:
    """`path`, or the `feed.toml` found from `cwd` up to the repository root."""
    if path is None:
        path, looked = find_config(cwd or Path.cwd())
        if path is None:
            return ConfigFile({}, None, not_found_hint(looked))
    return ConfigFile(_read_toml(path), path)


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
