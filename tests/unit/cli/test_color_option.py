"""--color auto|always|never on every reporting command; NO_COLOR and TERM=dumb
under auto (issue 13: both were ignored, and there was no --color)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from exporter.report.text import use_color
from tests.support import REPO

BAD = "---\ntitle: Bad\npublishedDateTime: 2021-02-09\nwebUrl: 'https://e.com/bad'\n---\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def test_auto_colours_a_terminal_and_not_a_pipe(terminal_env: None) -> None:
    assert use_color(_Terminal(), None) is True
    assert use_color(io.StringIO(), None) is False


@pytest.mark.parametrize("value", ["1", "0", "false", "yes"])
def test_any_non_empty_no_color_turns_auto_off(
    terminal_env: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    assert use_color(_Terminal(), None) is False


def test_an_empty_no_color_is_not_set(terminal_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")
    assert use_color(_Terminal(), None) is True


def test_a_dumb_terminal_gets_no_colour(
    terminal_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert use_color(_Terminal(), None) is False


def test_always_and_never_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(io.StringIO(), True) is True
    monkeypatch.delenv("NO_COLOR")
    assert use_color(_Terminal(), False) is False


@pytest.mark.parametrize("command", ["validate", "export", "check", "diff"])
def test_every_reporting_command_has_the_option(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "--color [auto|always|never]" in result.output


def _validate(tmp_path: Path, *options: str) -> str:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), *options])
    assert result.exit_code == 1
    return result.stdout


def test_always_colours_even_in_a_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    output = _validate(tmp_path, "--color", "always")
    assert "\x1b[31m" in output  # the red severity, and the red summary of a failed run


def test_never_and_auto_in_a_pipe_are_plain(tmp_path: Path) -> None:
    assert "\x1b[" not in _validate(tmp_path, "--color", "never")
    assert "\x1b[" not in _validate(tmp_path)


def test_check_and_diff_colour_with_always(tmp_path: Path) -> None:
    seed_feeds = REPO / "tests" / "acceptance" / "golden"
    check = CliRunner().invoke(cli, ["check", str(seed_feeds / "atom.xml"), "--color", "always"])
    assert check.exit_code == 0, check.output
    assert "\x1b[32m" in check.stdout  # green: no finding
    diff = CliRunner().invoke(
        cli,
        ["diff", str(seed_feeds / "atom.xml"), str(seed_feeds / "atom.xml"), "--color", "always"],
    )
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.startswith("\x1b[32mCompared 1 feed:")
