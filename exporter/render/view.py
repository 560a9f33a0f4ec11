"""One prepared view of an article, shared by every renderer.

The issue asks that an article says the same thing in all three formats, so
every decision about *what* is said (text cleaning, fallbacks, date precision,
author fallback, tag de-duplication) is made here once; renderers only decide
*how* their format spells it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from exporter.config import EntrySettings
from exporter.content import body_to_html
from exporter.markup import plain_text
from exporter.model import Article, Image
from exporter.render.dates import latest, utc_seconds


# Characters XML 1.0 forbids (lxml raises on them), lone surrogates (not encodable) and
# C1 controls (legal, but validators warn: they are almost always mis-decoded text).
@dataclass(frozen=True, slots=True)
class Link:
    url: str
    title: str


@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    url: str
    title: str
    published: datetime
    author_name: str
    author_uri: str | None
    via_url: str | None
    summary: str | None
    content_html: str
    tags: tuple[str, ...]
    images: tuple[Image, ...]
    related: tuple[Link, ...]

    @property
    def fallback_text(self) -> str:
        """Text for formats that need some content when the body is empty."""
        return self.summary or self.title


# Formats of one batch are rendered one after another: each article's view (and
# its Markdown rendering) is built once, not once per format. Keyed by the
# article object itself (hashing a whole Article per lookup cost more than the
# lookup saved); the entry holds the article, so its id cannot be reused.
VIEW_CACHE_SIZE = 1024
_views: dict[int, tuple[Article, EntrySettings, EntryView]] = {}


def entry_view(article: Article, settings: EntrySettings) -> EntryView:
    known = _views.get(id(article))
    if known is not None and known[0] is article and known[1] == settings:
        return known[2]
    view = _entry_view(article, settings)
    if len(_views) >= VIEW_CACHE_SIZE:
        del _views[next(iter(_views))]  # the oldest: batches are rendered in order
    _views[id(article)] = (article, settings, view)
    return view


def _entry_view(article: Article, settings: EntrySettings) -> EntryView:
    feed_author = settings.author
    provider = article.provider
    summary = plain_text(article.excerpt or "").strip() or None
    tags = tuple(dict.fromkeys(t for t in (plain_text(x).strip() for x in article.topics) if t))
    return EntryView(
        id=article.id,
        url=article.url,
        title=plain_text(article.title),
        published=utc_seconds(article.published_at),
        author_name=plain_text(provider.name) if provider else feed_author.name,
        author_uri=provider.url if provider else feed_author.uri,
        via_url=(
            article.original_url
            if article.original_url and article.original_url != article.url
            else None
        ),
        summary=summary,
        content_html=body_to_html(plain_text(article.body), article.url),
        tags=tags,
        images=article.images,
        related=tuple(
            Link(url=item.url, title=plain_text(item.title))
            for item in article.related
            if item.url != article.url
        ),
    )


def entry_views(articles: Sequence[Article], settings: EntrySettings) -> list[EntryView]:
    """Views built from the entry settings alone (see `EntrySettings`)."""
    return [entry_view(article, settings) for article in articles]


def feed_updated(entries: Sequence[EntryView]) -> datetime:
    """The newest entry's date; for an empty feed SOURCE_DATE_EPOCH, else a fixed epoch."""
    return latest([entry.published for entry in entries])
