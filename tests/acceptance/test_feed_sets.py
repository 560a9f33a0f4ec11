"""Feed sets and archives, end to end: every file passes `check` with no finding,
readers following the links get every entry once, a new record rewrites only the
files that hold it, and the bytes do not depend on --jobs or the cache."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import feedparser
import listparser
import pytest
import yaml
from click.testing import CliRunner

from bench.corpus import generate
from exporter.cli.main import cli

BASE = "https://example.org/feeds/"
CONFIG = f"""\
[feed]
title = "Sets"
description = "A feed per topic, provider and category."
site_url = "https://example.org/"
base_url = "{BASE}"
archive = 20

[feed.author]
name = "Site"

[sets.topics]
by = "topics"
path = "topics/{{slug}}/"
limit = 8
archive = 10

[sets.providers]
by = "provider"
path = "providers/{{slug}}/"
title = "{{key}} on {{title}}"

[sets.categories]
by = "category"
path = "section/{{slug}}/"
"""


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sets")
    records = root / "records"
    records.mkdir()
    for name, text in generate(70, seed=11):
        (records / name).write_text(text, encoding="utf-8")
    (root / "feed.toml").write_text(CONFIG, encoding="utf-8")
    code, err = run("export", str(records), "--out", str(root / "out"), "--config",
                    str(root / "feed.toml"), "--cache-dir", str(root / "cache"), "-q")  # fmt: skip
    assert code == 0, err
    return root


INDEX = ("index.opml", "feeds.html")


def _files(out: Path, index: bool = True) -> dict[str, bytes]:
    """Every file written under `out` (the discovery index too, unless not `index`)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith(".") and (index or path.name not in INDEX)
    }


def _parsed(out: Path, name: str) -> feedparser.FeedParserDict:
    return feedparser.parse((out / name).read_bytes())


def _link(parsed: feedparser.FeedParserDict, rel: str) -> str | None:
    found = [link["href"] for link in parsed.feed.get("links", []) if link.get("rel") == rel]
    assert len(found) <= 1
    return found[0] if found else None


def _records(site: Path) -> dict[str, dict[str, object]]:
    """Each record's webUrl -> its front matter, read here without the exporter."""
    found = {}
    for path in sorted((site / "records").iterdir()):
        fields = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        found[fields["webUrl"]] = fields
    return found


def test_every_file_passes_check_with_no_finding(site: Path) -> None:
    out = site / "out"
    code, err = run("check", str(out), "--base", BASE)
    assert code == 0, err
    assert "0 errors, 0 warnings" in err
    names = _files(out)
    assert {"rss.xml", "atom.xml", "feed.json", "archive/1/atom.xml", *INDEX} <= set(names)
    assert any(n.startswith("topics/") and n.endswith("/archive/1/rss.xml") for n in names)
    assert any(n.startswith("providers/") for n in names)
    assert any(n.startswith("section/") for n in names)


def _chain(out: Path, name: str) -> list[feedparser.FeedParserDict]:
    """The subscription document `name`, then every page its prev-archive links reach."""
    chain = [_parsed(out, name)]
    while (older := _link(chain[-1], "prev-archive")) is not None:
        assert older.startswith(BASE)
        chain.append(_parsed(out, older[len(BASE) :]))
        assert b"<fh:archive/>" in (out / older[len(BASE) :]).read_bytes()
        assert _link(chain[-1], "current") == BASE + name
    archived = [e.id for page in chain[1:] for e in page.entries]
    assert len(archived) == len(set(archived)), "an entry in two archive pages"
    return chain


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_xml_readers_following_prev_archive_get_every_entry_once(site: Path, name: str) -> None:
    chain = _chain(site / "out", name)
    assert len(chain) == 1 + 70 // 20
    assert {e.id for page in chain for e in page.entries} == set(_records(site))


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_each_topic_archive_gives_every_record_of_its_topic(site: Path, name: str) -> None:
    out = site / "out"
    members: dict[str, set[str]] = {}
    for url, fields in _records(site).items():
        for topic in fields["topics"]:  # type: ignore[attr-defined]
            members.setdefault(topic, set()).add(url)
    assert any(len(urls) >= 10 for urls in members.values())  # some topic has archive pages
    for topic, urls in members.items():
        chain = _chain(out, f"topics/{topic.lower().replace(' ', '-')}/{name}")
        assert len(chain) == 1 + len(urls) // 10
        assert {e.id for page in chain for e in page.entries} == urls


