"""The progress bar: drawn on a terminal for long runs, never when quiet or short."""

from __future__ import annotations

import io
import re
import sys

import pytest

from exporter.cli.options import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _drive(progress: Progress, total: int) -> None:
    for done in range(1, total + 1):
        progress(done, total)
    progress.close()


def test_progress_bar_on_a_terminal_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    _drive(Progress(enabled=True, label="Validating"), 60)
    assert "Validating" in terminal.getvalue()
    assert "60/60" in terminal.getvalue()
    assert "files/s" in terminal.getvalue()
    assert re.search(r"Validating: 60 files in \d+\.\d s\n$", terminal.getvalue())


@pytest.mark.parametrize(("enabled", "total"), [(False, 60), (True, 10)])
def test_no_progress_bar_when_quiet_or_short(
    monkeypatch: pytest.MonkeyPatch, enabled: bool, total: int
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    _drive(Progress(enabled=enabled, label="Validating"), total)
    assert terminal.getvalue() == ""


def test_an_interrupted_run_leaves_no_finished_looking_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 13: after Ctrl-C the bar printed "Validating: N files in X s"."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = Progress(enabled=True, label="Validating")
    for done in range(1, 31):
        progress(done, 60)
    progress.close(finished=False)
    progress.close()  # the `finally` after the interrupt: nothing more
    assert "30/60" in terminal.getvalue()
    assert "files in" not in terminal.getvalue()
