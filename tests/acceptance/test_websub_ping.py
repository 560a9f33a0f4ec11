"""WebSub end to end: `hubs` in feed.toml names the hubs in every feed written,
and `export --ping` tells each hub, after the write, about exactly the feeds
whose bytes changed. The hubs are real HTTP servers on 127.0.0.1 (no mocks);
the tests count what they received."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import orjson
from click.testing import CliRunner

from exporter.cli.main import cli
from tests.support import LocalHub, SilentHub

BASE = "https://example.org/feeds/"
CONFIG = """\
[feed]
title = "Hubbed"
description = "Feeds that tell their hubs."
site_url = "https://example.org/"
base_url = "{base}"
hubs = [{hubs}]
{extra}
[feed.author]
name = "Site Author"
"""
SETS = """\
archive = 1

[sets.topics]
by = "topics"
"""
MAIN = ("rss.xml", "atom.xml", "feed.json")


class Site:
    """Records, feed.toml, --out and a cache in a temporary folder."""

    def __init__(self, root: Path, hubs: list[str], extra: str = "") -> None:
        self.root = root
        self.out = root / "out"
        self.records = root / "records"
        self.records.mkdir(parents=True)
        self.config = root / "feed.toml"
        listed = ", ".join(json.dumps(hub) for hub in hubs)
        self.config.write_text(CONFIG.format(base=BASE, hubs=listed, extra=extra), "utf-8")
        self.write_record("a", "Alpha", "2024-03-01T10:00:00Z", ["x"])
        self.write_record("b", "Beta", "2024-03-02T10:00:00Z", ["y"])

    def write_record(self, name: str, title: str, published: str, topics: list[str]) -> None:
        record = {
            "title": title,
            "webUrl": f"https://example.org/{name}",
            "publishedDateTime": published,
            "excerpt": f"About {title}.",
            "topics": topics,
        }
        (self.records / f"{name}.json").write_bytes(orjson.dumps(record))

    def export(self, *flags: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            cli,
            [
                "export", str(self.records), "--out", str(self.out), "--config", str(self.config),
                "--cache-dir", str(self.root / "cache"), "--jobs", "1", *flags,
            ],
        )  # fmt: skip
        return result.exit_code, result.stderr

    def feeds(self) -> dict[str, bytes]:
        return {
            str(path.relative_to(self.out)): path.read_bytes()
            for path in sorted(self.out.rglob("*"))
            if path.name in MAIN
        }


def urls(*names: str) -> list[str]:
    return sorted(BASE + name for name in names)


def test_each_hub_hears_of_each_changed_feed_once_and_of_nothing_unchanged(
    tmp_path: Path, start_hub: Callable[..., LocalHub]
) -> None:
    first, second = start_hub(), start_hub()
    site = Site(tmp_path, [first.url, second.url], SETS)
    code, stderr = site.export("--ping")
    assert code == 0, stderr
    written = sorted(site.feeds())
    # main feed, its archive pages and the topic feeds: every feed is new
    assert len(written) == 5 * 3 and "topics/x/atom.xml" in written
    for hub in (first, second):
        assert sorted(hub.notified) == urls(*written)
        assert {r.content_type for r in hub.requests} == {"application/x-www-form-urlencoded"}
        assert all(r.form["hub.mode"] == ["publish"] and r.path == "/hub" for r in hub.requests)
    assert "30 of 30 hub notifications sent" in stderr

    # nothing changed: nothing written, nobody told
    code, stderr = site.export("--ping")
    assert code == 0, stderr
    assert len(first.requests) == len(second.requests) == 15
    assert "no feed changed, no hub notified" in stderr

    # one record edited: only the feeds that hold it (main, its archive page, topic y)
    before = site.feeds()
    site.write_record("b", "Beta, edited", "2024-03-02T10:00:00Z", ["y"])
    code, stderr = site.export("--ping")
    assert code == 0, stderr
    changed = [name for name, data in site.feeds().items() if before[name] != data]
    assert sorted(changed) == [
        "archive/2/atom.xml", "archive/2/feed.json", "archive/2/rss.xml",
        "atom.xml", "feed.json", "rss.xml",
        "topics/y/atom.xml", "topics/y/feed.json", "topics/y/rss.xml",
    ]  # fmt: skip
    for hub in (first, second):
        assert sorted(hub.notified[15:]) == urls(*changed)


def test_without_ping_no_hub_is_told(tmp_path: Path, start_hub: Callable[..., LocalHub]) -> None:
    hub = start_hub()
    site = Site(tmp_path, [hub.url])
    code, stderr = site.export()
    assert code == 0, stderr
    assert hub.requests == []
    assert "hub notification" not in stderr


def test_a_hub_answering_500_is_retried_then_one_line_and_exit_4(
    tmp_path: Path, start_hub: Callable[..., LocalHub]
) -> None:
    broken, working = start_hub(500), start_hub()
    site = Site(tmp_path, [broken.url, working.url])
    code, stderr = site.export("--ping", "--format", "atom")
    assert code == 4, stderr
    assert broken.notified == [BASE + "atom.xml"] * 3  # three attempts, then it gives up
    assert working.notified == [BASE + "atom.xml"]  # the other hub is still told
    failures = [line for line in stderr.splitlines() if "export-ping-failed" in line]
    assert failures == [
        f"{site.out / 'atom.xml'}: error [export-ping-failed] hub {broken.url} was not "
        f"notified that {BASE}atom.xml changed: HTTP 500 Internal Server Error after 3 attempts"
    ]
    assert "1 of 2 hub notifications sent" in stderr
    # the feed is written, and stays: the next run finds it current and pings nothing
    data = (site.out / "atom.xml").read_bytes()
    assert data.count(broken.url.encode()) == 1
    code, stderr = site.export("--ping", "--format", "atom")
    assert code == 0, stderr
    assert (site.out / "atom.xml").read_bytes() == data
    assert len(broken.requests) == 3


def test_a_hub_refusing_with_4xx_is_not_retried(
    tmp_path: Path, start_hub: Callable[..., LocalHub]
) -> None:
    refusing = start_hub(403)
    site = Site(tmp_path, [refusing.url])
    code, stderr = site.export("--ping", "--format", "json")
    assert code == 4, stderr
    assert len(refusing.requests) == 1
    assert "HTTP 403 Forbidden" in stderr and "attempts" not in stderr


def test_a_hub_that_never_answers_times_out(tmp_path: Path, silent_hub: SilentHub) -> None:
    site = Site(tmp_path, [silent_hub.url])
    code, stderr = site.export("--ping", "--ping-timeout", "0.2", "-f", "atom", "-f", "rss")
    assert code == 4, stderr
    failures = [line for line in stderr.splitlines() if "export-ping-failed" in line]
    assert len(failures) == 2, stderr
    assert "no answer within 0.2 s (timed out) after 3 attempts" in failures[0]
    # once the hub is known dead, its other notifications are not attempted
    assert "not sent: the hub did not answer" in failures[1]
    assert len(silent_hub.connections) == 3
    assert (site.out / "rss.xml").exists() and (site.out / "atom.xml").exists()


def test_ping_without_hubs_is_a_usage_error(tmp_path: Path) -> None:
    site = Site(tmp_path, [])
    code, stderr = site.export("--ping")
    assert code == 2
    assert "--ping needs hubs to notify" in stderr
    assert not site.out.exists()


def test_ping_with_standard_output_is_a_usage_error(tmp_path: Path) -> None:
    site = Site(tmp_path, ["https://hub.example/"])
    code, stderr = site.export("--ping", "--format", "atom", "--output", "-")
    assert code == 2 and "--ping" in stderr


def test_every_feed_written_names_the_hubs_and_passes_check(tmp_path: Path) -> None:
    """Main feed, archive pages and set feeds; read back with feedparser and json."""
    hubs = ["https://hub.example/", "https://other.example/websub?topic=feeds"]
    site = Site(tmp_path, hubs, SETS)
    code, stderr = site.export()
    assert code == 0, stderr
    for name, data in site.feeds().items():
        if name.endswith(".json"):
            assert json.loads(data)["hubs"] == [{"type": "WebSub", "url": hub} for hub in hubs]
        else:
            parsed = feedparser.parse(data)
            assert not parsed.bozo, name
            assert [link.href for link in parsed.feed.links if link.rel == "hub"] == hubs, name
    result = CliRunner().invoke(cli, ["check", str(site.out), "--base", BASE, "--strict"])
    assert result.exit_code == 0, result.output
    assert "(0 errors, 0 warnings)" in result.output


def test_a_hub_adds_its_link_and_nothing_else(tmp_path: Path) -> None:
    """Without hubs no hub appears (the golden files guard those bytes); with
    one, the feed differs by the hub line alone."""
    with_hubs = Site(tmp_path / "with", ["https://hub.example/"])
    without = Site(tmp_path / "without", [])
    assert with_hubs.export()[0] == without.export()[0] == 0
    hubbed = with_hubs.feeds()
    for name, data in without.feeds().items():
        if name.endswith(".json"):
            assert b'"hubs"' not in data
            document = json.loads(hubbed[name])
            assert document.pop("hubs") == [{"type": "WebSub", "url": "https://hub.example/"}]
            assert document == json.loads(data)
        else:
            assert b'rel="hub"' not in data
            lines = hubbed[name].splitlines(keepends=True)
            hub_lines = [line for line in lines if b'rel="hub"' in line]
            assert len(hub_lines) == 1
            assert b"".join(line for line in lines if line not in hub_lines) == data
