"""RSS rules of `check`: for each rule a failing feed (exact rule id and line) and
the same feed fixed (the rule is silent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.check.rss import check_rss
from exporter.problems import Problem, Severity

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SELF = "https://example.org/rss.xml"

CHANNEL = """<title>Example</title>
<link>https://example.org/</link>
<description>An example feed</description>
<language>en-us</language>
<atom:link href="https://example.org/rss.xml" rel="self" type="application/rss+xml"/>
<pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate>"""
ITEM = """<item>
<title>First</title>
<link>https://example.org/1</link>
<description>&lt;p&gt;Hello&lt;/p&gt;</description>
<guid isPermaLink="false">example-1</guid>
<pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate>
</item>"""


def build(channel: str = CHANNEL, items: str = ITEM, version: str = 'version="2.0"') -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss {version} xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"<channel>\n{channel}\n{items}\n</channel>\n</rss>\n"
    )


def run(text: str, base: str | None = SELF) -> list[Problem]:
    tree = etree.ElementTree(etree.fromstring(text.encode()))
    return check_rss(tree, CheckContext(source="feed.xml", base=base, now=NOW))


def line_containing(text: str, needle: str) -> int:
    """Line of the marker; a `#n` suffix picks its n-th occurrence."""
    needle, _, nth = needle.partition("#")
    occurrence = int(nth or 1)
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def by_rule(problems: list[Problem], rule: str) -> list[Problem]:
    return [p for p in problems if p.rule == rule]


def test_valid_feed_has_no_findings() -> None:
    assert run(build()) == []


def test_through_check_bytes_the_same_feed_is_clean() -> None:
    problems = check_bytes(build().encode(), CheckContext(source="f", base=SELF, now=NOW))
    assert problems == []


# (rule, severity, broken feed, the marker of the reported line, fixed feed)
CASES = [
    (
        "rss-missing-title",
        Severity.ERROR,
        build(CHANNEL.replace("<title>Example</title>\n", "")),
        "<channel>",
        build(),
    ),
    (
        "rss-missing-link",
        Severity.ERROR,
        build(CHANNEL.replace("<link>https://example.org/</link>\n", "")),
        "<channel>",
        build(),
    ),
    (
        "rss-missing-description",
        Severity.ERROR,
        build(CHANNEL.replace("<description>An example feed</description>\n", "")),
        "<channel>",
        build(),
    ),
    (
        "rss-item-missing-title-or-description",
        Severity.ERROR,
        build(items='<item>\n<guid isPermaLink="false">x</guid>\n</item>'),
        "<item>",
        build(items='<item>\n<title>t</title><guid isPermaLink="false">x</guid>\n</item>'),
    ),
    (
        "rss-invalid-date",
        Severity.ERROR,
        build(CHANNEL.replace("Mon, 02 Jan 2006 15:04:05 +0000", "2006-01-02T15:04:05Z")),
        "<pubDate>2006-01-02",
        build(),
    ),
    (
        "rss-date-weekday",
        Severity.ERROR,
        build(CHANNEL.replace("Mon, 02 Jan", "Tue, 02 Jan")),
        "<pubDate>Tue",
        build(),
    ),
    (
        "rss-date-problematical",
        Severity.WARNING,
        build(CHANNEL.replace("Mon, 02 Jan 2006", "Mon, 02 Jan 06")),
        "<pubDate>Mon, 02 Jan 06 ",
        build(),
    ),
    (
        "rss-date-implausible",
        Severity.WARNING,
        build(CHANNEL.replace("Mon, 02 Jan 2006", "Wed, 02 Jan 2030")),
        "2030",
        build(),
    ),
    (
        "rss-duplicate-guid",
        Severity.ERROR,
        build(items=ITEM + "\n" + ITEM),
        '<guid isPermaLink="false">example-1#2',
        build(items=ITEM + "\n" + ITEM.replace("example-1", "example-2")),
    ),
    (
        "rss-guid-not-url",
        Severity.ERROR,
        build(items=ITEM.replace('<guid isPermaLink="false">', "<guid>")),
        "<guid>example-1",
        build(),
    ),
    (
        "rss-guid-invalid-permalink",
        Severity.ERROR,
        build(items=ITEM.replace('isPermaLink="false">example-1', ">tag:example.org,2006:1")),
        "<guid >tag:",
        build(items=ITEM.replace("example-1", "tag:example.org,2006:1")),
    ),
    (
        "rss-invalid-ispermalink",
        Severity.ERROR,
        build(items=ITEM.replace('isPermaLink="false"', 'isPermaLink="no"')),
        "<guid",
        build(),
    ),
    (
        "rss-invalid-email",
        Severity.ERROR,
        build(
            items=ITEM.replace("<title>First</title>", "<title>First</title><author>Jo</author>")
        ),
        "<author>",
        build(
            items=ITEM.replace(
                "<title>First</title>", "<title>First</title><author>jo@example.org (Jo)</author>"
            )
        ),
    ),
    (
        "rss-invalid-email",
        Severity.ERROR,
        build(CHANNEL + "\n<managingEditor>Jo (jo@example.org)</managingEditor>"),
        "<managingEditor>",
        build(CHANNEL + "\n<managingEditor>jo@example.org (Jo)</managingEditor>"),
    ),
    (
        "rss-enclosure-missing-attribute",
        Severity.ERROR,
        build(items=ITEM.replace("</item>", '<enclosure url="https://e.org/a.mp3"/>\n</item>')),
        "<enclosure",
        build(
            items=ITEM.replace(
                "</item>",
                '<enclosure url="https://e.org/a.mp3" length="0" type="audio/mpeg"/>\n</item>',
            )
        ),
    ),
    (
        "rss-enclosure-invalid-length",
        Severity.ERROR,
        build(
            items=ITEM.replace(
                "</item>",
                '<enclosure url="https://e.org/a.mp3" length="-1" type="audio/mpeg"/>\n</item>',
            )
        ),
        "<enclosure",
        build(),
    ),
    (
        "rss-enclosure-invalid-type",
        Severity.ERROR,
        build(
            items=ITEM.replace(
                "</item>",
                '<enclosure url="https://e.org/a.mp3" length="1" type="mp3"/>\n</item>',
            )
        ),
        "<enclosure",
        build(),
    ),
    (
        "rss-enclosure-invalid-url",
        Severity.ERROR,
        build(
            items=ITEM.replace(
                "</item>", '<enclosure url="a.mp3" length="1" type="audio/mpeg"/>\n</item>'
            )
        ),
        "<enclosure",
        build(),
    ),
    (
        "rss-missing-self-link",
        Severity.WARNING,
        build(CHANNEL.replace('rel="self"', 'rel="alternate"')),
        "<channel>",
        build(),
    ),
    (
        "rss-self-link-mismatch",
        Severity.WARNING,
        build(CHANNEL.replace("https://example.org/rss.xml", "https://example.org/other.xml")),
        "<atom:link",
        build(),
    ),
    (
        "rss-invalid-language",
        Severity.ERROR,
        build(CHANNEL.replace("<language>en-us</language>", "<language>English</language>")),
        "<language>",
        build(),
    ),
    (
        "rss-duplicate-element",
        Severity.ERROR,
        build(CHANNEL + "\n<title>Again</title>"),
        "<title>Again",
        build(),
    ),
    (
        "rss-undefined-element",
        Severity.ERROR,
        build(items=ITEM.replace("<pubDate>", "<pubdate>").replace("</pubDate>", "</pubdate>")),
        "<pubdate>",
        build(),
    ),
    (
        "rss-invalid-url",
        Severity.ERROR,
        build(CHANNEL.replace("<link>https://example.org/</link>", "<link>example.org</link>")),
        "<link>example.org",
        build(),
    ),
    (
        "rss-missing-version",
        Severity.ERROR,
        build(version=""),
        "<rss",
        build(),
    ),
    (
        "rss-unexpected-attribute",
        Severity.ERROR,
        build(items=ITEM.replace('isPermaLink="false"', 'isPermalink="false"')),
        "<guid",
        build(),
    ),
    (
        "rss-missing-guid",
        Severity.WARNING,
        build(items=ITEM.replace('<guid isPermaLink="false">example-1</guid>\n', "")),
        "<item>",
        build(),
    ),
    (
        "rss-html-security-risk",
        Severity.WARNING,
        build(items=ITEM.replace("&lt;p&gt;Hello", "&lt;script&gt;alert(1)&lt;/script&gt;")),
        "<description>&lt;script",
        build(),
    ),
    (
        "rss-content-without-description",
        Severity.WARNING,
        build(
            items=ITEM.replace(
                "<description>&lt;p&gt;Hello&lt;/p&gt;</description>",
                "<content:encoded>&lt;p&gt;Hi&lt;/p&gt;</content:encoded>",
            )
        ),
        "<content:encoded>",
        build(),
    ),
    (
        "rss-image-invalid-width",
        Severity.ERROR,
        build(
            CHANNEL + "\n<image><url>https://example.org/a.png</url><title>Example</title>"
            "<link>https://example.org/</link>\n<width>200</width></image>"
        ),
        "<width>",
        build(
            CHANNEL + "\n<image><url>https://example.org/a.png</url><title>Example</title>"
            "<link>https://example.org/</link>\n<width>100</width></image>"
        ),
    ),
    (
        "rss-invalid-ttl",
        Severity.ERROR,
        build(CHANNEL + "\n<ttl>0</ttl>"),
        "<ttl>",
        build(CHANNEL + "\n<ttl>60</ttl>"),
    ),
    (
        "rss-duplicate-value",
        Severity.ERROR,
        build(CHANNEL + "\n<skipHours><hour>1</hour>\n<hour>1</hour></skipHours>"),
        "<hour>1</hour></skipHours>",
        build(CHANNEL + "\n<skipHours><hour>1</hour>\n<hour>2</hour></skipHours>"),
    ),
    (
        "rss-not-in-namespace",
        Severity.ERROR,
        build(CHANNEL + '\n<x:meta xmlns:x="urn:x">\n<plain>1</plain></x:meta>'),
        "<plain>",
        build(CHANNEL + '\n<x:meta xmlns:x="urn:x">\n<x:plain>1</x:plain></x:meta>'),
    ),
    (
        "rss-html-in-text",
        Severity.WARNING,
        build(
            items=ITEM.replace("<title>First</title>", "<title>&lt;b&gt;First&lt;/b&gt;</title>")
        ),
        "&lt;b&gt;First",
        build(items=ITEM.replace("<title>First</title>", "<title>First &lt; second</title>")),
    ),
    (
        "rss-html-in-text",
        Severity.WARNING,
        build(CHANNEL.replace("<title>Example</title>", "<title>Lo&amp;#239;c</title>")),
        "<title>Lo",
        build(CHANNEL.replace("<title>Example</title>", "<title>Lo&#239;c</title>")),
    ),
    (
        "rss-not-html",
        Severity.WARNING,
        build(items=ITEM.replace("&lt;p&gt;Hello&lt;/p&gt;", "&lt;scriptingNews&gt;")),
        "scriptingNews",
        build(items=ITEM.replace("&lt;p&gt;Hello&lt;/p&gt;", "&lt;em&gt;news&lt;/em&gt;")),
    ),
    (
        "rss-blank-element",
        Severity.WARNING,
        build(items=ITEM.replace(">example-1<", "><")),
        "<guid",
        build(),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "broken", "marker", "fixed"),
    CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES)],
)
def test_rule_fires_on_broken_feed_and_not_on_fixed(
    rule: str, severity: Severity, broken: str, marker: str, fixed: str
) -> None:
    found = by_rule(run(broken), rule)
    assert [(p.severity, p.line) for p in found] == [(severity, line_containing(broken, marker))]
    assert by_rule(run(fixed), rule) == []


def test_self_link_not_compared_without_base() -> None:
    feed = build(CHANNEL.replace("https://example.org/rss.xml", "https://example.org/other.xml"))
    assert by_rule(run(feed, base=None), "rss-self-link-mismatch") == []


def test_schema_reports_structure_no_specific_rule_covers() -> None:
    # media:thumbnail without url: only the RELAX NG schema knows that shape.
    feed = build(
        items=ITEM.replace(
            "</item>", '<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/"/>\n</item>'
        )
    )
    problems = run(feed)
    assert [(p.rule, p.line) for p in problems] == [
        ("rss-schema", line_containing(feed, "<media:thumbnail"))
    ]


def test_schema_stays_quiet_when_a_specific_rule_already_explains() -> None:
    problems = run(build(CHANNEL + "\n<title>Again</title>"))
    assert [p.rule for p in problems] == ["rss-duplicate-element"]


def test_non_rss_root_is_one_finding() -> None:
    tree = etree.ElementTree(etree.fromstring(b"<feed/>"))
    problems = check_rss(tree, CheckContext(source="f"))
    assert [(p.rule, p.line) for p in problems] == [("rss-root", 1)]


def test_content_encoded_before_description_is_flagged_and_after_is_not() -> None:
    content = "<content:encoded>&lt;p&gt;Hi&lt;/p&gt;</content:encoded>\n"
    before = build(items=ITEM.replace("<description>", content + "<description>"))
    after = build(items=ITEM.replace("<guid", content + "<guid"))
    found = by_rule(run(before), "rss-content-without-description")
    assert [p.line for p in found] == [line_containing(before, "<content:encoded>")]
    assert by_rule(run(after), "rss-content-without-description") == []


# CharacterData looks at the source lines, so these go through `check_bytes`.
@pytest.mark.parametrize(
    ("title", "warned"),
    [
        ("&amp;&lt;a", True),  # decodes to "&<a": looks like markup to a reader
        ("&amp;&lt;/", True),
        ("alpha&#x26;omega", False),  # hexadecimal references say "this is text"
        ("a &#x3C;b> &#x26;&#x26; c", False),
        ("a &lt; b &amp;&amp; c", False),  # nothing a reader could take for markup
    ],
)
def test_character_data_in_rss_plain_text(title: str, warned: bool) -> None:
    feed = build(items=ITEM.replace("<title>First</title>", f"<title>{title}</title>"))
    context = CheckContext(source="feed.xml", base=SELF, now=NOW)
    rules = [p.rule for p in check_bytes(feed.encode(), context)]
    assert rules == (["rss-character-data"] if warned else [])


def test_character_data_in_an_atom_link_title_attribute() -> None:
    link = '<atom:link rel="related" href="https://example.org/2" title="{}"/>'
    context = CheckContext(source="feed.xml", base=SELF, now=NOW)
    warned = build(items=ITEM.replace("</item>", link.format("Hi &lt;beta&gt;") + "</item>"))
    plain = build(items=ITEM.replace("</item>", link.format("Hi &#x3C;beta>") + "</item>"))
    assert [p.rule for p in check_bytes(warned.encode(), context)] == ["rss-character-data"]
    assert check_bytes(plain.encode(), context) == []


def test_character_data_is_an_rss_2_rule() -> None:
    feed = build(
        items=ITEM.replace("<title>First</title>", "<title>&amp;&lt;a</title>"),
        version='version="0.92"',
    )
    context = CheckContext(source="feed.xml", base=SELF, now=NOW)
    assert "rss-character-data" not in [p.rule for p in check_bytes(feed.encode(), context)]
