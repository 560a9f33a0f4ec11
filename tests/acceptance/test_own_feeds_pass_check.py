"""Our own feeds pass our own checker: no error and no warning, for the bundled seed
and for a few hundred generated records full of traps (HTML-looking titles, `&`,
quotes, non-ASCII, Markdown bodies, related items, several images). The one
warning records can ask for by their dates alone, two Atom entries with one
`<updated>`, is reported by the export as `check` reports it, records named."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bench.corpus import write_corpus
from exporter.check.checker import check_path
from exporter.check.context import CheckContext
from exporter.cli.main import cli
from tests.support import REPO

BASE = "https://example.org/feeds/"
FILES = {"rss.xml": "rss", "atom.xml": "atom", "feed.json": "json"}


def export(records: Path, out: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["export", str(records), "--out", str(out), "--config", str(REPO / "feed.toml"), "-q"],
    )
    assert result.exit_code == 0, result.output


def findings(out: Path) -> dict[str, list[str]]:
    return {
        name: [
            f"{p.rule}: {p.message}"
            for p in check_path(str(out / name), CheckContext(source=name, base=BASE + name))
        ]
        for name in FILES
    }


def test_seed_feeds_have_no_findings(tmp_path: Path) -> None:
    export(REPO / "seeds", tmp_path)
    assert findings(tmp_path) == {name: [] for name in FILES}


def test_generated_corpus_feeds_have_no_findings(tmp_path: Path) -> None:
    records = write_corpus(tmp_path / "records", 300, seed=7)
    export(records, tmp_path / "out")
    assert findings(tmp_path / "out") == {name: [] for name in FILES}
    atom = (tmp_path / "out" / "atom.xml").read_text(encoding="utf-8")
    assert atom.count("<entry>") == 300
    assert 'type="html"' in atom, "the corpus holds tag-like titles: escaped-HTML path taken"


def _records(folder: Path, dates: list[tuple[str, str | None]]) -> Path:
    """One JSON Lines file: post N has the (published, modified) dates dates[N]."""
    folder.mkdir()
    records = []
    for index, (published, modified) in enumerate(dates):
        record = {
            "title": f"Post {index}",
            "webUrl": f"https://example.org/posts/{index}",
            "publishedDateTime": published,
            "excerpt": f"Post {index}.",
        }
        if modified is not None:
            record["modifiedDateTime"] = modified
        records.append(json.dumps(record) + "\n")
    (folder / "posts.jsonl").write_text("".join(records), encoding="utf-8")
    return folder


def _entry_lines(atom: Path) -> list[int]:
    text = atom.read_text(encoding="utf-8")
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "<entry>"]


def test_records_changed_in_one_second_get_the_atom_warning_with_the_records_named(
    tmp_path: Path,
) -> None:
    # Posts 0 and 1 were published in one second; post 2 was edited in it (another offset).
    dates = [("2024-03-01T09:00:00Z", None)] * 2
    dates += [("2024-01-01T08:00:00Z", "2024-03-01T10:00:00+01:00")]
    records = _records(tmp_path / "records", dates)
    out = tmp_path / "out"
    config = str(REPO / "feed.toml")
    result = CliRunner().invoke(
        cli, ["export", str(records), "--out", str(out), "--config", config, "-o", "json"]
    )
    assert result.exit_code == 0, result.output
    # Written with the records' own dates; `check` finds in atom.xml what export said.
    first, *later = _entry_lines(out / "atom.xml")
    message = (
        "This entry's <updated> '2024-03-01T09:00:00+00:00' is the same as the entry's on "
        f"line {first}, as if both changed in the same second: give each entry the moment "
        "it last changed (nothing needs fixing if they did)."
    )
    assert findings(out) == {
        "rss.xml": [],
        "atom.xml": [f"atom-duplicate-updated: {message}"] * 2,
        "feed.json": [],
    }
    reported = json.loads(result.stderr)["problems"]
    assert [(p["path"], p["line"], p["severity"], p["message"]) for p in reported] == [
        ("atom.xml", line, "warning", message) for line in later
    ]
    source = str(records / "posts.jsonl")
    assert [p["hint"] for p in reported] == [
        f"the records https://example.org/posts/0 in {source} and https://example.org/posts/{n}"
        f" in {source} have this date: set their modifiedDateTime (or publishedDateTime) to "
        "when each really changed"
        for n in (1, 2)
    ]


def test_records_one_second_apart_draw_no_warning(tmp_path: Path) -> None:
    dates = [("2024-03-01T09:00:00Z", None), ("2024-03-01T09:00:01Z", None)]
    records = _records(tmp_path / "records", dates)
    export(records, tmp_path / "out")
    assert findings(tmp_path / "out") == {name: [] for name in FILES}


def test_records_with_only_a_title_have_no_findings(tmp_path: Path) -> None:
    """Neither excerpt nor body (issue 13): Atom carries the title as its summary
    (no MissingTextualContent), JSON Feed an empty content_text; no finding."""
    records = tmp_path / "records"
    records.mkdir()
    for index in range(2):
        (records / f"{index}.md").write_text(
            f"---\ntitle: Only a title {index}\npublishedDateTime: 2024-01-0{index + 1}T00:00:00Z\n"
            f"webUrl: https://example.org/{index}\n---\n",
            encoding="utf-8",
        )
    export(records, tmp_path / "out")
    assert findings(tmp_path / "out") == {name: [] for name in FILES}
    feed = (tmp_path / "out" / "feed.json").read_text(encoding="utf-8")
    assert '"content_text": ""' in feed
    assert (tmp_path / "out" / "rss.xml").read_text(encoding="utf-8").count("<description>") == 1
