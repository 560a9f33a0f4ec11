"""A new user's first hour (issue 13): `init`, discovery of feed.toml, the
[export] table, messages that name every missing value and the flag at fault,
feed files named after their URLs, and what an empty export leaves behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exporter.cli.main import cli
from tests.support import SEED

FEED = """\
[feed]
title = "Blog"
description = "Posts"
site_url = "https://blog.example.com/"
base_url = "https://blog.example.com/"
[feed.author]
name = "Ann"
"""
INIT_FLAGS = (
    "--title", "My blog", "--description", "Posts", "--site-url", "https://blog.example.com/",
    "--author", "Ann",
)  # fmt: skip


def run(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def post(folder: Path, name: str, web_url: str, published: bool = True) -> Path:
    """One Markdown record, like a hand-written post."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        "---\n"
        f"title: Post {name}\n"
        "publishedDateTime: 2024-03-01T10:00:00Z\n"
        f'webUrl: "{web_url}"\n'
        f"published: {'true' if published else 'false'}\n"
        "---\nBody.\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding a Hugo-style content folder, as the current folder."""
    (tmp_path / ".git").mkdir()
    post(tmp_path / "content" / "posts", "a.md", "https://blog.example.com/a/")
    post(tmp_path / "content" / "posts", "b.md", "https://blog.example.com/b/")
    (tmp_path / "content" / "_index.md").write_text("---\ntitle: Home\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


# init


def test_init_with_flags_writes_a_file_export_uses_at_once(site: Path) -> None:
    result = run("init", *INIT_FLAGS)  # stdin is not a terminal: no questions
    assert result.exit_code == 0, result.stderr
    text = (site / "feed.toml").read_text(encoding="utf-8")
    assert 'title = "My blog"' in text and "# --title" in text and 'inputs = ["content"]' in text
    result = run("export")
    assert result.exit_code == 0, result.stderr
    assert "2 articles exported" in result.stderr  # content/_index.md excluded
    assert sorted(p.name for p in (site / "output").iterdir()) == [
        "atom.xml", "feed.json", "rss.xml",
    ]  # fmt: skip
    assert run("validate").exit_code == 0


def test_init_asks_on_a_terminal(site: Path) -> None:
    answers = "My blog\nPosts\nhttps://blog.example.com/\nAnn\n\n\n"
    result = run("init", "--interactive", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "Feed title" in result.stderr
    assert run("export").exit_code == 0


def test_init_reprompts_for_a_bad_url_on_a_terminal(site: Path) -> None:
    answers = "My blog\nPosts\nblog.example.com\nhttps://blog.example.com/\nAnn\n\n\n"
    result = run("init", "--interactive", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "must be an absolute http(s) URL" in result.stderr


def test_init_never_overwrites_without_force(site: Path) -> None:
    (site / "feed.toml").write_text("# mine\n", encoding="utf-8")
    result = run("init", *INIT_FLAGS)
    assert result.exit_code == 2
    assert "feed.toml already exists: pass --force" in result.stderr
    assert (site / "feed.toml").read_text(encoding="utf-8") == "# mine\n"
    assert run("init", *INIT_FLAGS, "--force").exit_code == 0
    assert "My blog" in (site / "feed.toml").read_text(encoding="utf-8")


def test_init_without_a_terminal_names_every_missing_flag(site: Path) -> None:
    result = run("init", "--title", "T")
    assert result.exit_code == 2
    assert "missing --description, --site-url, --author" in result.stderr
    assert not (site / "feed.toml").exists()


def test_init_blames_a_bad_value_on_its_flag(site: Path) -> None:
    result = run("init", *INIT_FLAGS, "--base-url", "blog.example.com/feeds")
    assert result.exit_code == 2
    assert "--base-url 'blog.example.com/feeds' must be an absolute http(s) URL" in result.stderr
    assert not (site / "feed.toml").exists()


# discovery and [export]


def test_feed_toml_is_found_from_a_subfolder_and_paths_are_relative_to_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "feed.toml").write_text(
        FEED + '[export]\ninputs = ["content"]\nout = "public/feeds"\nexclude = ["_index.md"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(site / "content" / "posts")
    result = run("export")
    assert result.exit_code == 0, result.stderr
    assert (site / "public" / "feeds" / "atom.xml").is_file()
    assert not (site / "content" / "posts" / "public").exists()


def test_discovery_stops_at_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "feed.toml").write_text(FEED, encoding="utf-8")  # outside the repository
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    post(repository / "content", "a.md", "https://blog.example.com/a/")
    monkeypatch.chdir(repository / "content")
    result = run("export", ".")
    assert result.exit_code == 2
    assert f"no feed.toml found in {repository / 'content'} or above up to {repository}" in (
        result.stderr
    )


def test_export_table_sets_selection_and_formats_and_flags_override_it(site: Path) -> None:
    post(site / "content" / "posts", "c.md", "https://blog.example.com/c/", published=False)
    (site / "feed.toml").write_text(
        FEED + '[export]\ninputs = ["content/posts"]\nformats = ["json"]\n'
        "published_only = true\nlimit = 5\nsince = 2020-01-01\n",
        encoding="utf-8",
    )
    result = run("export")
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in (site / "output").iterdir()] == ["feed.json"]
    items = json.loads((site / "output" / "feed.json").read_bytes())["items"]
    assert len(items) == 2  # c.md is not published
    result = run("export", "--include-unpublished", "--limit", "1", "--format", "atom")
    assert result.exit_code == 0, result.stderr
    assert (site / "output" / "atom.xml").read_text(encoding="utf-8").count("<entry>") == 1
    result = run("export", "--include-unpublished", "--since", "2030-01-01", "-f", "json")
    assert json.loads((site / "output" / "feed.json").read_bytes())["items"] == []


def test_validate_without_paths_reads_the_export_inputs(site: Path) -> None:
    (site / "feed.toml").write_text(
        FEED + '[export]\ninputs = ["content"]\nexclude = ["_index.md"]\n', encoding="utf-8"
    )
    post(site / "content" / "posts", "dup.md", "https://blog.example.com/a/")
    result = run("validate")
    assert result.exit_code == 1
    assert "duplicate-url" in result.stdout
    assert "_index.md" not in result.stdout


def test_validate_in_a_site_without_inputs_says_where_it_looked(site: Path) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert f"no feed.toml found in {site}:" in result.stderr
    assert 'set inputs = ["content"] under [export]' in result.stderr
    assert "seeds" in result.stderr


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('formats = ["atom", "html"]', "export.formats has 'html'"),
        ("limit = -1", "export.limit must be a whole number"),
        ('published_only = "yes"', "export.published_only must be true or false"),
        ("since = 2024-01-01T10:00:00", "export.since must be a date"),
        ('since = "tomorrow"', "export.since 'tomorrow' is not a date"),
        ('outt = "x"', "unknown key export.outt"),
        ('inputs = ["missing"]', "export.inputs names 'missing', which does not exist"),
    ],
)
def test_bad_export_values_are_one_line_errors(site: Path, table: str, expected: str) -> None:
    (site / "feed.toml").write_text(FEED + "[export]\n" + table + "\n", encoding="utf-8")
    result = run("export")
    assert result.exit_code == 2
    assert expected in result.stderr


