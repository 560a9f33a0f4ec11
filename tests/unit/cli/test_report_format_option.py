"""`-o` is the report format; `-o feed.xml` says so (issue 13: on export, -o,
--output and --out were easy to confuse, and click's error did not help)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli


@pytest.mark.parametrize("value", ["feed.xml", "output/", "-", "public/atom.xml"])
def test_export_with_a_file_name_for_o_is_a_targeted_usage_error(value: str) -> None:
    result = CliRunner().invoke(cli, ["export", "-o", value])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert f"{value!r} looks like a file name, but -o is the report format " in message
    assert "(text|json|github|junit); to write a feed use --out DIR or --output -" in message


def test_validate_with_a_file_name_for_o_says_to_redirect() -> None:
    result = CliRunner().invoke(cli, ["validate", "-o", "report.xml"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "-o is the report format (text|json|github|junit)" in message
    assert "redirect it: > FILE" in message


def test_diff_names_its_own_formats() -> None:
    result = CliRunner().invoke(cli, ["diff", "a", "b", "-o", "diff.json"])
    assert result.exit_code == 2
    assert "(text|json|github)" in " ".join(result.stderr.split())


def test_a_word_that_is_no_file_name_gets_the_usual_choice_error() -> None:
    result = CliRunner().invoke(cli, ["export", "-o", "yaml"])
    assert result.exit_code == 2
    assert "'yaml' is not one of" in result.stderr


def test_export_help_says_what_o_output_and_out_are() -> None:
    text = " ".join(CliRunner().invoke(cli, ["export", "--help"]).output.split())
    assert "Not a feed file: feeds go to --out DIR, or to standard output with --output -" in text
    assert "(-o is the report format)" in text
    assert "feeds to --out DIR (default: out of [export], else output/)" in text
