"""The shortcuts of the Atom and RSS walks (skip a rule when it cannot report)
give exactly the findings of the full rules, on generated elements."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from exporter.check import atom, dates
from exporter.check.atom_common import ATOM
from exporter.check.context import CheckContext
from exporter.check.dates import DateStatus, check_rfc3339
from exporter.check.findings import Findings

CHILD_NAMES = st.sampled_from(
    ["id", "title", "updated", "link", "author", "entry", "content", "name", "bogus", "email"]
)
CONTAINERS = st.sampled_from(["feed", "entry", "source", "author", "contributor"])


def _findings() -> Findings:
    return Findings(CheckContext(source="t.xml"))


def _container(name: str, children: list[str]) -> etree._Element:
    element = etree.Element(f"{{{ATOM}}}{name}")
    for child in children:
        etree.SubElement(element, f"{{{ATOM}}}{child}")
    return element


@settings(max_examples=400, deadline=None)
@given(CONTAINERS, st.lists(CHILD_NAMES, max_size=8))
def test_container_shortcut_reports_what_the_full_loop_reports(
    name: str, children: list[str]
) -> None:
    element = _container(name, children)
    fast, full = _findings(), _findings()
    atom._check_container(element, name, fast)
    atom._report_children(element, name, atom.CHILDREN[name], atom.SINGLE_VALUED[name], full)
    assert [(p.rule, p.message) for p in fast.problems] == [
        (p.rule, p.message) for p in full.problems
    ]


def test_a_repeated_single_valued_child_is_still_reported() -> None:
    found = _findings()
    atom._check_container(_container("entry", ["id", "title", "id"]), "entry", found)
    assert [p.rule for p in found.problems] == ["atom-duplicate-element"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.none(), st.sampled_from(["", "en", "en-US", "english!", "e", "x-klingon"])),
    st.one_of(st.none(), st.sampled_from(["", "https://a.example/", "a b", "/rel", "%zz"])),
)
def test_xml_attributes_shortcut_agrees_with_the_rule(lang: str | None, base: str | None) -> None:
    element = etree.Element(f"{{{ATOM}}}feed")
    if lang is not None:
        element.set(atom._XML_LANG, lang)
    if base is not None:
        element.set(atom._XML_BASE, base)
    found = _findings()
    atom._check_xml_attributes(element, found)
    assert atom._xml_attributes_fine(element) == (found.problems == [])


def test_xml_attribute_problems_deep_in_the_feed_are_found_in_document_order() -> None:
    feed = etree.fromstring(
        f'<feed xmlns="{ATOM}" xml:lang="en"><entry><title xml:lang="english!">t</title>'
        '<bogus/></entry><x:y xmlns:x="urn:x" xml:base="a b"/></feed>'
    )
    found = _findings()
    atom._check_tree(feed, found)
    # The entry's children are checked when the entry is visited, before its title.
    assert [p.rule for p in found.problems] == [
        "atom-undefined-element",
        "atom-invalid-language",
        "atom-invalid-iri",
    ]


def test_dates_keep_their_reasons_and_zones() -> None:
    assert check_rfc3339("2024-02-30T00:00:00Z").reason == "2024-02-30 is not a calendar date"
    assert check_rfc3339("2024-01-01T24:00:00Z").reason == "time 24:00:00 is out of range"
    assert check_rfc3339("2024-01-01T00:00:00+24:00").status is DateStatus.INVALID
    first = check_rfc3339("2024-01-01T10:00:00+05:30").value
    second = check_rfc3339("2024-03-01T10:00:00+05:30").value
    assert first is not None and second is not None
    assert first.tzinfo is second.tzinfo  # one zone object per spelling
    offset = first.utcoffset()
    assert offset is not None and offset.total_seconds() == 19800
    late = dates.check_rfc822("Mon, 01 Jan 2024 10:00:00 EST").value
    assert late is not None
    late_offset = late.utcoffset()
    assert late_offset is not None and late_offset.total_seconds() == -5 * 3600
