"""Renderer registry: format name -> how to render it and where it goes.

Every renderer has one signature, `render(articles, feed, updated=None) -> bytes`
(`updated` pins the feed-level date when a feed is rendered in batches); adding a
format is one new module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from exporter.config import FEED_FILE_NAMES, FEED_MEDIA_TYPES, FeedConfig
from exporter.model import Article

Renderer = Callable[[Sequence[Article], FeedConfig, datetime | None], bytes]


@dataclass(frozen=True, slots=True)
class FeedFormat:
    name: str
    file_name: str
    media_type: str
    render: Renderer


def _loaded_on_use(module: str) -> Renderer:
    """A renderer that imports its module (feedgen, lxml, Markdown) on first use:
    replaying an unchanged export or printing --help never pays for them."""

    def render(
        articles: Sequence[Article], feed: FeedConfig, updated: datetime | None = None
    ) -> bytes:
        renderer: Renderer = importlib.import_module(module).render
        return renderer(articles, feed, updated)

    return render


def _format(name: str, module: str) -> FeedFormat:
    return FeedFormat(name, FEED_FILE_NAMES[name], FEED_MEDIA_TYPES[name], _loaded_on_use(module))


FORMATS: dict[str, FeedFormat] = {
    "rss": _format("rss", "exporter.render.rss"),
    "atom": _format("atom", "exporter.render.atom"),
    "json": _format("json", "exporter.render.jsonfeed"),
}


def get_format(name: str) -> FeedFormat:
    return FORMATS[name]
