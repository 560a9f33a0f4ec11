"""RFC 5005 rules inside one Atom or RSS document, and JSON Feed next_url."""

from __future__ import annotations

import json

import feedparser
import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.problems import Problem, Severity
from tests.support import FEED_HISTORY, NOW, archive_document, line_with

SITE = "https://example.com"
PAGE_2 = f"{SITE}/archive/2.xml"
PAGE_1 = f"{SITE}/archive/1.xml"
PAGE_3 = f"{SITE}/archive/3.xml"
CURRENT = f"{SITE}/feed.xml"
NOT_A_URL = "http://exa mple.com/1"
KINDS = ("atom", "rss")


def check(text: str, base: str | None = None) -> list[Problem]:
    return check_bytes(text.encode(), CheckContext(source="page.xml", base=base, now=NOW))


def archive_findings(text: str, base: str | None = None) -> list[tuple[str, Severity, int | None]]:
    return [
        (p.rule, p.severity, p.line)
        for p in check(text, base)
        if p.rule.startswith("archive-") or p.is_error
    ]


def middle_page(
    kind: str,
    links: tuple[tuple[str, str], ...] = (
        ("prev-archive", PAGE_1),
        ("next-archive", PAGE_3),
        ("current", CURRENT),
    ),
    markers: tuple[str, ...] = ("archive",),
) -> str:
    """Archive page 2 of 3, by default linked both ways and to the subscription feed."""
    return archive_document(kind, PAGE_2, links, markers)


@pytest.mark.parametrize("kind", KINDS)
def test_a_well_linked_archive_page_has_no_findings(kind: str) -> None:
    assert check(middle_page(kind), base=PAGE_2) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_subscription_document_may_link_current_to_itself(kind: str) -> None:
    text = archive_document(kind, CURRENT, links=(("prev-archive", PAGE_2), ("current", CURRENT)))
    assert check(text, base=CURRENT) == []


@pytest.mark.parametrize("kind", KINDS)
def test_generated_archive_pages_are_read_by_feedparser(kind: str) -> None:
    """The fixture pages are real feeds: a reader sees the links and the marker."""
    parsed = feedparser.parse(middle_page(kind))
    assert not parsed.bozo
    relations = {link["rel"]: link["href"] for link in parsed.feed.links}
    assert relations["prev-archive"] == PAGE_1
    assert relations["next-archive"] == PAGE_3
    assert relations["current"] == CURRENT
    assert FEED_HISTORY in parsed.namespaces.values()
    assert [entry.id for entry in parsed.entries] == ["tag:example.com,2024:1"]


