"""OPML subscription lists: recognised by root or name, parsed safely, checked."""

from __future__ import annotations

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.check.families import named_family, xml_family
from exporter.check.xmldoc import parse_xml
from exporter.problems import Problem, Severity
from tests.support import NOW, line_with

OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="News">
      <outline text="Example" type="rss" xmlUrl="https://example.com/feed.xml"/>
      <outline text="Idea" type="link" url="https://example.com/idea"/>
    </outline>
  </body>
</opml>
"""
SUBSCRIPTION = '<outline text="Example" type="rss" xmlUrl="https://example.com/feed.xml"/>'


def check(text: str, source: str = "subscriptions.opml") -> list[Problem]:
    return check_bytes(text.encode(), CheckContext(source=source, now=NOW))


def findings(text: str, source: str = "subscriptions.opml") -> list[tuple[str, int | None]]:
    return [(p.rule, p.line) for p in check(text, source)]


@pytest.mark.parametrize("source", ["subscriptions.opml", "list.xml", "-"])
def test_a_valid_list_has_no_findings_whatever_its_name(source: str) -> None:
    assert check(OPML, source) == []
    assert check(OPML.replace('version="2.0"', 'version="1.0"'), source) == []


def test_opml_is_a_family_of_the_registry() -> None:
    parsed = parse_xml(OPML.encode(), CheckContext(source="x"))
    assert parsed.tree is not None
    family = xml_family(parsed.tree.getroot())
    assert family is not None and family.name == "opml"
    assert named_family("Feeds.OPML") == family
    assert named_family("feed.xml") is None


def test_a_file_named_opml_must_hold_opml() -> None:
    rss = '<rss version="2.0"><channel/></rss>'
    assert findings(rss) == [("opml-root", 1)]
    assert "opml-root" not in {rule for rule, _ in findings(rss, "feed.xml")}


def test_a_json_document_named_opml_is_not_well_formed_xml() -> None:
    assert [rule for rule, _ in findings('{"version": 1}')] == ["xml-not-well-formed"]


@pytest.mark.parametrize(
    ("old", "new", "rule", "needle"),
    [
        ('<opml version="2.0">', "<opml>", "opml-missing-version", "<opml"),
        ('version="2.0"', 'version="2.1"', "opml-invalid-version", "<opml"),
        ("<head><title>Subscriptions</title></head>", "", "opml-missing-head", "<opml"),
        ('type="rss" xmlUrl', "xmlUrl", "opml-missing-type", "Example"),
        ("https://example.com/feed.xml", "feed.xml", "opml-invalid-url", "Example"),
        ("https://example.com/feed.xml", "javascript:alert(1)", "opml-invalid-url", "Example"),
        ("https://example.com/feed.xml", "ftp://example.com/f", "opml-invalid-url", "Example"),
        ("https://example.com/feed.xml", "https://exa mple.com/", "opml-invalid-url", "Example"),
    ],
)
def test_each_rule_fires_at_its_line(old: str, new: str, rule: str, needle: str) -> None:
    assert old in OPML
    text = OPML.replace(old, new)
    problems = check(text)
    assert [(p.rule, p.line, p.severity) for p in problems] == [
        (rule, line_with(text, needle), Severity.ERROR)
    ]


def test_a_missing_body_is_an_error() -> None:
    text = OPML[: OPML.index("  <body>")] + "</opml>\n"
    assert findings(text) == [("opml-missing-body", 2)]


def test_outlines_without_xml_url_are_not_subscriptions() -> None:
    text = OPML.replace(SUBSCRIPTION, '<outline text="Folder only"/>')
    assert check(text) == []


# --- hostile input: the protections of every XML feed -------------------------------


def test_an_external_entity_is_never_loaded() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<opml version="2.0"><head><title>&x;</title></head><body/></opml>\n'
    )
    problems = check(text)
    assert "xml-external-entity" in {p.rule for p in problems}
    assert all("root:" not in p.message for p in problems)


def test_an_entity_expansion_bomb_is_refused_before_parsing() -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [{entities}]>\n'
        '<opml version="2.0"><head><title>&i;</title></head><body/></opml>\n'
    )
    assert [p.rule for p in check(text)] == ["xml-entity-expansion"]


def test_the_size_bound_applies() -> None:
    context = CheckContext(source="big.opml", now=NOW, max_bytes=100)
    problems = check_bytes(OPML.encode(), context)
    assert [p.rule for p in problems] == ["check-too-large"]
