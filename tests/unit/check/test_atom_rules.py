"""Atom 1.0 rules: each rule fires on a feed that breaks it, and a feed that
respects it passes clean."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.problems import Problem, Severity

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SELF = "https://example.com/feed.atom"
CONTEXT = CheckContext(source="feed.atom", base=SELF, now=NOW)
FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <title>Example</title>
  <subtitle type="html">Notes &amp;amp; more</subtitle>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2024-01-31T12:00:00Z</updated>
  <author><name>Ann</name><email>ann@example.com</email><uri>https://example.com/ann</uri></author>
  <link rel="self" type="application/atom+xml" href="https://example.com/feed.atom"/>
  <link href="https://example.com/"/>
  <icon>https://example.com/icon.png</icon>
  <generator uri="https://example.com/gen" version="1">gen</generator>
  <entry>
    <title>Post</title>
    <id>tag:example.com,2024-01-31:post-1</id>
    <updated>2024-01-31T12:00:00Z</updated>
    <published>2024-01-30T08:00:00+01:00</published>
    <link href="https://example.com/post-1"/>
    <link rel="related" href="https://example.com/post-0" title="Earlier"/>
    <link rel="via" href="https://example.org/source"/>
    <category term="news" scheme="https://example.com/tags"/>
    <summary>Short</summary>
    <content type="html">&lt;p&gt;Hello &lt;a href="https://example.com/"&gt;world&lt;/a&gt;&lt;/p&gt;</content>
    <media:content url="https://example.com/a.jpg" width="640" height="480" medium="image"
        type="image/jpeg"/>
    <media:thumbnail url="https://example.com/a-small.jpg" width="100" height="75"/>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Second <em>post</em></div></title>
    <id>https://example.com/post-2</id>
    <updated>2024-01-31T13:00:00.5Z</updated>
    <link rel="alternate" type="text/html" hreflang="en" href="https://example.com/post-2"/>
    <link rel="enclosure" type="audio/mpeg" length="1234" href="https://example.com/a.mp3"/>
    <content src="https://example.com/post-2.pdf" type="application/pdf"/>
    <summary>A PDF</summary>
  </entry>
</feed>
"""


def check(text: str, context: CheckContext = CONTEXT) -> list[Problem]:
    return check_bytes(text.encode("utf-8"), context)


def variant(old: str, new: str, count: int = 1) -> str:
    assert old in FEED, old
    return FEED.replace(old, new, count)


def test_the_reference_feed_is_clean() -> None:
    assert check(FEED) == []


