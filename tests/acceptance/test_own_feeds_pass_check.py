"""Our own feeds pass our own checker: no error and no warning, for the bundled seed
and for a few hundred generated records full of traps (HTML-looking titles, `&`,
quotes, non-ASCII, Markdown bodies, related items, several images)."""

from __future__ import annotations

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
