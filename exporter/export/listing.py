"""The discovery index of an export: `index.opml` and `feeds.html` at the root of
--out, listing every subscription document the plan writes.

Written only when an export publishes more than one feed per format (feed sets
or archives): a site with one feed per format needs no index, and its output
stays what it always was. Archive pages are not listed: nobody subscribes to
page 3 of an archive; readers reach it from the feed's own links. The OPML is
verified with the `check` rules like every feed; the page is built by lxml,
which escapes every value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.config import FeedConfig
from exporter.export.plan import FeedPlan
from exporter.problems import Problem
from exporter.render.discovery import EntryPreview, FeedListing, render_opml, render_page

OPML_NAME = "index.opml"
PAGE_NAME = "feeds.html"
PREVIEW = 5  # newest entries shown per feed on the page


@dataclass(frozen=True, slots=True)
class IndexFile:
    name: str  # under --out
    data: bytes
    problems: list[Problem]


def wanted(feed: FeedConfig) -> bool:
    """An index only where there is more than one feed per format to find."""
    return bool(feed.sets) or feed.archive is not None


def index_files(feeds: Sequence[FeedPlan], feed: FeedConfig) -> list[IndexFile]:
    """The OPML list and the HTML page for the subscription documents of `feeds`."""
    listings = [
        FeedListing(
            title=plan.feed.title,
            format=plan.format_name,
            path=plan.file_name,
            url=plan.public_url,
            group=plan.group,
            key=plan.value,
            entries=tuple(
                EntryPreview(entry.title, entry.id, entry.published_at)
                for entry in plan.entries[:PREVIEW]
            ),
        )
        for plan in feeds
        if not plan.archive
    ]
    opml = render_opml(listings, feed.title)
    base = (feed.base_url or feed.site_url).rstrip("/") + "/"
    problems = check_bytes(opml, CheckContext(source=OPML_NAME, base=base + OPML_NAME))
    return [
        IndexFile(OPML_NAME, opml, problems),
        IndexFile(PAGE_NAME, render_page(listings, feed.title, PREVIEW), []),
    ]
