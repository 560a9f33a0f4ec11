"""RSS 2.0 (with content:encoded, dc:creator, atom:link and Media RSS) via feedgen."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from exporter.config import FEED_MEDIA_TYPES, FeedConfig
from exporter.markup import plain_text, rss_plain_text
from exporter.model import Article
from exporter.render.feedgen_fixes import (
    categories_of,
    new_entry,
    new_generator,
    serialize,
    set_feed_updated,
)
from exporter.render.view import entry_views, feed_updated

MEDIA_TYPE = FEED_MEDIA_TYPES["rss"]


def render(articles: Sequence[Article], feed: FeedConfig, updated: datetime | None = None) -> bytes:
    entries = entry_views(articles, feed.entry_settings)
    generator = new_generator("rss", feed.paging, feed.hubs)
    generator.title(rss_plain_text(plain_text(feed.title)))
    generator.description(plain_text(feed.description))
    generator.link(href=feed.url_for("rss"), rel="self", type=MEDIA_TYPE)
    # feedgen takes the channel <link> from the last link added.
    generator.link(href=feed.site_url, rel="alternate")
    generator.generator("feed-exporter")
    if feed.language:
        generator.language(feed.language.lower())
    if feed.logo:
        generator.image(
            url=feed.logo, title=rss_plain_text(plain_text(feed.title)), link=feed.site_url
        )
    if feed.author.email:
        generator.managingEditor(f"{feed.author.email} ({plain_text(feed.author.name)})")
    set_feed_updated(generator, updated or feed_updated(entries))

    for view in entries:
        entry, extras = new_entry(generator, view.published)
        entry.title(rss_plain_text(view.title))
        entry.link(href=view.url)
        entry.guid(view.id, permalink=True)
        # <description> is HTML in RSS: escape the plain-text excerpt so "<" stays "<".
        if view.summary:
            entry.description(html.escape(view.summary, quote=False))
        if view.content_html:
            entry.content(view.content_html)
        categories = categories_of(view)
        if categories:
            # one call: feedgen rebuilds its RSS category list on every call
            entry.category(categories)
        # RSS <author> must be an e-mail address; a name goes into dc:creator.
        extras.creator = view.author_name
        if view.via_url:
            extras.add_link("via", view.via_url)  # where the article first appeared
        extras.add_related(view.related)
        extras.modified = view.modified
        extras.images = view.images
    return serialize(generator, "rss")