# (rule, severity, old text, replacement): the replacement breaks exactly that rule.
BROKEN = [
    ("atom-missing-id", "error", "<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>", ""),
    ("atom-missing-title", "error", "<title>Post</title>", ""),
    (
        "atom-missing-updated",
        "error",
        "<updated>2024-01-31T12:00:00Z</updated>\n  <author>",
        "<author>",
    ),
    (
        "atom-missing-author",
        "error",
        "<author><name>Ann</name><email>ann@example.com</email><uri>https://example.com/ann</uri></author>",
        "",
    ),
    ("atom-missing-person-name", "error", "<name>Ann</name>", ""),
    ("atom-missing-summary", "error", "<summary>A PDF</summary>", ""),
    (
        "atom-misplaced-metadata",
        "error",
        "</entry>\n</feed>",
        "</entry>\n  <logo>https://example.com/l.png</logo>\n</feed>",
    ),
    (
        "atom-duplicate-element",
        "error",
        "<title>Post</title>",
        "<title>Post</title><title>Again</title>",
    ),
    (
        "atom-undefined-element",
        "error",
        "<title>Post</title>",
        "<title>Post</title><pubDate>x</pubDate>",
    ),
    (
        "atom-unexpected-attribute",
        "error",
        "<title>Post</title>",
        '<title mode="escaped">Post</title>',
    ),
    ("atom-unexpected-text", "error", "<title>Post</title>", "<title>Post</title> stray"),
    ("atom-id-not-absolute", "error", "<id>https://example.com/post-2</id>", "<id>/post-2</id>"),
    (
        "atom-invalid-iri",
        "error",
        'href="https://example.com/post-1"',
        'href="https://example.com/a b"',
    ),
    (
        "atom-invalid-tag-uri",
        "error",
        "tag:example.com,2024-01-31:post-1",
        "tag:example.com,2024-02-30:post-1",
    ),
    ("atom-invalid-urn", "error", "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6", "urn:a.b:1"),
    (
        "atom-invalid-uuid",
        "error",
        "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6",
        "urn:uuid:not-a-uuid",
    ),
    (
        "atom-unexpected-whitespace",
        "error",
        "<id>https://example.com/post-2</id>",
        "<id> https://example.com/post-2 </id>",
    ),
    (
        "atom-duplicate-entry-id",
        "warning",
        "<id>https://example.com/post-2</id>",
        "<id>tag:example.com,2024-01-31:post-1</id>",
    ),
    ("atom-invalid-date", "error", "2024-01-30T08:00:00+01:00", "2024-01-30 08:00:00"),
    ("atom-implausible-date", "warning", "2024-01-30T08:00:00+01:00", "2099-01-30T08:00:00+01:00"),
    (
        "atom-missing-self",
        "warning",
        '<link rel="self" type="application/atom+xml" href="https://example.com/feed.atom"/>',
        "",
    ),
    (
        "atom-self-mismatch",
        "warning",
        'href="https://example.com/feed.atom"',
        'href="https://example.com/other.atom"',
    ),
    (
        "atom-self-type",
        "warning",
        'rel="self" type="application/atom+xml"',
        'rel="self" type="text/html"',
    ),
    (
        "atom-missing-href",
        "error",
        '<link rel="via" href="https://example.org/source"/>',
        '<link rel="via"/>',
    ),
    (
        "atom-duplicate-alternate",
        "error",
        '<link href="https://example.com/post-1"/>',
        '<link href="https://example.com/post-1"/><link href="https://example.com/p1"/>',
    ),
    ("atom-unregistered-rel", "warning", 'rel="via"', 'rel="sideways"'),
    ("atom-invalid-media-type", "error", 'type="audio/mpeg"', 'type="mp3"'),
    ("atom-invalid-language", "error", 'hreflang="en"', 'hreflang="en_US!"'),
    ("atom-invalid-length", "error", 'length="1234"', 'length="-1"'),
    (
        "atom-relative-url",
        "warning",
        "<icon>https://example.com/icon.png</icon>",
        "<icon>/icon.png</icon>",
    ),
    (
        "atom-invalid-text-type",
        "error",
        "<summary>Short</summary>",
        '<summary type="text/plain">Short</summary>',
    ),
    (
        "atom-missing-xhtml-div",
        "error",
        '<div xmlns="http://www.w3.org/1999/xhtml">Second <em>post</em></div>',
        "Second post",
    ),
    (
        "atom-unescaped-markup",
        "error",
        "<summary>Short</summary>",
        "<summary>Short <b>bold</b></summary>",
    ),
    (
        "atom-not-base64",
        "error",
        '<content src="https://example.com/post-2.pdf" type="application/pdf"/>',
        '<content type="application/pdf">not base64!</content>',
    ),
    (
        "atom-html-in-text",
        "warning",
        "<summary>Short</summary>",
        "<summary>Short &lt;b&gt;bold&lt;/b&gt;</summary>",
    ),
    ("atom-security-risk", "warning", "&lt;p&gt;Hello", "&lt;p onclick='x()'&gt;Hello"),
    ("atom-invalid-email", "error", "ann@example.com", "Ann Example"),
    ("atom-empty-element", "warning", "<title>Post</title>", "<title></title>"),
    ("atom-empty-element", "warning", ">gen</generator>", "></generator>"),
    ("atom-empty-element", "warning", "<summary>Short</summary>", "<summary></summary>"),
    (
        "atom-html-in-plain-text",
        "warning",
        "<name>Ann</name>",
        "<name>&lt;b&gt;Ann&lt;/b&gt;</name>",
    ),
    ("atom-html-in-plain-text", "warning", ">gen</generator>", ">gen &amp;amp; co</generator>"),
    (
        "atom-html-fragment",
        "warning",
        '<content type="html">',
        '<content type="text/html">',
    ),
    ("atom-not-html", "warning", "&lt;/a&gt;&lt;/p&gt;</content>", "&lt;/a&gt;&lt;p</content>"),
    (
        "atom-not-html",
        "warning",
        "Second <em>post</em>",
        "Second <blink2>post</blink2>",
    ),
    ("atom-empty-attribute", "warning", 'title="Earlier"', 'title=""'),
    ("atom-missing-type", "warning", ' type="application/pdf"/>', "/>"),
    (
        "atom-not-inline",
        "warning",
        '<div xmlns="http://www.w3.org/1999/xhtml">Second <em>post</em></div>',
        "Second &lt;em&gt;post&lt;/em&gt;",
    ),
    (
        "atom-unknown-namespace",
        "warning",
        "<icon>",
        '<x:made-up xmlns:x="https://example.com/made-up-ns">1</x:made-up><icon>',
    ),
    (
        "atom-security-risk",
        "warning",
        "&lt;p&gt;Hello",
        "&lt;p style='position: absolute'&gt;Hello",
    ),
    (
        "atom-noncanonical-id",
        "warning",
        "<id>https://example.com/post-2</id>",
        "<id>HTTPS://Example.com:443/./post-%32</id>",
    ),
    (
        "atom-missing-term",
        "error",
        '<category term="news" scheme="https://example.com/tags"/>',
        "<category/>",
    ),
    (
        "atom-namespace-prefix",
        "warning",
        FEED[FEED.index("<feed") :],
        FEED[FEED.index("<feed") :]
        .replace("<", "<a:")
        .replace("<a:/", "</a:")
        .replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns:a="http://www.w3.org/2005/Atom"')
        .replace("<a:div", "<div")
        .replace("</a:div", "</div")
        .replace("<a:em", "<em")
        .replace("</a:em", "</em")
        .replace("<a:media:", "<media:")
        .replace("&lt;a:", "&lt;")
        .replace("&lt;a:/", "&lt;/"),
    ),
    (
        "atom-misplaced-extension",
        "error",
        "<icon>",
        '<trackback:ping xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">https://example.com/tb</trackback:ping><icon>',
    ),
    (
        "atom-unknown-namespace",
        "warning",
        "Second <em>post</em>",
        'Second <x:em xmlns:x="https://example.com/ns">post</x:em>',
    ),
    ("atom-schema", "error", 'width="640"', 'width="wide"'),
]


