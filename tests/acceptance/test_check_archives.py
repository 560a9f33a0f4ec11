"""`feed-exporter check FOLDER --base URL` over an archived feed (RFC 5005), a paged
JSON Feed and an OPML list: findings across files, their lines, the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.check_cmd import check
from tests.support import archive_document, line_with

BASE = "https://example.com/"
OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Example" type="rss" xmlUrl="https://example.com/feed.xml"/>
  </body>
</opml>
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(check, list(args))
    return result.exit_code, result.output


def tag(value: str) -> str:
    return f"tag:example.com,2024:{value}"


@pytest.fixture
def public(tmp_path: Path) -> Path:
    """A published site: the subscription feed, two archive pages, a list."""
    (tmp_path / "archive").mkdir()
    pages = {
        "feed.xml": archive_document(
            "rss", BASE + "feed.xml", (("prev-archive", BASE + "archive/2.xml"),), (), (tag("3"),)
        ),
        "archive/2.xml": archive_document(
            "rss",
            BASE + "archive/2.xml",
            (("prev-archive", BASE + "archive/1.xml"), ("current", BASE + "feed.xml")),
            ("archive",),
            (tag("2"),),
        ),
        "archive/1.xml": archive_document(
            "rss",
            BASE + "archive/1.xml",
            (("next-archive", BASE + "archive/2.xml"), ("current", BASE + "feed.xml")),
            ("archive",),
            (tag("1"),),
        ),
        "subscriptions.opml": OPML,
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_consistent_archive_passes(public: Path) -> None:
    code, output = run(str(public), "--base", BASE)
    assert code == 0, output
    assert "Checked 4 feeds: 4 valid, 0 invalid (0 errors, 0 warnings)." in output


def test_broken_links_across_files_fail_with_file_and_line(public: Path) -> None:
    (public / "archive" / "1.xml").unlink()
    page_2 = public / "archive" / "2.xml"
    code, output = run(str(public), "--base", BASE)
    assert code == 1
    line = line_with(page_2.read_text(), 'rel="prev-archive"')
    assert f"{page_2}:{line}: error [archive-link-target-missing]" in output
    assert "Checked 3 feeds: 2 valid, 1 invalid (1 error, 0 warnings)." in output


def test_a_loop_and_a_repeated_entry_are_reported(public: Path) -> None:
    page_1 = public / "archive" / "1.xml"
    text = archive_document(
        "rss",
        BASE + "archive/1.xml",
        (("prev-archive", BASE + "archive/2.xml"), ("current", BASE + "feed.xml")),
        ("archive",),
        (tag("1"), tag("2")),
    )
    page_1.write_text(text, encoding="utf-8")
    code, output = run(str(public), "--base", BASE, "-o", "json")
    assert code == 1
    report = json.loads(output)
    found = {(Path(p["path"]).name, p["rule"], p["line"]) for p in report["problems"]}
    page_2 = (public / "archive" / "2.xml").read_text()
    assert found == {
        ("2.xml", "archive-cycle", line_with(page_2, 'rel="prev-archive"')),
        ("2.xml", "archive-duplicate-entry-id", line_with(page_2, tag("2"))),
    }


def test_a_broken_opml_list_in_the_folder_is_checked(public: Path) -> None:
    opml = public / "subscriptions.opml"
    opml.write_text(OPML.replace(' type="rss"', ""), encoding="utf-8")
    code, output = run(str(public), "--base", BASE)
    assert code == 1
    assert f"{opml}:5: error [opml-missing-type]" in output


def test_a_paged_json_feed_whose_next_page_is_missing(tmp_path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "home_page_url": BASE,
        "feed_url": BASE + "feed.json",
        "next_url": BASE + "feed-2.json",
        "items": [{"id": "1", "content_text": "x"}],
    }
    text = json.dumps(feed, indent=2)
    (tmp_path / "feed.json").write_text(text, encoding="utf-8")
    code, output = run(str(tmp_path), "--base", BASE)
    assert code == 1
    line = line_with(text, '"next_url"')
    assert f"{tmp_path / 'feed.json'}:{line}: error [archive-link-target-missing]" in output


def test_a_single_file_is_not_checked_against_its_folder(public: Path) -> None:
    """Cross-file checks need the folder: a file named alone is judged alone."""
    (public / "archive" / "1.xml").unlink()
    code, output = run(str(public / "archive" / "2.xml"), "--base", BASE + "archive/2.xml")
    assert code == 0, output
