"""RSS 2.0 (with content:encoded, dc:creator, atom:link and Media RSS) via feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from exporter.config import FEED_MEDIA_TYPES, FeedConfig
from exporter.model import Article
from exporter.render.entries import rss_items
from exporter.render.feedgen_fixes import new_generator, serialize, set_entries, set_feed_updated
from exporter.render.view import entry_views, feed_updated, plain_text

MEDIA_TYPE = FEED_MEDIA_TYPES["rss"]


def render(articles: Sequence[Article], feed: FeedConfig, updated: datetime | None = None) -> bytes:
    entries = entry_views(articles, feed)
    generator = new_generator("rss")
    generator.title(plain_text(feed.title))
    generator.description(plain_text(feed.description))
    generator.link(href=feed.url_for("rss"), rel="self", type=MEDIA_TYPE)
    # feedgen takes the channel <link> from the last link added.
    generator.link(href=feed.site_url, rel="alternate")
    generator.generator("feed-exporter")
    if feed.language:
        generator.language(feed.language.lower())
    if feed.logo:
        generator.image(url=feed.logo, title=plain_text(feed.title), link=feed.site_url)
    if feed.author.email:
        generator.managingEditor(f"{feed.author.email} ({plain_text(feed.author.name)})")
    set_feed_updated(generator, updated or feed_updated(entries))

    set_entries(generator, rss_items(entries))
    return serialize(generator, "rss")
