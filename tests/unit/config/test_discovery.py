"""Finding feed.toml: the current folder, then each folder above it up to the
repository root (the folder holding .git); outside a repository, here only."""

from __future__ import annotations

from pathlib import Path

from exporter.config_file import ConfigFile, find_config, read_config_file
from exporter.export_table import export_defaults


def test_found_in_a_folder_above_up_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "feed.toml").write_text("", encoding="utf-8")
    deep = tmp_path / "content" / "posts"
    deep.mkdir(parents=True)
    found, looked = find_config(deep)
    assert found == tmp_path.resolve() / "feed.toml"
    assert looked == [deep.resolve(), deep.parent.resolve(), tmp_path.resolve()]


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "feed.toml").write_text("", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "feed.toml").write_text("", encoding="utf-8")
    assert find_config(tmp_path / "site")[0] == (tmp_path / "site" / "feed.toml").resolve()


def test_never_above_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "feed.toml").write_text("", encoding="utf-8")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    found, looked = find_config(repository)
    assert found is None and looked == [repository.resolve()]


def test_outside_a_repository_only_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "feed.toml").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    if any((folder / ".git").exists() for folder in tmp_path.resolve().parents):
        return  # the temporary folder is inside a repository: nothing to show
    assert find_config(tmp_path / "sub")[0] is None
    assert find_config(tmp_path)[0] == (tmp_path / "feed.toml").resolve()


def test_export_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    path = tmp_path / "site" / "feed.toml"
    path.write_text('[export]\ninputs = ["content"]\nout = "public"\n', encoding="utf-8")
    found = read_config_file(path)
    defaults = export_defaults(found, cwd=tmp_path)
    assert defaults.inputs == ("site/content",)
    assert defaults.out == Path("site/public")


def test_export_defaults_without_a_file_are_empty(tmp_path: Path) -> None:
    defaults = export_defaults(ConfigFile({}, None), cwd=tmp_path)
    assert defaults.inputs == () and defaults.out is None and not defaults.published_only
