"""Atom 1.0 (RFC 4287, with Media RSS) via feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from exporter.config import FEED_MEDIA_TYPES, FeedConfig
from exporter.markup import plain_text
from exporter.model import Article
from exporter.render.feedgen_fixes import (
    categories_of,
    new_entry,
    new_generator,
    serialize,
    set_feed_updated,
)
from exporter.render.view import entry_views, feed_updated

MEDIA_TYPE = FEED_MEDIA_TYPES["atom"]


def render(articles: Sequence[Article], feed: FeedConfig, updated: datetime | None = None) -> bytes:
    entries = entry_views(articles, feed.entry_settings)
    generator = new_generator("atom", feed.paging, feed.hubs)
    generator.id(feed.url_for("atom"))
    generator.title(plain_text(feed.title))
    generator.subtitle(plain_text(feed.description))
    author = {"name": plain_text(feed.author.name)}
    if feed.author.uri:
        author["uri"] = feed.author.uri
    if feed.author.email:
        author["email"] = feed.author.email
    generator.author(author)
    generator.link(href=feed.site_url, rel="alternate", type="text/html")
    generator.link(href=feed.url_for("atom"), rel="self", type=MEDIA_TYPE)
    generator.generator("feed-exporter")
    if feed.language:
        generator.language(feed.language)
    if feed.icon:
        generator.icon(feed.icon)
    if feed.logo:
        generator.logo(feed.logo)
    set_feed_updated(generator, updated or feed_updated(entries))

    for view in entries:
        entry, extras = new_entry(generator, view.published, view.updated)
        entry.id(view.id)
        entry.title(view.title)
        # feedgen keeps only href here (#135): that is still the one alternate link.
        entry.link(href=view.url, rel="alternate")
        if view.via_url:
            extras.add_link("via", view.via_url)
        extras.add_related(view.related)
        entry_author = {"name": view.author_name}
        if view.author_uri:
            entry_author["uri"] = view.author_uri
        entry.author(entry_author)
        if view.content_html:
            entry.content(view.content_html, type="html")
        # Without content *and* summary the W3C validator warns
        # (MissingTextualContent), and an empty one is NotBlank: a record with
        # neither excerpt nor body has its title as its summary here, the one
        # format that needs text (RSS has no description, JSON Feed an empty
        # content_text; issue 13).
        summary = view.summary or (None if view.content_html else view.title)
        if summary:
            entry.summary(summary)
        categories = categories_of(view)
        if categories:
            # one call: feedgen rebuilds its RSS category list on every call
            entry.category(categories)
        extras.images = view.images
    return serialize(generator, "atom")
