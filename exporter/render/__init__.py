"""Renderer registry: format name -> how to render it and where it goes.

Every renderer has one signature, `render(articles, feed, updated=None) -> bytes`
(`updated` pins the feed-level date when a feed is rendered in batches); adding a
format is one new module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from exporter.config import FEED_FILE_NAMES, FeedConfig
from exporter.model import Article
from exporter.render import atom, jsonfeed, rss

Renderer = Callable[[Sequence[Article], FeedConfig, datetime | None], bytes]


@dataclass(frozen=True, slots=True)
class FeedFormat:
    name: str
    file_name: str
    media_type: str
    render: Renderer


FORMATS: dict[str, FeedFormat] = {
    "rss": FeedFormat("rss", FEED_FILE_NAMES["rss"], rss.MEDIA_TYPE, rss.render),
    "atom": FeedFormat("atom", FEED_FILE_NAMES["atom"], atom.MEDIA_TYPE, atom.render),
    "json": FeedFormat("json", FEED_FILE_NAMES["json"], jsonfeed.MEDIA_TYPE, jsonfeed.render),
}


def get_format(name: str) -> FeedFormat:
    return FORMATS[name]
