"""Checks across the feeds of one folder: archive links land on files, the
prev-archive chain ends, an entry lives in one archive page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporter.check.checker import examine_path
from exporter.check.context import CheckContext
from exporter.check.folder import FolderFile, folder_problems
from exporter.problems import Problem, Severity
from tests.support import NOW, archive_document, line_with

BASE = "https://example.com/"
KINDS = ("atom", "rss")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def page(kind: str, name: str, prev: str | None, ids: tuple[str, ...], archive: bool = True) -> str:
    """An archive page (or, with archive=False, the subscription document) of a
    feed served from BASE, with links relative to the folder root."""
    links = [("prev-archive", BASE + prev)] if prev else []
    if archive:
        links.append(("current", BASE + "feed.xml"))
    markers = ("archive",) if archive else ()
    entry_ids = tuple(f"tag:example.com,2024:{value}" for value in ids)
    return archive_document(kind, BASE + name, tuple(links), markers, entry_ids)


def examine(folder: Path, base: str | None = BASE) -> tuple[list[Problem], list[FolderFile]]:
    """Each file checked as the command does, with its own URL: its problems, and
    the files with their archive facts."""
    problems, files = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        url = base + relative if base else None
        context = CheckContext(source=str(path), base=url, now=NOW)
        examined = examine_path(str(path), context, pages=True)
        problems += examined.problems
        assert examined.page is not None
        files.append(FolderFile(str(path), url, examined.page))
    return problems, files


def run(folder: Path, base: str | None = BASE) -> list[Problem]:
    """What `check FOLDER --base` adds across files."""
    return folder_problems(str(folder), base, examine(folder, base)[1])


def archive(folder: Path, kind: str) -> None:
    """feed.xml -> archive/2.xml -> archive/1.xml, the oldest."""
    write(folder, "feed.xml", page(kind, "feed.xml", "archive/2.xml", ("e3",), archive=False))
    write(folder, "archive/2.xml", page(kind, "archive/2.xml", "archive/1.xml", ("e2",)))
    write(folder, "archive/1.xml", page(kind, "archive/1.xml", None, ("e1",)))


@pytest.mark.parametrize("kind", KINDS)
def test_a_complete_archive_has_no_findings(tmp_path: Path, kind: str) -> None:
    archive(tmp_path, kind)
    assert examine(tmp_path)[0] == []
    assert run(tmp_path) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_link_to_a_missing_page_is_reported_on_the_linking_file(
    tmp_path: Path, kind: str
) -> None:
    archive(tmp_path, kind)
    (tmp_path / "archive" / "1.xml").unlink()
    problems = run(tmp_path)
    text = (tmp_path / "archive" / "2.xml").read_text()
    assert [(p.path, p.rule, p.line, p.severity) for p in problems] == [
        (
            str(tmp_path / "archive" / "2.xml"),
            "archive-link-target-missing",
            line_with(text, 'rel="prev-archive"'),
            Severity.ERROR,
        )
    ]
    assert "'archive/1.xml'" in problems[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_current_target_is_reported(tmp_path: Path, kind: str) -> None:
    archive(tmp_path, kind)
    (tmp_path / "feed.xml").unlink()
    found = {(Path(p.path).name, p.rule) for p in run(tmp_path)}
    assert found == {
        ("2.xml", "archive-link-target-missing"),
        ("1.xml", "archive-link-target-missing"),
    }


def test_targets_outside_the_folder_are_not_judged(tmp_path: Path) -> None:
    text = archive_document(
        "atom",
        BASE + "feed.xml",
        (("prev-archive", "https://elsewhere.example/archive/9.xml"),),
    )
    write(tmp_path, "feed.xml", text)
    assert run(tmp_path) == []


def test_a_target_that_climbs_out_of_the_folder_is_not_a_file_of_it(tmp_path: Path) -> None:
    """An encoded `..` names nothing in the folder: it is neither looked up nor missing."""
    (tmp_path / "site").mkdir()
    text = archive_document("atom", BASE + "feed.xml", (("prev-archive", "%2e%2e/secret.xml"),))
    write(tmp_path / "site", "feed.xml", text)
    assert run(tmp_path / "site") == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_prev_archive_cycle_is_reported_once(tmp_path: Path, kind: str) -> None:
    archive(tmp_path, kind)
    write(tmp_path, "archive/1.xml", page(kind, "archive/1.xml", "archive/2.xml", ("e1",)))
    problems = run(tmp_path)
    text = (tmp_path / "archive" / "2.xml").read_text()
    assert [(Path(p.path).name, p.rule, p.line) for p in problems] == [
        ("2.xml", "archive-cycle", line_with(text, 'rel="prev-archive"'))
    ]
    assert "archive/1.xml -> archive/2.xml -> archive/1.xml" in problems[0].message


def test_a_page_whose_prev_archive_is_itself_is_reported_in_the_page_only(tmp_path: Path) -> None:
    """archive-link-to-self already says it in the document: no second finding."""
    archive(tmp_path, "atom")
    write(tmp_path, "archive/1.xml", page("atom", "archive/1.xml", "archive/1.xml", ("e1",)))
    problems, _ = examine(tmp_path)
    assert [(Path(p.path).name, p.rule) for p in problems] == [("1.xml", "archive-link-to-self")]
    assert run(tmp_path) == []


@pytest.mark.parametrize("kind", KINDS)
def test_an_entry_in_two_archive_pages_is_a_warning_on_the_later_file(
    tmp_path: Path, kind: str
) -> None:
    archive(tmp_path, kind)
    write(tmp_path, "archive/2.xml", page(kind, "archive/2.xml", "archive/1.xml", ("e2", "e1")))
    problems = run(tmp_path)
    text = (tmp_path / "archive" / "2.xml").read_text()
    tag = "2024:e1</id>" if kind == "atom" else "2024:e1</guid>"
    assert [(Path(p.path).name, p.rule, p.line, p.severity) for p in problems] == [
        ("2.xml", "archive-duplicate-entry-id", line_with(text, tag), Severity.WARNING)
    ]
    assert "archive/1.xml" in problems[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_the_subscription_document_may_repeat_an_archived_entry(tmp_path: Path, kind: str) -> None:
    """An entry updated after it was archived comes back in the subscription feed."""
    archive(tmp_path, kind)
    write(tmp_path, "feed.xml", page(kind, "feed.xml", "archive/2.xml", ("e2",), archive=False))
    assert run(tmp_path) == []


def test_without_base_relative_links_are_followed_from_each_file(tmp_path: Path) -> None:
    write(tmp_path, "feed.xml", archive_document("atom", BASE + "feed.xml"))
    text = archive_document(
        "atom",
        BASE + "archive/2.xml",
        (("prev-archive", "1.xml"), ("current", "../feed.xml")),
        ("archive",),
    )
    write(tmp_path, "archive/2.xml", text)
    problems = run(tmp_path, base=None)
    assert [(p.rule, p.line) for p in problems] == [
        ("archive-link-target-missing", line_with(text, 'rel="prev-archive"'))
    ]


# --- JSON Feed pages --------------------------------------------------------------


def json_page(name: str, ids: tuple[str, ...], next_name: str | None) -> str:
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "home_page_url": BASE,
        "feed_url": BASE + name,
        "items": [{"id": value, "content_text": "x"} for value in ids],
    }
    if next_name:
        feed["next_url"] = BASE + next_name
    return json.dumps(feed, indent=2)


def test_json_feed_pages_follow_next_url(tmp_path: Path) -> None:
    write(tmp_path, "feed.json", json_page("feed.json", ("3", "2"), "page-2.json"))
    write(tmp_path, "page-2.json", json_page("page-2.json", ("2",), "page-3.json"))
    write(tmp_path, "page-3.json", json_page("page-3.json", ("1", "2"), "page-4.json"))
    problems = run(tmp_path)
    page_2 = (tmp_path / "page-2.json").read_text()
    page_3 = (tmp_path / "page-3.json").read_text()
    assert [(Path(p.path).name, p.rule, p.line) for p in problems] == [
        ("page-3.json", "archive-link-target-missing", line_with(page_3, '"next_url"')),
        ("page-3.json", "archive-duplicate-entry-id", line_with(page_3, '"id": "2"')),
    ]
    # feed.json, the first page, is not an archive page: its "2" is no repeat.
    assert "page-2.json" in problems[1].message
    assert '"2"' in page_2
