"""RFC 5005 (feed paging and archiving) rules inside one Atom or RSS document.

Errors for what the RFC forbids or what makes a reader walk the archive wrongly
(a page marked both archive and complete, a link that sends a reader back to the
page it is on), warnings for what it recommends (an archive page links
`current`). The classes of the W3C Feed Validator are named in
docs/check-rules.md. Links between files are judged in `folder`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from exporter.check.context import CheckContext
from exporter.check.pages import ARCHIVE_RELATIONS, Page, PageLink
from exporter.iri import is_valid_iri_reference, same_url
from exporter.problems import Problem, Severity


def history_problems(page: Page, context: CheckContext) -> list[Problem]:
    """Every RFC 5005 finding of one document, in the order of the rules."""
    report = _Found(context.source)
    for line in page.misplaced_markers:
        report(
            "archive-misplaced-marker",
            line,
            "fh:archive and fh:complete mark a document only as children of the feed "
            "(or RSS channel): move it there or remove it.",
            warning=True,
        )
    if page.is_archive and page.is_complete:
        report(
            "archive-complete-conflict",
            page.complete_line,
            "The document is marked both fh:archive and fh:complete; an archive page is part of "
            "a longer feed, a complete feed is the whole of it: keep one marker.",
        )
    _link_problems(page, report)
    for link in page.entry_links:
        report(
            "archive-link-in-entry",
            link.line,
            f'rel="{link.relation}" describes the feed, not an entry: move the link to the '
            "feed (or channel) or remove it.",
            warning=True,
        )
    return report.problems


def _link_problems(page: Page, report: _Found) -> None:
    counts = Counter(link.relation for link in page.links)
    reported: set[str] = set()
    for link in page.links:
        if not link.syntax_checked and not is_valid_iri_reference(link.href.strip()):
            report(
                "archive-invalid-link",
                link.line,
                f'The rel="{link.relation}" link {link.href!r} is not a URL: write the '
                "absolute URL of the page it points to.",
            )
            continue
        repeated = link.relation in ARCHIVE_RELATIONS and counts[link.relation] > 1
        if repeated and link.relation not in reported:
            reported.add(link.relation)
            report(
                "archive-duplicate-link",
                link.line,
                f'The document has {counts[link.relation]} rel="{link.relation}" links; '
                "readers follow only one: keep the right one.",
            )
        _relation_problems(page, link, report)
    if page.is_archive and not page.is_complete and not counts["current"]:
        report(
            "archive-missing-current",
            page.line,
            'The archive page has no rel="current" link: add one pointing to the '
            "subscription feed, so readers who land here can subscribe.",
            warning=True,
        )


def _relation_problems(page: Page, link: PageLink, report: _Found) -> None:
    if page.is_complete:
        if link.relation != "current":
            report(
                "archive-link-in-complete-feed",
                link.line,
                f'A complete feed (fh:complete) is one document, so rel="{link.relation}" '
                "has nothing to point to: remove the link or the fh:complete marker.",
            )
        elif page.own_urls and not points_to_self(page, link):
            report(
                "archive-current-not-self",
                link.line,
                f'In a complete feed rel="current" must be the feed itself, not '
                f"{link.target!r}: point it at the feed's own URL or remove it.",
            )
        return
    if link.relation == "current" and not page.is_archive:
        return  # a subscription document is its own current document
    if link.relation in ARCHIVE_RELATIONS and points_to_self(page, link):
        report(
            "archive-link-to-self",
            link.line,
            f'The rel="{link.relation}" link points to this document itself; readers '
            "following it loop or never reach the feed: point it at the neighbouring page.",
        )


def points_to_self(page: Page, link: PageLink) -> bool:
    """An empty href is this document (RFC 3986 §4.4); otherwise compare with the
    URLs the document knows it has (its self link, the `--base` URL)."""
    if not link.href.strip():
        return True
    return any(same_url(link.target, own) for own in page.own_urls)


@dataclass(slots=True)
class _Found:
    """The findings of one document; each is located by a line, as pages carry no
    elements."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __call__(self, rule: str, line: int | None, message: str, warning: bool = False) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.problems.append(Problem(self.source, rule, message, line=line, severity=severity))