# messages


def test_every_missing_value_is_named_at_once_with_its_key_and_flag(site: Path) -> None:
    result = run("export", "content/posts", "--out", str(site / "out"))
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message
    assert "flags:" not in message
    for key, flag in [
        ("feed.title", "--title"), ("feed.description", "--description"),
        ("feed.site_url", "--site-url"), ("feed.author.name", "--author"),
        ("feed.base_url", "--base-url"),
    ]:  # fmt: skip
        assert f"{key} ({flag})" in message
    assert "missing 5 required values" in message
    assert "run `feed-exporter init`" in message
    assert not (site / "out").exists()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--site-url", "example.com"), "--site-url 'example.com' must be an absolute http(s) URL"),
        (
            ("--feed-url", "atom=ftp://x/feed.xml"),
            "--feed-url atom=URL 'ftp://x/feed.xml' must be an absolute http(s) URL",
        ),
        (("--base-url", "/feeds/"), "--base-url '/feeds/' must be an absolute http(s) URL"),
        (("--title", " "), "--title must be a non-empty string"),
    ],
)
def test_a_bad_flag_is_blamed_on_the_flag(
    site: Path, flags: tuple[str, ...], expected: str
) -> None:
    (site / "feed.toml").write_text(FEED, encoding="utf-8")
    result = run("export", "content/posts", *flags)
    assert result.exit_code == 2
    assert f"error: {expected}" in result.stderr
    assert "feed.toml" not in result.stderr