@pytest.mark.parametrize(
    ("rule", "severity", "old", "new"), BROKEN, ids=[case[0] for case in BROKEN]
)
def test_rule_fires_on_a_feed_that_breaks_it(rule: str, severity: str, old: str, new: str) -> None:
    problems = check(variant(old, new))
    found = [p for p in problems if p.rule == rule]
    assert found, [(p.rule, p.message) for p in problems]
    assert {p.severity for p in found} == {Severity(severity)}
    assert all(p.path == "feed.atom" and p.message.endswith((".", ")")) for p in found)
    if rule not in ("atom-missing-self",):
        assert all(p.line is not None for p in found), rule


def test_every_documented_atom_rule_has_a_failing_case(repo_root: Path) -> None:
    table = (repo_root / "docs" / "check-rules.md").read_text(encoding="utf-8")
    atom_section = table.split("## Atom 1.0", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(atom-[a-z0-9-]+)`", atom_section, re.MULTILINE))
    tested = {case[0] for case in BROKEN} | {"atom-missing-textual-content"} | ROOT_RULES
    tested |= {"atom-missing-content-or-alternate"}
    tested |= {"atom-incomplete-source", "atom-relative-self", "atom-extension-invalid-url"}
    tested |= {"atom-extension-invalid-value"}
    assert documented - tested == set()


# --- rules that need a whole different document ----------------------------------

ROOT_RULES = {"atom-missing-namespace", "atom-obsolete-namespace", "atom-wrong-namespace"}


@pytest.mark.parametrize(
    ("namespace", "rule"),
    [
        ("", "atom-missing-namespace"),
        (' xmlns="http://purl.org/atom/ns#"', "atom-obsolete-namespace"),
        (' xmlns="http://example.com/feed"', "atom-wrong-namespace"),
    ],
)
def test_root_namespace(namespace: str, rule: str) -> None:
    self_link = '<link rel="self" href="https://example.com/feed.atom"/>'
    problems = check(f"<feed{namespace}><title>x</title>{self_link}</feed>")
    assert [p.rule for p in problems] == [rule]
    assert problems[0].line == 1


@pytest.mark.parametrize("namespace", ["", ' xmlns="http://example.com/feed"'])
def test_a_feed_in_the_wrong_namespace_without_a_self_link_is_told_both(namespace: str) -> None:
    problems = check(f"<feed{namespace}><title>x</title></feed>")
    assert [p.rule for p in problems][1:] == ["atom-missing-self"]
    assert problems[1].severity is Severity.WARNING


def test_entry_needs_content_or_an_alternate_link() -> None:
    entry = (
        '<link rel="alternate" type="text/html" hreflang="en" href="https://example.com/post-2"/>'
    )
    content = '<content src="https://example.com/post-2.pdf" type="application/pdf"/>'
    broken = variant(entry, "").replace(content, "")
    problems = check(broken)
    assert [(p.rule, p.severity) for p in problems] == [
        ("atom-missing-content-or-alternate", Severity.ERROR)
    ]
    assert problems[0].line == FEED[: FEED.index("<title type=")].count("\n")


def test_missing_textual_content_is_a_warning_and_summary_satisfies_it() -> None:
    broken = variant("<summary>Short</summary>", "").replace(
        '<content type="html">&lt;p&gt;Hello &lt;a href="https://example.com/"&gt;world'
        "&lt;/a&gt;&lt;/p&gt;</content>",
        "",
    )
    problems = check(broken)
    assert [(p.rule, p.severity) for p in problems] == [
        ("atom-missing-textual-content", Severity.WARNING)
    ]


def test_feed_author_covers_every_entry_and_entry_author_suffices() -> None:
    no_feed_author = variant(
        "<author><name>Ann</name><email>ann@example.com</email>"
        "<uri>https://example.com/ann</uri></author>",
        "",
    )
    each_entry = no_feed_author.replace(
        "<title>Post</title>", "<title>Post</title><author><name>B</name></author>"
    ).replace("<id>https://", "<author><name>C</name></author><id>https://")
    assert check(each_entry) == []
    problems = [p.rule for p in check(no_feed_author)]
    assert problems == ["atom-missing-author", "atom-missing-author"]


def test_source_without_required_elements_is_a_warning() -> None:
    broken = variant(
        "<summary>Short</summary>", "<summary>Short</summary><source><title>S</title></source>"
    )
    rules = [(p.rule, p.severity) for p in check(broken)]
    assert rules == [("atom-incomplete-source", Severity.WARNING)] * 2
    complete = variant(
        "<summary>Short</summary>",
        "<summary>Short</summary><source><title>S</title><id>urn:x:1</id>"
        "<updated>2024-01-01T00:00:00Z</updated></source>",
    )
    assert check(complete) == []


def test_relative_self_and_xml_base() -> None:
    relative = variant('href="https://example.com/feed.atom"', 'href="feed.atom"')
    no_base = CheckContext(source="feed.atom", now=NOW)
    assert [p.rule for p in check(relative, no_base)] == ["atom-relative-self"]
    based = relative.replace("<feed ", '<feed xml:base="https://example.com/" ')
    assert check(based) == []
    assert check(based, no_base) == []


def test_relative_link_resolved_by_xml_base_passes() -> None:
    relative = variant("<icon>https://example.com/icon.png</icon>", "<icon>/icon.png</icon>")
    based = relative.replace("<feed ", '<feed xml:base="https://example.com/" ')
    assert check(based) == []


def test_known_extension_values() -> None:
    bad_license = variant(
        "<icon>",
        '<cc:license xmlns:cc="http://backend.userland.com/creativeCommonsRssModule">'
        "Attribution</cc:license><icon>",
    )
    assert [p.rule for p in check(bad_license)] == ["atom-extension-invalid-url"]
    good_license = bad_license.replace(
        "Attribution", "https://creativecommons.org/licenses/by/4.0/"
    )
    assert check(good_license) == []
    total = variant(
        "<summary>Short</summary>",
        '<summary>Short</summary><thr:total xmlns:thr="http://purl.org/syndication/thread/1.0">'
        "many</thr:total>",
    )
    assert [p.rule for p in check(total)] == ["atom-extension-invalid-value"]
    assert check(total.replace("many", "12")) == []


def test_schema_net_does_not_repeat_a_precise_rule() -> None:
    problems = check(variant("<title>Post</title>", ""))
    assert [p.rule for p in problems] == ["atom-missing-title"]


def test_entry_document_is_checked() -> None:
    entry = FEED[FEED.index("<entry>") : FEED.index("</entry>") + len("</entry>")]
    document = entry.replace(
        "<entry>",
        '<entry xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        "<author><name>A</name></author>",
    )
    assert check(document) == []
    assert [p.rule for p in check(document.replace("<title>Post</title>", ""))] == [
        "atom-missing-title"
    ]


def test_xhtml_content_with_script_is_a_security_warning() -> None:
    broken = variant("Second <em>post</em>", "Second <script>alert(1)</script>")
    problems = check(broken)
    assert [(p.rule, p.severity) for p in problems] == [("atom-security-risk", Severity.WARNING)]
    assert "<script>" in problems[0].message


def test_base64_content_is_accepted() -> None:
    inline = variant(
        '<content src="https://example.com/post-2.pdf" type="application/pdf"/>',
        '<content type="application/pdf">JVBERi0xLjQK</content>',
    )
    assert check(inline) == []


def test_relative_links_inside_content_need_xml_base() -> None:
    relative = variant('&lt;a href="https://example.com/"&gt;', '&lt;a href="/about"&gt;')
    problems = check(relative)
    assert [(p.rule, p.severity) for p in problems] == [("atom-relative-url", Severity.WARNING)]
    assert "'/about'" in problems[0].message
    based = relative.replace("<entry>", '<entry xml:base="https://example.com/">', 1)
    assert check(based) == []
    fragment = variant('&lt;a href="https://example.com/"&gt;', '&lt;a href="#top"&gt;')
    assert check(fragment) == []


def test_xml_attribute_problems_deep_in_the_feed_are_found_in_document_order() -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry>'
        '<title xml:lang="english!">t</title><bogus/></entry>'
        '<x:y xmlns:x="urn:x" xml:base="a b"/></feed>'
    )
    walk_rules = {"atom-undefined-element", "atom-invalid-language", "atom-invalid-iri"}
    # The entry's children are checked when the entry is visited, before its title.
    assert [p.rule for p in check(feed) if p.rule in walk_rules] == [
        "atom-undefined-element",
        "atom-invalid-language",
        "atom-invalid-iri",
    ]


def test_large_feed_is_checked_in_linear_time() -> None:
    """`export` verifies every feed it writes, so a quadratic rule would make big
    exports crawl (3000 entries took ~30 s when one rule rescanned the feed per
    entry; linear takes ~1-2 s)."""
    head, rest = FEED.split("<entry>", 1)
    entry = "<entry>" + rest.split("</entry>", 1)[0] + "</entry>\n"
    entries = "".join(entry.replace("post-1", f"post-{i}") for i in range(3000))
    started = time.perf_counter()
    problems = check(head + entries + "</feed>")
    elapsed = time.perf_counter() - started
    assert [p.rule for p in problems] == ["feed-too-large"]
    assert elapsed < 10
