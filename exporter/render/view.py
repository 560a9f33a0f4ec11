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
from exporter.model import Article, Image, RelatedArticle
from exporter.render.dates import latest, utc_seconds

# Characters XML 1.0 forbids (lxml raises on them), lone surrogates (not encodable) and
# C1 controls (legal, but validators warn: they are almost always mis-decoded text).
# Schemes naming the two classifications a record carries besides its topics, so a
# reader can tell `news` the section from `news` a topic: fixed URNs (an entry must
# not depend on feed settings beyond `EntrySettings`), named in the README.
CATEGORY_SCHEME = "urn:feed-exporter:category"
TYPE_SCHEME = "urn:feed-exporter:type"


@dataclass(frozen=True, slots=True)
class Related:
    """A related article: what a link carries (url, title), and what only JSON
    Feed's `_related` has room for."""

    url: str
    title: str
    excerpt: str | None
    published: datetime | None
    provider_name: str | None
    provider_url: str | None
    image: Image | None


@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    url: str
    title: str
    published: datetime
    modified: datetime | None  # only when the record says, and later than `published`
    author_name: str
    author_uri: str | None
    via_url: str | None
    summary: str | None
    content_html: str
    tags: tuple[str, ...]
    category: str | None
    kind: str | None  # the record's `type`
    images: tuple[Image, ...]
    related: tuple[Related, ...]

    @property
    def updated(self) -> datetime:
        """When the entry last changed: its edit, else its publication."""
        return self.modified or self.published


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
    published = utc_seconds(article.published_at)
    modified = utc_seconds(article.modified_at) if article.modified_at is not None else None
    return EntryView(
        id=article.id,
        url=article.url,
        title=plain_text(article.title),
        published=published,
        modified=modified if modified is not None and modified > published else None,
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
        category=_label(article.category),
        kind=_label(article.type),
        images=article.images,
        related=tuple(_related(item) for item in article.related if item.url != article.url),
    )


def _label(value: str | None) -> str | None:
    return (plain_text(value).strip() or None) if value else None


def _related(item: RelatedArticle) -> Related:
    provider = item.provider
    return Related(
        url=item.url,
        title=plain_text(item.title),
        excerpt=plain_text(item.excerpt).strip() or None if item.excerpt else None,
        published=utc_seconds(item.published_at) if item.published_at is not None else None,
        provider_name=plain_text(provider.name) if provider is not None else None,
        provider_url=provider.url if provider is not None else None,
        image=item.images[0] if item.images else None,
    )


def entry_views(articles: Sequence[Article], settings: EntrySettings) -> list[EntryView]:
    """Views built from the entry settings alone (see `EntrySettings`)."""
    return [entry_view(article, settings) for article in articles]


def feed_updated(entries: Sequence[EntryView]) -> datetime:
    """The newest entry change (edit or publication); for an empty feed
    SOURCE_DATE_EPOCH, else a fixed epoch."""
    return latest([entry.updated for entry in entries])
