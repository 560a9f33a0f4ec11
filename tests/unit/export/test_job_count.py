"""`--jobs N` changes how fast, never what: the same report and the same bytes
for one process and for a pool (the corpus is above the pool threshold)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bench.corpus import write_corpus
from exporter.cli.main import cli
from exporter.collect import PARALLEL_THRESHOLD, collect
from tests.support import REPO as ROOT


def test_collect_in_a_pool_equals_collect_in_process(tmp_path: Path) -> None:
    records = write_corpus(tmp_path, PARALLEL_THRESHOLD * 2, seed=11, invalid=0.2)
    one = collect([str(records)], jobs=1, keep_articles=True)
    two = collect([str(records)], jobs=2, keep_articles=True)
    assert one.problems and one.accepted, "the corpus has both valid and invalid records"
    assert (one.accepted, one.problems, one.counts()) == (two.accepted, two.problems, two.counts())


def test_validate_and_export_are_identical_for_any_job_count(tmp_path: Path) -> None:
    records = write_corpus(tmp_path / "records", PARALLEL_THRESHOLD * 2, seed=12, invalid=0.1)
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        validate = CliRunner().invoke(cli, ["validate", str(records), "--jobs", jobs])
        export = CliRunner().invoke(
            cli,
            ["export", str(records), "--out", str(out), "--config", str(ROOT / "feed.toml"),
             "--jobs", jobs, "--no-cache"],
        )  # fmt: skip
        assert validate.exit_code == 1 and export.exit_code == 0, export.stderr
        feeds = {name: (out / name).read_bytes() for name in ("rss.xml", "atom.xml", "feed.json")}
        runs[jobs] = (validate.stdout, export.stderr, feeds)
    assert runs["1"] == runs["2"]
