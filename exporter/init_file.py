"""The `feed.toml` that `feed-exporter init` writes: commented, and checked with
the very code `export` reads it with before it is written, so the first
`feed-exporter export` after `init` works."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.config import ConfigOverrides, build_config
from exporter.config_file import ConfigFile
from exporter.export_table import export_defaults

# Where sites keep their posts (Hugo, Jekyll, ours); the first that exists is
# the default input.
INPUT_FOLDERS = ("content", "_posts", "posts", "records", "articles", "seeds")
# Files in a content folder that are not records (Hugo section pages, notes).
DEFAULT_EXCLUDE = ("README.md", "_index.md")


@dataclass(frozen=True, slots=True)
class InitAnswers:
    title: str
    description: str
    site_url: str
    base_url: str
    author: str
    inputs: tuple[str, ...]
    out: str = "output"
    language: str | None = None


def default_inputs(folder: Path) -> tuple[str, ...]:
    """The first usual record folder that exists in `folder`, else `content`."""
    for name in INPUT_FOLDERS:
        if (folder / name).is_dir():
            return (name,)
    return ("content",)


def check_answers(answers: InitAnswers) -> None:
    """ConfigError naming the flag of the first bad value (`--site-url ...`)."""
    overrides = ConfigOverrides(
        title=answers.title,
        description=answers.description,
        site_url=answers.site_url,
        base_url=answers.base_url,
        language=answers.language,
        author_name=answers.author,
    )
    build_config({}, overrides, ("rss", "atom", "json"), "")


def render(answers: InitAnswers) -> str:
    """The commented file; its strings are TOML basic strings (JSON escapes)."""
    language = (
        f"language = {_quoted(answers.language)}          # --language"
        if answers.language
        else '# language = "en"                       # --language'
    )
    return f"""\
# feed-exporter settings, written by `feed-exporter init`.
# Every command finds this file in the folder it runs in or in a folder above
# (up to the repository root); paths below are relative to this file.
# A flag overrides the value it names, for one run.

[feed]
title = {_quoted(answers.title)}  # --title
description = {_quoted(answers.description)}  # --description
site_url = {_quoted(answers.site_url)}  # --site-url: the site the feed belongs to
# The folder the feed files are served from: each feed's public URL (its self
# link) is base_url + rss.xml, atom.xml, feed.json (--base-url). To serve a feed
# under another name, set its URL in [feed.urls]: the file is written under the
# URL's last segment.
base_url = {_quoted(answers.base_url)}
{language}

[feed.author]  # the author of records without a provider
name = {_quoted(answers.author)}  # --author

# [feed.urls]
# atom = "https://example.org/feed.xml"   # written as feed.xml

[export]
# Files and folders holding the records (folders are walked recursively).
inputs = {_list(answers.inputs)}
# Globs of files not to read: a file name, or a path relative to an input folder.
exclude = {_list(DEFAULT_EXCLUDE)}
# Where the feeds are written (--out).
out = {_quoted(answers.out)}
# Which feeds to write: rss, atom, json or all (--format).
formats = ["all"]
# Leave out records with `published: false` (--include-unpublished turns it off).
published_only = true
# limit = 50            # at most the N newest articles (--limit)
# since = 2024-01-01    # only articles published on or after (--since)
"""


def verify_written(text: str, path: Path) -> None:
    """Load `text` as `export` will: ConfigError if it would not work."""
    tables = tomllib.loads(text)
    found = ConfigFile(tables, path)
    build_config(tables, ConfigOverrides(), ("rss", "atom", "json"), found.name)
    export_defaults(found, path.parent)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_quoted(value) for value in values) + "]"
