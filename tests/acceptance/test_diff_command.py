"""`feed-exporter diff OLD NEW` end to end: each kind of change, in each output
format, for each feed format, against golden files (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
FILE_NAMES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
RFC822 = {"2024-01-02": "Tue, 02 Jan 2024", "2024-01-03": "Wed, 03 Jan 2024",
          "2024-01-04": "Thu, 04 Jan 2024", "2024-01-05": "Fri, 05 Jan 2024"}  # fmt: skip


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    day: str
    summary: str = "A summary."
    via: str | None = None


BASE = (
    Item("https://example.org/alpha", "Alpha", "2024-01-02", via="https://origin.example/alpha"),
    Item("https://example.org/beta", "Beta", "2024-01-03"),
    Item("https://example.org/gamma", "Gamma", "2024-01-04"),
)
CHANGES = {
    "added": (*BASE, Item("https://example.org/delta", "Delta", "2024-01-05")),
    "removed": BASE[:2],
    "changed": (BASE[0], replace(BASE[1], title="Beta, revised", summary="Rewritten."), BASE[2]),
    "id-changed": (replace(BASE[0], id="https://example.org/2024/alpha"), *BASE[1:]),
}


def rss(items: tuple[Item, ...]) -> str:
    body = "".join(
        f"<item>\n<title>{escape(i.title)}</title>\n<link>{i.id}</link>\n"
        f'<guid isPermaLink="true">{i.id}</guid>\n<description>{i.summary}</description>\n'
        f"<pubDate>{RFC822[i.day]} 10:00:00 +0000</pubDate>\n"
        + (f'<atom:link rel="via" href="{i.via}"/>\n' if i.via else "")
        + "</item>\n"
        for i in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "<title>T</title>\n<link>https://example.org/</link>\n<description>D</description>\n"
        f"{body}</channel>\n</rss>\n"
    )


def atom(items: tuple[Item, ...]) -> str:
    body = "".join(
        f"<entry>\n<id>{i.id}</id>\n<title>{escape(i.title)}</title>\n"
        f'<link href="{i.id}"/>\n<published>{i.day}T10:00:00Z</published>\n'
        f"<updated>{i.day}T10:00:00Z</updated>\n<summary>{i.summary}</summary>\n"
        + (f'<link rel="via" href="{i.via}"/>\n' if i.via else "")
        + "</entry>\n"
        for i in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<id>https://example.org/</id>\n<title>T</title>\n<updated>2024-01-05T10:00:00Z</updated>\n"
        f"{body}</feed>\n"
    )


def jsonfeed(items: tuple[Item, ...]) -> str:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [
            {"id": i.id, "url": i.id, "title": i.title, "summary": i.summary,
             "content_text": i.summary, "date_published": f"{i.day}T10:00:00Z"}
            | ({"external_url": i.via} if i.via else {})
            for i in reversed(items)
        ],
    }  # fmt: skip
    return json.dumps(document, indent=2) + "\n"


WRITERS = {"rss": rss, "atom": atom, "json": jsonfeed}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def write_pair(root: Path, feed_format: str, change: str) -> None:
    for side, items in (("old", BASE), ("new", CHANGES[change])):
        (root / side).mkdir()
        (root / side / FILE_NAMES[feed_format]).write_text(WRITERS[feed_format](items))


@pytest.mark.parametrize("output", ["text", "json", "github"])
@pytest.mark.parametrize("feed_format", ["rss", "atom", "json"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_in_each_output_and_feed_format_matches_its_golden_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, feed_format: str, output: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write_pair(tmp_path, feed_format, change)
    code, stdout = run("old", "new", "-o", output)
    assert code == 1, stdout
    golden = GOLDEN / f"{change}.{feed_format}.{output}"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(stdout, encoding="utf-8")
    assert stdout == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("feed_format", ["rss", "atom", "json"])
def test_no_difference_exits_0(tmp_path: Path, feed_format: str) -> None:
    write_pair(tmp_path, feed_format, "changed")
    same = tmp_path / "old" / FILE_NAMES[feed_format]
    code, stdout = run(str(same), str(same))
    assert code == 0
    assert stdout == "Compared 1 feed: 0 id-changed, 0 removed, 0 changed, 0 added\n"


def test_fail_on_limits_exit_1_to_the_kinds_named(tmp_path: Path) -> None:
    write_pair(tmp_path, "atom", "added")
    old, new = str(tmp_path / "old"), str(tmp_path / "new")
    assert run(old, new)[0] == 1
    assert run(old, new, "--fail-on", "id-changed,removed")[0] == 0
    assert run(old, new, "--fail-on", "added")[0] == 1


def test_two_files_pair_whatever_their_names_and_formats(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_text(rss(BASE))
    (tmp_path / "b.json").write_text(jsonfeed(CHANGES["removed"]))
    code, stdout = run(str(tmp_path / "a.rss"), str(tmp_path / "b.json"), "-q")
    assert code == 1
    # RSS without content:encoded against JSON Feed's content_text: the content differs
    assert stdout.splitlines() == [
        f"{tmp_path / 'a.rss'}:7: warning [entry-removed] feed.json: removed "
        "https://example.org/gamma ('Gamma')",
        f"{tmp_path / 'b.json'}:13: notice [entry-changed] feed.json: "
        "https://example.org/alpha changed: content",
        f"{tmp_path / 'b.json'}:5: notice [entry-changed] feed.json: "
        "https://example.org/beta changed: content",
    ]


@pytest.mark.parametrize(
    "args",
    [["--fail-on", "typo"], ["-o", "junit"], ["--fail-on", ""]],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    write_pair(tmp_path, "atom", "added")
    assert run(str(tmp_path / "old"), str(tmp_path / "new"), *args)[0] == 2


def test_a_file_and_a_folder_or_a_missing_path_are_usage_errors(tmp_path: Path) -> None:
    write_pair(tmp_path, "atom", "added")
    assert run(str(tmp_path / "old"), str(tmp_path / "new" / "atom.xml"))[0] == 2
    assert run(str(tmp_path / "old"), str(tmp_path / "nowhere"))[0] == 2


def test_an_unreadable_feed_is_one_line_and_exit_1(tmp_path: Path) -> None:
    write_pair(tmp_path, "atom", "added")
    (tmp_path / "new" / "atom.xml").write_text("<feed><entry></feed>")
    code, stdout = run(str(tmp_path / "old"), str(tmp_path / "new"), "--fail-on", "id-changed")
    assert code == 1
    assert "error [published-unreadable] cannot compare with this feed" in stdout


def test_folders_pair_by_path_and_archive_pages_count_with_their_feed(tmp_path: Path) -> None:
    """An entry paged into `archive/1/` is still published; a set's feed is its own."""
    (tmp_path / "old" / "topics" / "x").mkdir(parents=True)
    (tmp_path / "old" / "atom.xml").write_text(atom(BASE))
    (tmp_path / "old" / "topics" / "x" / "atom.xml").write_text(atom(BASE[:1]))
    (tmp_path / "new" / "archive" / "1").mkdir(parents=True)
    (tmp_path / "new" / "topics" / "x").mkdir(parents=True)
    (tmp_path / "new" / "atom.xml").write_text(atom(CHANGES["added"][2:]))
    (tmp_path / "new" / "archive" / "1" / "atom.xml").write_text(atom(BASE[:2]))
    (tmp_path / "new" / "topics" / "x" / "atom.xml").write_text(atom(BASE[:2]))
    code, stdout = run(str(tmp_path / "old"), str(tmp_path / "new"), "-q")
    assert code == 1
    assert stdout.splitlines() == [
        f"{tmp_path / 'new' / 'atom.xml'}:6: notice [entry-added] atom.xml: added "
        "https://example.org/delta ('Delta')",
        f"{tmp_path / 'new' / 'topics' / 'x' / 'atom.xml'}:6: notice [entry-added] "
        "topics/x/atom.xml: added https://example.org/beta ('Beta')",
    ]
