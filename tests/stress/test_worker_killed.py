"""A worker process killed from outside (the OOM killer, a signal) ends the run
with a one-line reason and exit 1, no traceback, and the previous feeds kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bench.corpus import write_corpus
from exporter import collect
from exporter.cli.main import cli
from exporter.collect import PARALLEL_THRESHOLD
from exporter.export import produce
from tests.support import REPO as ROOT

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'


def dies_in_a_worker(function: Callable[..., Any]) -> Callable[..., Any]:
    parent = os.getpid()

    def run(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)  # what SIGKILL leaves: no cleanup, no result
        return function(*args, **kwargs)

    return run


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("killed") / "records", PARALLEL_THRESHOLD * 2, 3)


def test_export_keeps_the_previous_feeds(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    args = ["export", str(records), "--out", str(out), "--config", str(ROOT / "feed.toml"),
            "--jobs", "2", "--no-cache"]  # fmt: skip
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    # patched before the pool forks, so the workers inherit it (nothing is pickled)
    monkeypatch.setattr(produce, "check_file", dies_in_a_worker(produce.check_file))
    result = CliRunner().invoke(cli, [*args, "--since", "2000-01-01"])
    assert result.exit_code == 1
    assert "a worker process was killed" in result.stderr
    assert ("Traceback" not in result.stderr and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_validate_never_passes(records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect, "read_source", dies_in_a_worker(collect.read_source))
    result = CliRunner().invoke(cli, ["validate", str(records), "--jobs", "2"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("feed-exporter validate: error: a worker process was killed")
    )
    assert isinstance(result.exception, SystemExit)