def test_an_unknown_feed_url_format_is_a_usage_error(site: Path) -> None:
    (site / "feed.toml").write_text(FEED, encoding="utf-8")
    result = run("export", "content/posts", "-f", "atom", "--feed-url", "foo=https://x.example/a")
    assert result.exit_code == 2
    assert "unknown format 'foo'" in result.stderr
    assert not (site / "output").exists()


# file names


def test_feed_files_are_named_after_their_urls(site: Path) -> None:
    (site / "feed.toml").write_text(
        FEED + '[feed.urls]\natom = "https://blog.example.com/feed.xml"\n'
        'json = "https://blog.example.com/index.json"\n',
        encoding="utf-8",
    )
    result = run("export", "content/posts")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (site / "output").iterdir()) == [
        "feed.xml", "index.json", "rss.xml",
    ]  # fmt: skip
    atom = (site / "output" / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://blog.example.com/feed.xml" rel="self"' in atom
    check = run("check", str(site / "output"))
    assert check.exit_code == 0, check.stdout
    assert run("export", "content/posts").exit_code == 0  # the id guard reads them back


def test_two_formats_on_one_file_name_is_a_config_error(site: Path) -> None:
    (site / "feed.toml").write_text(
        FEED + '[feed.urls]\natom = "https://blog.example.com/feed.xml"\n'
        'rss = "https://blog.example.com/x/feed.xml"\n',
        encoding="utf-8",
    )
    result = run("export", "content/posts")
    assert result.exit_code == 2
    assert "the rss and atom feeds would both be written to feed.xml" in result.stderr
    result = run("export", "content/posts", "--feed-url", "atom=https://blog.example.com/f/")
    assert result.exit_code == 2
    assert "--feed-url atom=URL 'https://blog.example.com/f/' must end in a file name" in (
        result.stderr
    )


# empty results


def test_no_valid_record_leaves_no_out_folder(site: Path) -> None:
    (site / "feed.toml").write_text(FEED, encoding="utf-8")
    bad = site / "bad"
    bad.mkdir()
    (bad / "x.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    result = run("export", "bad", "--out", "public/feeds")
    assert result.exit_code == 1
    assert "nothing written: no valid records" in result.stderr
    assert not (site / "public").exists()


def test_nothing_selected_writes_empty_feeds_and_says_so(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "feed.toml").write_text(FEED, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run("export", str(SEED), "--published-only")
    assert result.exit_code == 0, result.stderr
    assert "nothing selected: the feeds are written empty, dated 2023-11-14T22:13:20Z" in (
        result.stderr
    )
    assert (site / "output" / "atom.xml").is_file()


def test_exclude_flags_add_to_the_export_exclude_globs(site: Path) -> None:
    (site / "feed.toml").write_text(
        FEED + '[export]\ninputs = ["content"]\nexclude = ["_index.md"]\n', encoding="utf-8"
    )
    result = run("validate", "-v", "--exclude", "b.md")
    assert result.exit_code == 0, result.stdout
    assert "1 record" in result.stdout
    assert "_index.md" not in result.stdout + result.stderr
