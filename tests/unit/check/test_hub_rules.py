"""`feed-hub-*`: a hub a feed names must be reachable by HTTP POST, once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.problems import Severity
from exporter.render import FORMATS
from tests.support import NOW, check_feed, repo_config, seed_articles

HUB = "https://hub.example/"
SECOND = "https://second.example/hub"


def findings(format_name: str, first: str, second: str = SECOND) -> list[tuple[str, Severity]]:
    """The hub findings of our feed with its two hubs rewritten to `first` and `second`."""
    config = replace(repo_config(), hubs=(HUB, SECOND))
    text = FORMATS[format_name].render(seed_articles(), config).decode()
    text = text.replace(SECOND, second).replace(HUB, first)
    problems = check_feed(text.encode(), format_name, config)
    return [(p.rule, p.severity) for p in problems if "hub" in p.message]


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_good_hubs_pass(format_name: str) -> None:
    assert findings(format_name, HUB) == []


@pytest.mark.parametrize("format_name", list(FORMATS))
@pytest.mark.parametrize("hub", ["javascript:alert(1)", "ftp://hub.example/", "mailto:a@b.example"])
def test_a_hub_that_is_not_http_is_an_error(format_name: str, hub: str) -> None:
    assert findings(format_name, hub) == [("feed-hub-invalid-url", Severity.ERROR)]


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_the_same_hub_twice_is_a_warning(format_name: str) -> None:
    # differs only in what RFC 3986 says never changes meaning
    duplicate = "HTTPS://HUB.example:443/"
    assert findings(format_name, HUB, duplicate) == [("feed-hub-duplicate", Severity.WARNING)]


def test_an_rss_hub_that_is_not_a_url_is_an_error() -> None:
    assert findings("rss", "https://hub example/") == [("feed-hub-invalid-url", Severity.ERROR)]


def test_a_relative_rss_hub_resolves_against_the_feed_url() -> None:
    """With the feed's URL known (--base) a relative hub is reachable: no finding."""
    assert findings("rss", "/hub") == []


def test_a_relative_rss_hub_with_nothing_to_resolve_it_is_a_warning() -> None:
    config = replace(repo_config(), hubs=(HUB,))
    data = FORMATS["rss"].render(seed_articles(), config).replace(HUB.encode(), b"hub/")
    problems = check_bytes(data, CheckContext(source="rss.xml", now=NOW))
    assert [(p.rule, p.severity) for p in problems if "hub" in p.message] == [
        ("feed-hub-relative-url", Severity.WARNING)
    ]