def test_json_feed_pages_chain_with_next_url(site: Path) -> None:
    out = site / "out"
    pages = [json.loads((out / "feed.json").read_bytes())]
    while "next_url" in pages[-1]:
        pages.append(json.loads((out / pages[-1]["next_url"][len(BASE) :]).read_bytes()))
    ids = [item["id"] for page in pages[1:] for item in page["items"]]
    assert len(ids) == len(set(ids)) == 60
    assert {item["id"] for page in pages for item in page["items"]} == set(_records(site))


def test_each_set_feed_holds_the_newest_records_of_its_value(site: Path) -> None:
    out = site / "out"
    records = _records(site)
    by_topic: dict[str, list[tuple[datetime, str]]] = {}
    for url, fields in records.items():
        published = datetime.fromisoformat(str(fields["publishedDateTime"]).replace("Z", "+00:00"))
        for topic in fields["topics"]:  # type: ignore[attr-defined]
            by_topic.setdefault(topic, []).append((published, url))
    for topic, members in by_topic.items():
        folder = f"topics/{topic.lower().replace(' ', '-')}/"
        parsed = _parsed(out, folder + "atom.xml")
        # the newest 8 (its limit), or all that no full archive page of 10 holds
        keep = max(8, len(members) % 10)
        newest = [url for _, url in sorted(members, key=lambda m: (-m[0].timestamp(), m[1]))[:keep]]
        assert [e.id for e in parsed.entries] == newest
        assert parsed.feed.title == f"Sets: {topic}"
        assert _link(parsed, "self") == BASE + folder + "atom.xml"
    provider = next(iter(records.values()))["provider"]["name"]  # type: ignore[index]
    slug = provider.lower().replace(" ", "-")
    parsed = _parsed(out, f"providers/{slug}/rss.xml")
    assert parsed.feed.title == f"{provider} on Sets"
    assert parsed.entries and all(
        records[e.link]["provider"]["name"] == provider  # type: ignore[index]
        for e in parsed.entries
    )


def test_a_new_record_rewrites_only_the_files_that_hold_it(site: Path, tmp_path: Path) -> None:
    out = site / "out"
    before = _files(out)
    times = {name: os.stat(out / name).st_mtime_ns for name in before}
    for name in before:  # an old mtime, so a rewrite within the same tick shows
        os.utime(out / name, ns=(times[name] - 10**9, times[name] - 10**9))
        times[name] -= 10**9
    [(_, text)] = generate(1, seed=99)
    text = _newest(text)
    (site / "records" / "9999999.md").write_text(text, encoding="utf-8")
    try:
        code, err = _reexport(site)
        assert code == 0, err
        after = _files(out)
        changed = {n for n in after if before.get(n) != after[n]}
        touched = {n for n in after if n in times and os.stat(out / n).st_mtime_ns != times[n]}
        assert touched == changed - (set(after) - set(before))
        holding = {n for n in after if b"https://new.example/one" in after[n]}
        assert changed == holding | {"index.opml"}  # its dateModified is the new record's
        assert "feeds.html" in holding  # the newest entries of each feed are previewed
        changed -= set(INDEX)
        fields = yaml.safe_load(text.split("---")[1])
        sets = 1 + len(fields["topics"]) + 1 + 1  # main, its topics, provider, category
        assert len(changed) == 3 * sets
    finally:
        (site / "records" / "9999999.md").unlink()
        code, err = _reexport(site)
        assert code == 0, err
        assert _files(out) == before


