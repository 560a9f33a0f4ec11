"""Published feeds read back into entries: every field of each format, folders
paired by relative path, archive pages with their feed, hostile files as one
problem each."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from exporter.moved import Evidence, Identity, moved, same_moment
from exporter.published import chain_of, read_feed, read_published

WHEN = datetime(2024, 1, 2, 10, 0, tzinfo=UTC)
ATOM = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:feed</id><title>T</title><updated>2024-01-02T10:00:00Z</updated>
  <entry>
    <id>https://example.org/a</id>
    <title type="text">Alpha</title>
    <link href="https://example.org/a"/>
    <link rel="via" href="https://origin.example/a"/>
    <published>2024-01-02T11:00:00+01:00</published>
    <updated>2024-01-03T10:00:00Z</updated>
    <summary>Sum.</summary>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
    <category term="b"/><category term="a" scheme="urn:s"/>
  </entry>
</feed>
"""
RSS = """\
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>https://example.org/</link><description>D</description>
<item>
  <title>Alpha</title><link>https://example.org/a</link>
  <guid>https://example.org/a</guid>
  <pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate>
  <atom:link rel="via" href="https://origin.example/a"/>
  <atom:updated>2024-01-03T10:00:00Z</atom:updated>
  <description>Sum.</description><content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded>
  <category>b</category><category domain="urn:s">a</category>
</item>
<item><title>No guid</title><link>https://example.org/b</link></item>
</channel></rss>
"""
JSON = """\
{"version": "https://jsonfeed.org/version/1.1", "title": "T",
 "items": [
  {"id": "https://example.org/a", "url": "https://example.org/a", "title": "Alpha",
   "external_url": "https://origin.example/a", "date_published": "2024-01-02T10:00:00Z",
   "date_modified": "2024-01-03T10:00:00Z", "summary": "Sum.",
   "content_html": "<p>Body</p>", "tags": ["b", "a"]},
  {"id": 7, "title": "A number as id"}, {"title": "no id"}, "not an item"]}
"""


@pytest.mark.parametrize(
    ("name", "text", "line"), [("atom.xml", ATOM, 4), ("rss.xml", RSS, 4), ("feed.json", JSON, 3)]
)
def test_every_field_of_an_entry_is_read(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / "anything"
    path.write_text(text, encoding="utf-8")
    feed = read_feed(path, None)
    assert not isinstance(feed, Exception) and hasattr(feed, "entries"), feed
    assert feed.name == name  # a single file is named after its format's main feed
    entry = feed.entries[0]
    assert (entry.id, entry.title, entry.link, entry.original_url, entry.summary) == (
        "https://example.org/a", "Alpha", "https://example.org/a", "https://origin.example/a",
        "Sum.",
    )  # fmt: skip
    assert entry.published == WHEN and entry.updated == datetime(2024, 1, 3, 10, tzinfo=UTC)
    assert entry.content_hash is not None and entry.line == line
    assert entry.categories in (("a (urn:s)", "b"), ("a", "b"))


def test_rss_without_guid_is_known_by_its_link_and_entries_without_id_are_left_out(
    tmp_path: Path,
) -> None:
    (tmp_path / "rss.xml").write_text(RSS, encoding="utf-8")
    (tmp_path / "feed.json").write_text(JSON, encoding="utf-8")
    found = read_published(tmp_path)
    assert [e.id for e in found.feeds["rss.xml"].entries] == [
        "https://example.org/a",
        "https://example.org/b",
    ]
    assert [e.id for e in found.feeds["feed.json"].entries] == ["https://example.org/a", "7"]


def test_a_folder_is_read_by_relative_path_and_filtered_by_name(tmp_path: Path) -> None:
    (tmp_path / "topics" / "x" / "archive" / "2").mkdir(parents=True)
    (tmp_path / "topics" / "x" / "archive" / "2" / "atom.xml").write_text(ATOM)
    (tmp_path / "atom.xml").write_text(ATOM)
    (tmp_path / "index.opml").write_text('<opml version="2.0"><head/><body/></opml>')
    (tmp_path / ".hidden.xml").write_text(ATOM)
    assert sorted(read_published(tmp_path).feeds) == ["atom.xml", "topics/x/archive/2/atom.xml"]
    only = read_published(tmp_path, lambda name: chain_of(name) == "topics/x/atom.xml")
    assert list(only.feeds) == ["topics/x/archive/2/atom.xml"]
    assert read_published(tmp_path / "missing").feeds == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("atom.xml", "atom.xml"), ("archive/3/rss.xml", "rss.xml"),
     ("topics/ai/archive/12/feed.json", "topics/ai/feed.json"),
     ("archive/x/atom.xml", "archive/x/atom.xml")],
)  # fmt: skip
def test_an_archive_page_belongs_to_its_subscription_document(name: str, expected: str) -> None:
    assert chain_of(name) == expected


HOSTILE = {
    "bomb.xml": '<!DOCTYPE r [<!ENTITY a "'
    + "x" * 1000
    + '">'
    + "".join(f'<!ENTITY a{n} "{"&a;" * 40 if n == 0 else f"&a{n - 1};" * 40}">' for n in range(4))
    + "]><rss>&a3;</rss>",
    "deep.json": "[" * 100_000,
    "bad.json": '{"items": [',
    "binary.xml": "\x00\x01\x02",
    "empty.xml": "   \n",
}
READ_SAFELY = {  # parsed, but nothing outside the file reaches an entry
    "xxe.xml": '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<rss><channel><item><guid>&x;</guid></item></channel></rss>",
    "latin1.xml": "<rss><channel><item><guid>\udcff</guid></item></channel></rss>",
}


def test_hostile_files_are_one_problem_each_never_an_exception(tmp_path: Path) -> None:
    for name, text in {**HOSTILE, **READ_SAFELY}.items():
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    found = read_published(tmp_path, max_bytes=1_000_000)
    assert sorted(found.feeds) == sorted(READ_SAFELY)
    assert all("root:" not in e.id for f in found.feeds.values() for e in f.entries)
    assert sorted(Path(p.path).name for p in found.problems) == sorted(HOSTILE)
    assert all(p.rule == "published-unreadable" and "\n" not in p.message for p in found.problems)
    assert not any("root:" in p.message for p in found.problems)


def test_a_file_over_the_size_bound_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "atom.xml").write_text(ATOM)
    (problem,) = read_published(tmp_path / "atom.xml", max_bytes=100).problems
    assert "over the 100-byte limit" in problem.message


def test_moved_prefers_original_url_then_title_and_time_one_pair_each() -> None:
    old = [
        Identity("https://a/1", "Same title", WHEN, "https://origin/1"),
        Identity("https://a/2", "Same title", WHEN, None),
        Identity("https://a/3", "Other", WHEN, None),
    ]
    new = [
        Identity("https://b/2", "Same title", WHEN.astimezone(), None),
        Identity("https://b/1", "Renamed", WHEN, "https://origin/1"),
        Identity("https://b/3", "Other", WHEN.replace(minute=1), None),
        Identity("https://b/4", "x", None, "https://a/3"),  # names the old id as its origin
    ]
    assert moved(old, new) == [
        (m := moved(old, new))[0].__class__(0, 1, Evidence.ORIGINAL_URL),
        m[0].__class__(1, 0, Evidence.TITLE_AND_TIME),
        m[0].__class__(2, 3, Evidence.ORIGINAL_URL),
    ]
    assert same_moment(WHEN, WHEN.replace(microsecond=5)) and same_moment(None, None)
    assert not same_moment(WHEN, None)
