"""WebSub hubs in every format, read back as readers read them; without hubs
nothing changes (the golden files guard the bytes of whole exports)."""

from __future__ import annotations

import json
from dataclasses import replace

import feedparser
import pytest

from exporter.config import Paging
from exporter.render import FORMATS
from tests.support import check_feed, repo_config, seed_articles

HUBS = ("https://hub.example/", "http://127.0.0.1:8080/hub?x=1&y=2")


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_hub_links_read_back_by_feedparser(format_name: str) -> None:
    config = replace(repo_config(), hubs=HUBS)
    parsed = feedparser.parse(FORMATS[format_name].render(seed_articles(), config))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [link.href for link in parsed.feed.links if link.rel == "hub"] == list(HUBS)
    # still exactly one self link and the site link
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        config.url_for(format_name)
    ]
    assert parsed.feed.link == config.site_url


def test_json_feed_lists_each_hub_as_websub() -> None:
    config = replace(repo_config(), hubs=HUBS)
    document = json.loads(FORMATS["json"].render(seed_articles(), config))
    assert document["hubs"] == [{"type": "WebSub", "url": hub} for hub in HUBS]
    assert list(document)[-2:] == ["hubs", "items"]


@pytest.mark.parametrize("format_name", list(FORMATS))
@pytest.mark.parametrize(
    "paging", [None, Paging(archive=True, older=None, current="https://example.org/feeds/x")]
)
def test_feeds_with_hubs_pass_check_without_a_warning(
    format_name: str, paging: Paging | None
) -> None:
    """The subscription document and an archive page (another FeedConfig variant)."""
    config = replace(repo_config(), hubs=HUBS, paging=paging)
    data = FORMATS[format_name].render(seed_articles(), config)
    assert HUBS[0].encode() in data
    assert check_feed(data, format_name, config) == []


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_without_hubs_no_hub_is_written(format_name: str) -> None:
    data = FORMATS[format_name].render(seed_articles(), repo_config())
    assert b"hub" not in data
