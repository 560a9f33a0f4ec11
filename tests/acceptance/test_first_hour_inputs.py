"""`validate --exclude` over a content folder with a README (issue 13)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from exporter.cli.main import cli

VALID = '---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n---\n'


def test_validate_exclude_skips_readme_and_drafts(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "README.md").write_text("# my posts\n", encoding="utf-8")
    (tmp_path / "drafts" / "x.md").write_text("todo\n", encoding="utf-8")
    (tmp_path / "post.md").write_text(VALID, encoding="utf-8")
    plain = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert plain.exit_code == 1
    result = CliRunner().invoke(
        cli, ["validate", str(tmp_path), "--exclude", "README.md", "--exclude", "drafts/*"]
    )
    assert result.exit_code == 0, result.output
    assert "1 record, 1 valid" in result.output
