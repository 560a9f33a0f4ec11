"""Each command's --help names its exit codes, 130 for Ctrl-C among them (issue 13)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli


@pytest.mark.parametrize("command", ["init", "validate", "export", "check", "diff"])
def test_help_names_exit_code_130(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "130" in text and "(Ctrl-C" in text