@pytest.mark.parametrize("kind", KINDS)
def test_archive_and_complete_in_one_document_is_an_error(kind: str) -> None:
    text = middle_page(kind, markers=("archive", "complete"), links=())
    findings = archive_findings(text)
    assert ("archive-complete-conflict", Severity.ERROR, line_with(text, "<fh:complete")) in (
        findings
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("relation", ["prev-archive", "next-archive", "next", "first"])
def test_a_complete_feed_has_no_archive_or_paging_links(kind: str, relation: str) -> None:
    text = archive_document(kind, CURRENT, markers=("complete",), links=((relation, PAGE_1),))
    assert archive_findings(text, CURRENT) == [
        ("archive-link-in-complete-feed", Severity.ERROR, line_with(text, f'rel="{relation}"'))
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_complete_feed_links_current_only_to_itself(kind: str) -> None:
    itself = archive_document(kind, CURRENT, markers=("complete",), links=(("current", CURRENT),))
    assert check(itself, CURRENT) == []
    other = archive_document(kind, CURRENT, markers=("complete",), links=(("current", PAGE_1),))
    assert archive_findings(other, CURRENT) == [
        ("archive-current-not-self", Severity.ERROR, line_with(other, 'rel="current"'))
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_an_archive_page_without_current_draws_a_warning(kind: str) -> None:
    text = middle_page(kind, links=(("prev-archive", PAGE_1),))
    head = "<feed" if kind == "atom" else "<channel>"
    assert archive_findings(text, PAGE_2) == [
        ("archive-missing-current", Severity.WARNING, line_with(text, head))
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("relation", ["prev-archive", "next-archive", "current"])
def test_an_archive_page_never_links_to_itself(kind: str, relation: str) -> None:
    links = {"prev-archive": PAGE_1, "next-archive": PAGE_3, "current": CURRENT}
    links[relation] = PAGE_2
    text = middle_page(kind, links=tuple(links.items()))
    expected = [("archive-link-to-self", Severity.ERROR, line_with(text, f'rel="{relation}"'))]
    # Known from the self link alone, and from --base.
    assert archive_findings(text) == expected
    without_self = text.replace('rel="self" type', 'rel="alternate" type')
    assert archive_findings(without_self, PAGE_2) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_href_is_the_document_itself(kind: str) -> None:
    text = middle_page(kind, links=(("prev-archive", ""), ("current", CURRENT)))
    assert archive_findings(text) == [
        ("archive-link-to-self", Severity.ERROR, line_with(text, 'rel="prev-archive"'))
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_subscription_document_never_points_its_archive_links_at_itself(kind: str) -> None:
    text = archive_document(kind, CURRENT, links=(("prev-archive", CURRENT),))
    assert archive_findings(text, CURRENT) == [
        ("archive-link-to-self", Severity.ERROR, line_with(text, 'rel="prev-archive"'))
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_each_archive_relation_at_most_once(kind: str) -> None:
    links = (("prev-archive", PAGE_1), ("prev-archive", PAGE_3), ("current", CURRENT))
    text = middle_page(kind, links=links)
    assert archive_findings(text, PAGE_2) == [
        ("archive-duplicate-link", Severity.ERROR, line_with(text, 'rel="prev-archive"'))
    ]


def test_an_rss_history_link_must_be_a_url() -> None:
    text = middle_page("rss", links=(("prev-archive", NOT_A_URL), ("current", CURRENT)))
    assert archive_findings(text, PAGE_2) == [
        ("archive-invalid-link", Severity.ERROR, line_with(text, 'rel="prev-archive"'))
    ]


def test_an_atom_history_link_that_is_not_a_url_is_reported_once() -> None:
    """Atom hrefs are already judged by atom-invalid-iri: no second error."""
    text = middle_page("atom", links=(("prev-archive", NOT_A_URL), ("current", CURRENT)))
    assert [rule for rule, _, _ in archive_findings(text, PAGE_2)] == ["atom-invalid-iri"]


@pytest.mark.parametrize("kind", KINDS)
def test_relative_history_links_resolve_against_the_base(kind: str) -> None:
    text = middle_page(kind, links=(("prev-archive", "2.xml"), ("current", CURRENT)))
    rules = [rule for rule, _, _ in archive_findings(text, PAGE_2)]
    assert rules == ["archive-link-to-self"]
    fine = middle_page(kind, links=(("prev-archive", "1.xml"), ("current", CURRENT)))
    assert [rule for rule, _, _ in archive_findings(fine, PAGE_2)] == []


@pytest.mark.parametrize("kind", KINDS)
def test_history_relations_on_an_entry_draw_a_warning(kind: str) -> None:
    text = middle_page(kind)
    if kind == "atom":
        link = f'<link rel="next-archive" href="{PAGE_3}"/></entry>'
        text = text.replace("</entry>", link, 1)
    else:
        link = f'<atom:link rel="next-archive" href="{PAGE_3}"/></item>'
        text = text.replace("</item>", link, 1)
    line = line_with(text, link)
    assert ("archive-link-in-entry", Severity.WARNING, line) in archive_findings(text, PAGE_2)


@pytest.mark.parametrize("kind", KINDS)
def test_a_marker_outside_the_head_marks_nothing(kind: str) -> None:
    closing = "</entry>" if kind == "atom" else "</item>"
    text = archive_document(kind, CURRENT).replace(closing, f"<fh:archive/>{closing}", 1)
    findings = archive_findings(text, CURRENT)
    assert findings == [
        ("archive-misplaced-marker", Severity.WARNING, line_with(text, "<fh:archive"))
    ]


# --- JSON Feed paging -------------------------------------------------------------


def json_feed(**keys: object) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "home_page_url": f"{SITE}/",
        "feed_url": f"{SITE}/feed.json",
        "items": [{"id": "1", "content_text": "x"}],
    } | keys
    return json.dumps(feed, indent=2).encode()


@pytest.mark.parametrize(
    ("next_url", "base"),
    [
        (f"{SITE}/feed.json", None),
        ("HTTPS://EXAMPLE.COM:443/feed.json", None),
        ("feed.json", f"{SITE}/feed.json"),
    ],
)
def test_next_url_never_points_back_at_the_feed(next_url: str, base: str | None) -> None:
    data = json_feed(next_url=next_url)
    problems = check_bytes(data, CheckContext(source="feed.json", base=base, now=NOW))
    found = [(p.rule, p.line) for p in problems if p.rule.startswith("jsonfeed-next")]
    assert found == [("jsonfeed-next-url-is-feed-url", line_with(data.decode(), '"next_url"'))]


def test_a_next_url_to_another_page_is_fine() -> None:
    data = json_feed(next_url=f"{SITE}/feed-2.json")
    context = CheckContext(source="feed.json", base=f"{SITE}/feed.json", now=NOW)
    assert check_bytes(data, context) == []
