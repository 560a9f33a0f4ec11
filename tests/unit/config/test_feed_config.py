"""feed.toml + flags -> FeedConfig; every missing or bad value is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.config import ConfigError, ConfigOverrides, load_config

MINIMAL = """
[feed]
title = "T"
description = "D"
site_url = "https://example.org/"
base_url = "https://cdn.example.org/feeds"
[feed.author]
name = "A"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repo_feed_toml_is_complete(feed_toml: Path) -> None:
    config = load_config(feed_toml)
    assert config.title == "feed-exporter sample feed"
    assert config.feed_urls == {
        "rss": "https://example.org/feeds/rss.xml",
        "atom": "https://example.org/feeds/atom.xml",
        "json": "https://example.org/feeds/feed.json",
    }
    assert config.language == "en"
    assert config.author.name == "feed-exporter sample"


def test_base_url_derives_each_feed_url_and_urls_table_wins(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + '[feed.urls]\natom = "https://x.example.org/a.atom"\n')
    config = load_config(path)
    assert config.url_for("rss") == "https://cdn.example.org/feeds/rss.xml"
    assert config.url_for("atom") == "https://x.example.org/a.atom"
    assert config.url_for("json") == "https://cdn.example.org/feeds/feed.json"


def test_flags_override_file_values(tmp_path: Path) -> None:
    overrides = ConfigOverrides(
        title="Flag title",
        site_url="https://flag.example.org/",
        feed_urls={"rss": "https://flag.example.org/rss"},
        author_name="Flag author",
        language="de-AT",
    )
    config = load_config(write(tmp_path, MINIMAL), overrides)
    assert config.title == "Flag title"
    assert config.site_url == "https://flag.example.org/"
    assert config.url_for("rss") == "https://flag.example.org/rss"
    assert config.author.name == "Flag author"
    assert config.language == "de-AT"
    assert config.description == "D"


def test_flags_alone_are_enough(tmp_path: Path) -> None:
    overrides = ConfigOverrides(
        title="T",
        description="D",
        site_url="https://e.example/",
        base_url="https://e.example/f/",
        author_name="A",
    )
    config = load_config(None, overrides, cwd=tmp_path)
    assert config.url_for("json") == "https://e.example/f/feed.json"


def test_feed_toml_in_the_working_folder_is_found(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL)
    assert load_config(None, cwd=tmp_path).title == "T"


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        ('title = "T"\n', "missing 1 required value: feed.title (--title)"),
        ('description = "D"\n', "missing 1 required value: feed.description (--description)"),
        ('site_url = "https://example.org/"\n', "missing 1 required value: feed.site_url"),
        ('name = "A"\n', "missing 1 required value: feed.author.name (--author)"),
        (
            'base_url = "https://cdn.example.org/feeds"\n',
            "missing 1 required value: feed.base_url (--base-url) or feed.urls.rss "
            "(--feed-url rss=URL)",
        ),
    ],
)
def test_missing_required_value_is_one_line(tmp_path: Path, remove: str, expected: str) -> None:
    path = write(tmp_path, MINIMAL.replace(remove, ""))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_only_the_exported_formats_need_a_url(tmp_path: Path) -> None:
    text = MINIMAL.replace('base_url = "https://cdn.example.org/feeds"\n', "")
    text += '[feed.urls]\njson = "https://e.example/feed.json"\n'
    assert load_config(write(tmp_path, text), formats=("json",)).feed_urls == {
        "json": "https://e.example/feed.json"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL.replace("https://example.org/", "/relative/"), "must be an absolute http(s) URL"),
        (MINIMAL.replace('title = "T"', 'title = ""'), "feed.title must be a non-empty string"),
        (MINIMAL.replace('title = "T"', "title = 3"), "feed.title must be a non-empty string"),
        (MINIMAL.replace('title = "T"', 'title = "T"\nlanguage = "en gb"'), "not a language tag"),
        (MINIMAL.replace('title = "T"', 'title = "T"\ntitel = "x"'), "unknown key feed.titel"),
        (MINIMAL + 'email = "nobody"\n', "is not an e-mail address"),
        (MINIMAL + "[other]\n", "unknown table or key 'other'"),
        ("[feed\n", "not valid TOML"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_a_bad_language_flag_is_named_as_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, MINIMAL), ConfigOverrides(language="en gb"))
    assert str(caught.value) == "--language 'en gb' is not a language tag like en-us"
    with pytest.raises(ConfigError) as caught:
        text = MINIMAL.replace('title = "T"', 'title = "T"\nlanguage = "x y"')
        load_config(write(tmp_path, text))
    assert "feed.toml: feed.language 'x y' is not a language tag" in str(caught.value)
