"""Ctrl-C (SIGINT to the whole process group, as a terminal sends it) in the
middle of a real run: exit 130, one line saying so, no finished-looking line;
for export, every previous feed byte for byte as it was (mtime included) and no
temporary file left behind (issue 13: Ctrl-C exited 1, the code for invalid
records).

Each run is interrupted at a moment the test knows it has reached and not yet
left: once its worker processes exist (seconds before it ends), or while it is
held just before renaming its feeds into place. Waiting for a temporary file to
appear could not tell whether the renames, some 50 ms later, had already
happened on a busy machine; the instant a temporary file appears is
tests/unit/export/test_ctrl_c_temporary_files.py's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from tests.support import REPO

# ctrl_c_raises: the runs must not inherit SIGINT ignored from pytest.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ctrl_c_raises")]

RECORDS = 3000  # about 2 s of export on one core: the interrupt lands mid-run
FILES = ("rss.xml", "atom.xml", "feed.json")
NOTHING_WRITTEN = (
    "feed-exporter export: interrupted: nothing written, the previous feeds are untouched"
)


# `python -c HELD_BEFORE_RENAMES MARKER export ...`: the export, held (until
# Ctrl-C) once every temporary file is written and before the first rename; it
# creates MARKER when it gets there. Held in short sleeps: a SIGINT that lands
# after the marker but before a sleep's system call has begun only sets
# Python's flag, and one long sleep would run to its end before it is seen.
HELD_BEFORE_RENAMES = """
import sys, time
from pathlib import Path
from exporter.cli.main import main
from exporter.export import pipeline
marker = Path(sys.argv.pop(1))
deliver_all = pipeline.deliver_all
def held(sinks, stdout):
    marker.touch()
    for _ in range(6000):
        time.sleep(0.1)
    deliver_all(sinks, stdout)
pipeline.deliver_all = held
main()
"""


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "exporter", *args]


def _start(command: list[str], **options: object) -> subprocess.Popen[bytes]:
    """In its own process group, so SIGINT reaches it and its pool workers as
    Ctrl-C in a terminal would."""
    settings: dict[str, object] = {
        "cwd": REPO,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
    }
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        command, start_new_session=True, **(settings | options)
    )


def _workers(process: subprocess.Popen[bytes]) -> bool:
    try:
        return bool(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
    except OSError:
        return False


def _interrupt_when(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 120
    while process.poll() is None and not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("still running a minute after Ctrl-C") from None
    said = (stderr or b"").decode()  # None: stderr went to a file
    assert process.returncode == 130, said
    return said


def _state(out: Path) -> dict[str, tuple[bytes, int]]:
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out.iterdir()}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Feeds exported from one corpus, and a different corpus whose export
    would replace every one of them."""
    root = tmp_path_factory.mktemp("ctrl-c")
    old, new = root / "old", root / "new"
    write_corpus(old, RECORDS, seed=1)
    write_corpus(new, RECORDS, seed=2)
    done = subprocess.run(
        _command("export", str(old), "--out", str(root / "out"), "--config",
                 str(REPO / "feed.toml"), "--no-cache", "-q"),
        cwd=REPO, capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return new, root / "out"


def _export(new: Path, out: Path, *launcher: str) -> subprocess.Popen[bytes]:
    command = launcher or (sys.executable, "-m", "exporter")
    return _start(
        [*command, "export", str(new), "--out", str(out), "--config", str(REPO / "feed.toml"),
         "--no-cache", "-j", "2"]
    )  # fmt: skip


@pytest.mark.parametrize("moment", ["workers started", "temporary files written"])
def test_ctrl_c_during_export_leaves_the_previous_feeds(
    published: tuple[Path, Path], moment: str, tmp_path: Path
) -> None:
    new, out = published
    before = _state(out)
    assert set(FILES) <= set(before)
    if moment == "workers started":
        process = _export(new, out)
        stderr = _interrupt_when(lambda: _workers(process), process)
    else:
        held = tmp_path / "held before renames"
        process = _export(new, out, sys.executable, "-c", HELD_BEFORE_RENAMES, str(held))
        stderr = _interrupt_when(held.exists, process)
        assert held.exists()  # it did get there: every temporary file was written
    assert stderr.splitlines() == [NOTHING_WRITTEN]
    assert _state(out) == before  # same bytes, same mtimes, no temporary file
    assert not list(out.glob(".*.tmp"))


def test_ctrl_c_during_validate(published: tuple[Path, Path]) -> None:
    new, out = published
    corpora = [str(new), str(out.parent / "old")]  # about 2 s of checking
    process = _start(_command("validate", *corpora, "-j", "2"))
    stderr = _interrupt_when(lambda: _workers(process), process)
    assert stderr.splitlines() == ["feed-exporter validate: interrupted"]


def _waiting(process: subprocess.Popen[bytes]) -> bool:
    """Asleep (state S), which after its question means blocked reading the
    answer. A SIGINT that lands between the question and the read() call sets
    Python's flag but does not interrupt a read() not yet begun: that read()
    waits for input (a second Ctrl-C would end it), so the test waits for it."""
    try:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].startswith("S")


def test_ctrl_c_at_an_init_question(tmp_path: Path) -> None:
    """click.prompt turns Ctrl-C into its Abort ("Aborted!", exit 1). Standard
    input stays open until the end: an end of input is an Abort of its own."""
    said = tmp_path / "stderr"
    answers, typing = os.pipe()
    try:
        with said.open("wb") as stderr:
            process = _start(
                _command("init", "--interactive"), cwd=tmp_path, stdin=answers, stderr=stderr
            )

            def asked() -> bool:
                return b"Feed title" in said.read_bytes() and _waiting(process)

            _interrupt_when(asked, process)
    finally:
        os.close(answers)
        os.close(typing)
    lines = said.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "feed-exporter init: interrupted"
    assert "Aborted!" not in lines[0]
    assert not (tmp_path / "feed.toml").exists()
