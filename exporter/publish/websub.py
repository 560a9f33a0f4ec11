"""WebSub publish notifications: tell each hub which feeds changed, after they
are written.

WebSub (W3C Recommendation, 2018, §6) leaves how a publisher tells its hub to
the hub; the hubs in use (Google's pubsubhubbub.appspot.com, Superfeedr,
WebSubHub) accept the PubSubHubbub 0.4 form: a POST of
`application/x-www-form-urlencoded` `hub.mode=publish&hub.url=<feed URL>`,
answered with a 2xx. One notification per changed feed per hub: a hub then
fetches exactly the feeds that have news.

Only the network is trusted less than the rest: every request has a connect
and a read timeout; network errors and 5xx answers are retried a bounded
number of times with exponential backoff, 4xx (the hub refuses this request)
and redirects (a POST must not be replayed elsewhere) are not. Once a hub
cannot be reached, the rest of its notifications are not attempted: a dead
hub costs one round of timeouts, not one per feed. Nothing here touches the
written feeds.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from exporter import __version__
from exporter.problems import Problem

DEFAULT_TIMEOUT = 10.0  # seconds to connect, and to wait for each read of the answer
ATTEMPTS = 3  # per notification, the first included
BACKOFF = 0.5  # seconds before the second attempt, doubled before each next one
_PARALLEL_HUBS = 8  # hubs are told at once; each hub's feeds one after another
_MAX_ANSWER = 64 * 1024  # bytes of an answer read (and ignored)
RULE = "export-ping-failed"


@dataclass(frozen=True, slots=True)
class PingPolicy:
    """How patient a notification is (tests shorten it; the network is real)."""

    connect_timeout: float = DEFAULT_TIMEOUT
    read_timeout: float = DEFAULT_TIMEOUT
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF


@dataclass(frozen=True, slots=True)
class ChangedFeed:
    """A feed written with new bytes: where it is (`path`, for the report) and
    where it is served (`url`, what the hub is told)."""

    path: str
    url: str


@dataclass(frozen=True, slots=True)
class Ping:
    """One notification's outcome: `error` is None when the hub accepted it."""

    hub: str
    feed: ChangedFeed
    attempts: int
    error: str | None = None
    unreachable: bool = False  # the hub never answered: do not try it again


def notify_hubs(
    hubs: Sequence[str],
    feeds: Sequence[ChangedFeed],
    policy: PingPolicy = PingPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> list[Ping]:
    """Every (hub, feed) notification, in hub then feed order."""
    if not hubs or not feeds:
        return []
    with ThreadPoolExecutor(max_workers=min(len(hubs), _PARALLEL_HUBS)) as pool:
        per_hub = list(pool.map(lambda hub: _notify_hub(hub, feeds, policy, sleep), hubs))
    return [ping for pings in per_hub for ping in pings]


def ping_problems(pings: Sequence[Ping]) -> list[Problem]:
    """One error per failed notification, on the feed's file, naming hub, feed and reason."""
    return [
        Problem(
            ping.feed.path,
            RULE,
            f"hub {ping.hub} was not notified that {ping.feed.url} changed: {ping.error}",
        )
        for ping in pings
        if ping.error is not None
    ]


def _notify_hub(
    hub: str, feeds: Sequence[ChangedFeed], policy: PingPolicy, sleep: Callable[[float], None]
) -> list[Ping]:
    pings: list[Ping] = []
    dead: Ping | None = None
    for feed in feeds:
        if dead is not None:
            reason = f"not sent: the hub did not answer for {dead.feed.url} ({dead.error})"
            pings.append(Ping(hub, feed, 0, reason, unreachable=True))
            continue
        ping = _publish(hub, feed, policy, sleep)
        pings.append(ping)
        if ping.unreachable:
            dead = ping
    return pings


@dataclass(frozen=True, slots=True)
class _Answer:
    error: str | None = None
    retry: bool = False
    network: bool = False


def _publish(
    hub: str, feed: ChangedFeed, policy: PingPolicy, sleep: Callable[[float], None]
) -> Ping:
    """POST until the hub accepts, refuses, or the attempts run out."""
    body = urlencode({"hub.mode": "publish", "hub.url": feed.url}).encode("ascii")
    attempts = max(1, policy.attempts)
    for attempt in range(1, attempts + 1):
        answer = _post(hub, body, policy)
        if answer.error is None:
            return Ping(hub, feed, attempt)
        if not answer.retry or attempt == attempts:
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            return Ping(hub, feed, attempt, answer.error + tries, unreachable=answer.network)
        sleep(policy.backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _post(hub: str, body: bytes, policy: PingPolicy) -> _Answer:
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"feed-exporter/{__version__}",
        },
    )
    try:
        with _opener(policy.read_timeout).open(request, timeout=policy.connect_timeout) as answer:
            answer.read(_MAX_ANSWER)
        return _Answer()
    except urllib.error.HTTPError as error:
        error.close()
        reason = f"HTTP {error.code} {error.reason}".rstrip()
        if 300 <= error.code < 400:
            reason += f" to {error.headers.get('Location', '?')} (update feed.hubs)"
        return _Answer(reason, retry=error.code >= 500)
    except urllib.error.URLError as error:  # while connecting and sending
        reason = _network_reason(error.reason, "no connection", policy.connect_timeout)
        return _Answer(reason, retry=True, network=True)
    except (OSError, http.client.HTTPException) as error:  # while waiting for the answer
        reason = _network_reason(error, "no answer", policy.read_timeout)
        return _Answer(reason, retry=True, network=True)


def _network_reason(error: object, missing: str, seconds: float) -> str:
    if isinstance(error, TimeoutError):
        return f"{missing} within {seconds:g} s (timed out)"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the hub closed the connection without answering"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET by urllib: report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _HTTPConnection(http.client.HTTPConnection):
    """Connects within the request's timeout, then waits `read_timeout` per read."""

    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self.read_timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()  # TCP and the TLS handshake, within the connect timeout
        self.sock.settimeout(self.read_timeout)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self.read_timeout = read_timeout

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(*args: Any, **kwargs: Any) -> _HTTPConnection:
            return _HTTPConnection(*args, read_timeout=self.read_timeout, **kwargs)

        return self.do_open(connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self.read_timeout = read_timeout

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(*args: Any, **kwargs: Any) -> _HTTPSConnection:
            return _HTTPSConnection(*args, read_timeout=self.read_timeout, **kwargs)

        # no context: http.client's default one, which verifies certificates
        return self.do_open(connection, req)


def _opener(read_timeout: float) -> urllib.request.OpenerDirector:
    """urllib's own opener (proxies from the environment included), with a read
    timeout of its own and no redirects."""
    return urllib.request.build_opener(
        _NoRedirect, _HTTPHandler(read_timeout), _HTTPSHandler(read_timeout)
    )
