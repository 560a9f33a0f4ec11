"""Reading files: size, encoding, binary, unreadable inputs, and folder walking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exporter.load.settings import DEFAULT_MAX_BYTES, LoadSettings
from exporter.load.sources import discover, load_source
from exporter.problems import Problem
from exporter.records import Record

VALID = '---\ntitle: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n---\n'


def only_problem(path: Path, settings: LoadSettings | None = None) -> Problem:
    items = load_source(str(path), settings or LoadSettings())
    assert len(items) == 1 and isinstance(items[0], Problem), items
    assert items[0].path == str(path)
    return items[0]


@pytest.mark.parametrize("suffix", [".md", ".markdown", ".txt", ".MD"])
def test_front_matter_suffixes(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_text(VALID, encoding="utf-8")
    [record] = load_source(str(path), LoadSettings())
    assert isinstance(record, Record)
    assert record.data["title"] == "T"


@pytest.mark.parametrize("name", ["notes.rst", "data.yaml", "Makefile", "a.csv"])
def test_unknown_input_type(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(VALID, encoding="utf-8")
    problem = only_problem(path)
    assert problem.rule == "unknown-input-type"
    assert problem.line is None
    assert ".md, .markdown, .txt, .json or .jsonl" in problem.message


def test_invalid_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    problem = only_problem(path)
    assert (problem.rule, problem.line) == ("encoding", 2)
    assert "0xe9" in problem.message
    assert "offset 14" in problem.message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    problem = only_problem(path)
    assert (problem.rule, problem.message) == ("empty-file", "file is empty")


@pytest.mark.parametrize("suffix", [".md", ".json", ".jsonl"])
@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf",  # a byte-order mark alone
        b"\x1c",  # str.isspace: the JSON Lines reader skips such a line
        b"\xef\xbb\xbf\n\xe2\x80\x83\r\n\xc2\x85\x1f\n",  # BOM, em space, NEL, U+001F
    ],
    ids=["bom", "file-separator", "unicode-spaces"],
)
def test_only_unicode_whitespace_is_an_empty_file_of_any_kind(
    tmp_path: Path, suffix: str, content: bytes
) -> None:
    """Not "no records" and silence: a .jsonl of such lines used to read as a file
    with nothing wrong and nothing in it, named nowhere in the report."""
    path = tmp_path / f"blank{suffix}"
    path.write_bytes(content)
    problem = only_problem(path)
    assert (problem.rule, problem.message) == ("empty-file", "file is empty")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    problem = only_problem(path)
    assert problem.rule == "binary"


def test_file_over_the_size_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text(VALID, encoding="utf-8")
    size = path.stat().st_size
    problem = only_problem(path, LoadSettings(max_bytes=size - 1))
    assert problem.rule == "too-large"
    assert f"{size:,} bytes" in problem.message
    assert "--max-file-size" in problem.message
    # exactly at the bound is fine
    [record] = load_source(str(path), LoadSettings(max_bytes=size))
    assert isinstance(record, Record)


def test_default_size_bound_is_ten_mebibytes(tmp_path: Path) -> None:
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: costs no disk
    problem = only_problem(path)
    assert problem.rule == "too-large"
    assert "10,485,761 bytes" in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_unreadable_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    problem = only_problem(path)
    assert problem.rule == "unreadable"
    assert "not a regular file" in problem.message


def test_symlink_loop_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "loop.md"
    path.symlink_to(path)
    problem = only_problem(path)
    assert problem.rule == "unreadable"
    assert problem.message.startswith("cannot read: ")


def test_folder_given_as_a_file_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    problem = only_problem(folder)
    assert problem.rule == "unreadable"


# --- folder walking ---


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(VALID, encoding="utf-8")


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "b.md",
            "a.json",
            "z/deep/c.jsonl",
            "m/x.txt",
            "m/a.markdown",
            "C.md",
            ".hidden/h.md",
            "m/.secret/s.md",
            ".dotfile.md",
            "m/.also.json",
            "notes.rst",
            "m/picture.png",
            "README",
        ],
    )
    found = [os.path.relpath(p, tmp_path) for p in discover([str(tmp_path)])]
    assert found == [
        "C.md",
        "a.json",
        "b.md",
        os.path.join("m", "a.markdown"),
        os.path.join("m", "x.txt"),
        os.path.join("z", "deep", "c.jsonl"),
    ]


def test_explicit_files_keep_their_order_and_suffix(tmp_path: Path) -> None:
    _tree(tmp_path, ["b.md", "a.rst", "d/c.md"])
    given = [str(tmp_path / "b.md"), str(tmp_path / "d"), str(tmp_path / "a.rst"), "-"]
    assert discover(given) == [str(tmp_path / "b.md"), str(tmp_path / "d" / "c.md"), given[2], "-"]


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["d/a.md", "d/b.md"])
    given = [str(tmp_path / "d" / "b.md"), str(tmp_path / "d"), str(tmp_path / "d" / ".." / "d")]
    assert discover(given) == [str(tmp_path / "d" / "b.md"), str(tmp_path / "d" / "a.md")]


# --- excluding files (--exclude, [export] exclude): issue 13 ---


def _content_folder(tmp_path: Path) -> Path:
    for name in ("README.md", "post.md", "notes/todo.md", "drafts/x.md", "posts/_index.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(VALID, encoding="utf-8")
    return tmp_path


def _relative(found: list[str], root: Path) -> list[str]:
    return [os.path.relpath(name, root).replace(os.sep, "/") for name in found]


def test_exclude_matches_the_file_name_in_any_folder(tmp_path: Path) -> None:
    root = _content_folder(tmp_path)
    found = discover([str(root)], exclude=["README.md", "_index.md"])
    assert _relative(found, root) == ["drafts/x.md", "notes/todo.md", "post.md"]


def test_exclude_matches_the_path_inside_the_walked_folder(tmp_path: Path) -> None:
    root = _content_folder(tmp_path)
    assert _relative(discover([str(root)], exclude=["drafts/*", "notes"]), root) == [
        "README.md",
        "post.md",
        "posts/_index.md",
    ]


def test_exclude_applies_to_files_named_explicitly_but_never_to_stdin(tmp_path: Path) -> None:
    root = _content_folder(tmp_path)
    readme, post = str(root / "README.md"), str(root / "post.md")
    assert discover([readme, post, "-"], exclude=("README.md", "-")) == [post, "-"]


def test_no_exclude_keeps_every_file(tmp_path: Path) -> None:
    root = _content_folder(tmp_path)
    assert len(discover([str(root)])) == 5
