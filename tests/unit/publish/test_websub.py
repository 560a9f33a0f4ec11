"""exporter.publish.websub against real sockets on 127.0.0.1: what is sent,
what is retried and how long it waits (the sleep is recorded, not slept)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from exporter.publish.websub import ChangedFeed, PingPolicy, notify_hubs, ping_problems
from tests.support import LocalHub

FEEDS = [
    ChangedFeed("out/atom.xml", "https://example.org/feeds/atom.xml"),
    ChangedFeed("out/rss.xml", "https://example.org/feeds/rss.xml"),
]
QUICK = PingPolicy(connect_timeout=2, read_timeout=2, attempts=3, backoff=0.5)


def closed_port() -> str:
    """A URL on 127.0.0.1 where nothing listens: connection refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hub"


def test_a_publish_notification_per_feed_in_order(start_hub: Callable[..., LocalHub]) -> None:
    hub = start_hub(202)
    pings = notify_hubs([hub.url], FEEDS, QUICK)
    assert [(p.feed, p.attempts, p.error) for p in pings] == [(f, 1, None) for f in FEEDS]
    assert [r.form for r in hub.requests] == [
        {"hub.mode": ["publish"], "hub.url": [feed.url]} for feed in FEEDS
    ]
    assert ping_problems(pings) == []


def test_5xx_is_retried_with_exponential_backoff(start_hub: Callable[..., LocalHub]) -> None:
    hub = start_hub(503)
    waits: list[float] = []
    [ping] = notify_hubs([hub.url], FEEDS[:1], QUICK, sleep=waits.append)
    assert len(hub.requests) == 3 and ping.attempts == 3
    assert waits == [0.5, 1.0]
    assert ping.error == "HTTP 503 Service Unavailable after 3 attempts"
    [problem] = ping_problems([ping])
    assert problem.path == "out/atom.xml" and problem.rule == "export-ping-failed"
    assert hub.url in problem.message and FEEDS[0].url in problem.message


def test_a_redirect_is_reported_not_followed(start_hub: Callable[..., LocalHub]) -> None:
    hub = start_hub(301)
    waits: list[float] = []
    [ping] = notify_hubs([hub.url], FEEDS[:1], QUICK, sleep=waits.append)
    assert len(hub.requests) == 1 and waits == []
    assert ping.error is not None
    assert ping.error.startswith("HTTP 301") and "https://elsewhere.example/hub" in ping.error


def test_a_refused_connection_is_retried_then_the_hub_is_left_alone() -> None:
    waits: list[float] = []
    first, second = notify_hubs([closed_port()], FEEDS, QUICK, sleep=waits.append)
    assert first.attempts == 3 and waits == [0.5, 1.0]
    assert first.error is not None and "refused" in first.error.lower()
    assert second.attempts == 0 and second.error is not None
    assert second.error.startswith("not sent: the hub did not answer")


def test_hubs_are_independent(start_hub: Callable[..., LocalHub]) -> None:
    good = start_hub()
    pings = notify_hubs([closed_port(), good.url], FEEDS, QUICK, sleep=lambda _: None)
    assert [p.error is None for p in pings] == [False, False, True, True]
    assert good.notified == [feed.url for feed in FEEDS]


def test_nothing_to_tell_sends_nothing(start_hub: Callable[..., LocalHub]) -> None:
    hub = start_hub()
    assert notify_hubs([hub.url], [], QUICK) == []
    assert notify_hubs([], FEEDS, QUICK) == []
    assert hub.requests == []
