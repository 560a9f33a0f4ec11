"""`[sets.NAME]` and `[feed] archive` in feed.toml: every key read, every mistake one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.config import DEFAULT_SET_LIMIT, ConfigError, FeedSet, load_config

HEAD = """\
[feed]
title = "T"
description = "D"
site_url = "https://example.org/"
base_url = "https://example.org/feeds/"
{feed_extra}
[feed.author]
name = "A"
"""


def _load(tmp_path: Path, sets: str, feed_extra: str = "") -> object:
    path = tmp_path / "feed.toml"
    path.write_text(HEAD.format(feed_extra=feed_extra) + sets, encoding="utf-8")
    return load_config(path)


def test_every_key_is_read(tmp_path: Path) -> None:
    feed = _load(
        tmp_path,
        '[sets.topics]\nby = "topics"\npath = "t/{slug}/"\ntitle = "{key} news"\n'
        "limit = 20\narchive = 10\n"
        '[sets.by-provider]\nby = "provider"\n',
        feed_extra="archive = 100",
    )
    assert feed.archive == 100  # type: ignore[attr-defined]
    assert feed.sets == (  # type: ignore[attr-defined]
        FeedSet("by-provider", "provider", "by-provider/{slug}/", "{title}: {key}",
                DEFAULT_SET_LIMIT, None),
        FeedSet("topics", "topics", "t/{slug}/", "{key} news", 20, 10),
    )  # fmt: skip


def test_no_sets_by_default(tmp_path: Path) -> None:
    feed = _load(tmp_path, "")
    assert feed.sets == () and feed.archive is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ('[sets.t]\nby = "tags"\n', "sets.t.by must be one of topics, provider, category, type"),
        ('[sets.t]\nby = "topics"\npath = "t/"\n', "must be a folder holding {slug}"),
        ('[sets.t]\nby = "topics"\npath = "/t/{slug}/"\n', "relative folder inside --out"),
        ('[sets.t]\nby = "topics"\npath = "../{slug}/"\n', "relative folder inside --out"),
        ('[sets.t]\nby = "topics"\npath = "archive/{slug}/"\n', "may not start with archive/"),
        ('[sets.t]\nby = "topics"\npath = "t/{name}/{slug}"\n', "has {name}; it may use {slug}"),
        ('[sets.t]\nby = "topics"\ntitle = "{site}"\n', "has {site}; it may use {key}, {title}"),
        ('[sets.t]\nby = "topics"\nlimit = 0\n', "sets.t.limit must be a whole number"),
        ('[sets.t]\nby = "topics"\narchive = "10"\n', "sets.t.archive must be a whole number"),
        ('[sets.t]\nby = "topics"\nlimt = 5\n', "unknown key sets.t.limt"),
        ('[sets.T]\nby = "topics"\n', "a set name is lowercase"),
        (
            '[sets.a]\nby = "topics"\npath = "x/{slug}/"\n[sets.b]\nby = "provider"\n'
            'path = "x/{slug}/"\n',
            "sets.a and sets.b write to the same folder",
        ),
    ],
)
def test_a_wrong_set_is_one_line(tmp_path: Path, sets: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, sets)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_sets_and_archives_need_a_base_url(tmp_path: Path) -> None:
    path = tmp_path / "feed.toml"
    text = HEAD.format(feed_extra="archive = 10").replace(
        'base_url = "https://example.org/feeds/"\n', ""
    )
    text = text.replace("[feed.author]", '[feed.urls]\natom = "https://example.org/a.xml"\n'
                        'rss = "https://example.org/r.xml"\njson = "https://example.org/f.json"\n'
                        "[feed.author]")  # fmt: skip
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"need feed\.base_url"):
        load_config(path)
