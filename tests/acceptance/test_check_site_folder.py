"""`feed-exporter check public/` on a real site's folder (issue 13): files that are
evidently not feeds are skipped, one verbose line each; named, they are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.check_cmd import check
from tests.support import ATOM

SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>https://example.com/</loc></url></urlset>\n"
)
SITEMAP_INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<sitemap><loc>https://example.com/sitemap.xml</loc></sitemap></sitemapindex>"
)
MANIFEST = {
    "name": "Example",
    "short_name": "Ex",
    "start_url": "/",
    "display": "standalone",
    "icons": [{"src": "/icon.png", "sizes": "192x192", "type": "image/png"}],
}
SEARCH_INDEX = [{"title": "Post", "permalink": "https://example.com/1"}]
HTML = (
    "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>x</title></head>"
    "<body><br></body></html>"
)
OPML_BROKEN = '<?xml version="1.0"?><opml version="3.0"><head/><body/></opml>'


@pytest.fixture
def public(tmp_path: Path) -> Path:
    (tmp_path / "feed.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    (tmp_path / "sitemap-index.xml").write_text(SITEMAP_INDEX, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    (tmp_path / "index.json").write_text(json.dumps(SEARCH_INDEX), encoding="utf-8")
    (tmp_path / "data.json").write_text(json.dumps({"posts": 3}), encoding="utf-8")
    (tmp_path / "page.xml").write_text(HTML, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(check, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_site_folder_with_sitemaps_manifests_and_indexes_passes(public: Path) -> None:
    code, output, _ = run(str(public), "--base", "https://example.com/")
    assert code == 0, output
    assert "Checked 1 feed: 1 valid, 0 invalid (0 errors, 0 warnings)." in output
    assert "check-unknown-format" not in output
    assert "jsonfeed-" not in output


def test_each_skipped_file_gets_one_verbose_line(public: Path) -> None:
    code, _, err = run(str(public), "--base", "https://example.com/", "-v")
    assert code == 0
    skipped = sorted(line for line in err.splitlines() if ": skipped, " in line)
    names = [Path(line.split(":")[0]).name for line in skipped]
    assert names == sorted(
        ["sitemap.xml", "sitemap-index.xml", "manifest.json", "index.json", "data.json", "page.xml"]
    )
    assert any("manifest.json: skipped, a web app manifest" in line for line in skipped)
    assert any("sitemap.xml: skipped, a sitemap" in line for line in skipped)


def test_without_verbose_nothing_is_said_about_skipped_files(public: Path) -> None:
    _, output, err = run(str(public), "--base", "https://example.com/")
    assert "skipped" not in output + err


@pytest.mark.parametrize("name", ["sitemap.xml", "manifest.json", "index.json", "page.xml"])
def test_a_file_named_explicitly_is_still_checked(public: Path, name: str) -> None:
    code, output, _ = run(str(public / name))
    assert code == 1
    assert ("check-unknown-format" in output) or ("jsonfeed-" in output) or ("xml-" in output)


def test_broken_feeds_in_a_folder_are_still_checked(public: Path) -> None:
    (public / "subscriptions.opml").write_text(OPML_BROKEN, encoding="utf-8")
    (public / "feed.json").write_text('{"version": "https://jsonfeed.org/version/1.1"}')
    (public / "broken.json").write_text('{"version": ', encoding="utf-8")
    (public / "unknown.xml").write_text("<channel><title>x</title></channel>", encoding="utf-8")
    code, output, _ = run(str(public), "--base", "https://example.com/")
    assert code == 1
    for expected in (
        "opml-invalid-version",
        "jsonfeed-missing-title",
        "jsonfeed-syntax",
        "check-unknown-format",
    ):
        assert expected in output


@pytest.mark.parametrize(
    ("files", "said"), [(1, "1 other file skipped"), (2, "2 other files skipped")]
)
def test_a_folder_without_feeds_says_how_many_files_it_skipped(
    tmp_path: Path, files: int, said: str
) -> None:
    for number in range(files):
        (tmp_path / f"sitemap-{number}.xml").write_text(SITEMAP, encoding="utf-8")
    code, _, err = run(str(tmp_path))
    assert code == 2
    assert f"no feed files found in the given folders ({said})" in err