def _reexport(site: Path) -> tuple[int, str]:
    return run("export", str(site / "records"), "--out", str(site / "out"), "--config",
               str(site / "feed.toml"), "--cache-dir", str(site / "cache"), "-q")  # fmt: skip


def _newest(text: str) -> str:
    lines = [
        "publishedDateTime: '2030-01-01T00:00:00Z'" if line.startswith("publishedDateTime:")
        else 'webUrl: "https://new.example/one"' if line.startswith("webUrl:")
        else line
        for line in text.splitlines()
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def test_the_index_lists_every_feed_a_reader_can_subscribe_to(site: Path) -> None:
    out = site / "out"
    listed = listparser.parse((out / "index.opml").read_bytes())
    assert not listed.bozo, listed.bozo_exception
    subscriptions = {
        BASE + name for name in _files(out, index=False) if "/archive/" not in f"/{name}"
    }
    assert {feed.url for feed in listed.feeds} == subscriptions
    assert len(listed.feeds) == len(subscriptions)
    page = (out / "feeds.html").read_text(encoding="utf-8")
    for url in subscriptions:
        assert f'href="{url}"' in page
    assert "<script" not in page


def test_without_sets_or_archives_there_is_no_index(site: Path, tmp_path: Path) -> None:
    config = tmp_path / "plain.toml"
    config.write_text(CONFIG.split("[sets.")[0].replace("archive = 20\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    code, err = run("export", str(site / "records"), "--out", str(out), "--config",
                    str(config), "--no-cache", "-q")  # fmt: skip
    assert code == 0, err
    assert sorted(_files(out)) == ["atom.xml", "feed.json", "rss.xml"]


def test_bytes_do_not_depend_on_jobs_or_the_cache(site: Path, tmp_path: Path) -> None:
    written = []
    for flags in (
        ("--jobs", "1", "--no-cache"),
        ("--jobs", "2", "--cache-dir", str(tmp_path / "c")),
    ):
        out = tmp_path / f"out{len(written)}"
        code, err = run("export", str(site / "records"), "--out", str(out), "--config",
                        str(site / "feed.toml"), "-q", *flags)  # fmt: skip
        assert code == 0, err
        written.append(_files(out))
    assert written[0] == written[1] == _files(site / "out")


def test_set_writes_only_the_named_sets_and_limit_reaches_every_feed(
    site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, err = run("export", str(site / "records"), "--out", str(out), "--config",
                    str(site / "feed.toml"), "--no-cache", "-q", "--set", "categories",
                    "--limit", "3", "--format", "atom")  # fmt: skip
    assert code == 0, err
    names = set(_files(out, index=False))
    assert names and all(n.endswith("atom.xml") for n in names)
    assert not any(n.startswith(("topics/", "providers/")) for n in names)
    assert any(n.startswith("section/") for n in names)
    assert "archive/1/atom.xml" not in names  # three entries fill no page of 20
    for name in names:  # at most the newest 3 in every feed, archive pages included
        assert 1 <= len(_parsed(out, name).entries) <= 3


def test_an_unknown_set_is_a_usage_error(site: Path, tmp_path: Path) -> None:
    code, err = run("export", str(site / "records"), "--out", str(tmp_path / "o"), "--config",
                    str(site / "feed.toml"), "--no-cache", "--set", "tags")  # fmt: skip
    assert code == 2
    assert "no feed set 'tags'" in err and "categories, providers, topics" in err


def test_values_sharing_a_slug_stop_the_export_with_one_line(tmp_path: Path, site: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for index, (name, text) in enumerate(generate(4, seed=5)):
        topic = "Elections" if index % 2 else "elections"
        text = text.replace("topics:\n", f"topics:\n  - {topic}\n", 1)
        (records / name).write_text(text, encoding="utf-8")
    code, err = run("export", str(records), "--out", str(tmp_path / "o"), "--config",
                    str(site / "feed.toml"), "--no-cache", "-q")  # fmt: skip
    assert code == 2
    assert "'Elections' and 'elections'" in err
    assert not (tmp_path / "o" / "atom.xml").exists()
