"""Plain values and builders shared by the tests (no tests, no fixtures here).

Tests take the common ones as fixtures from tests/conftest.py, and import them
from here where a fixture cannot reach: module constants, `parametrize` lists,
hypothesis strategies, type annotations and module-level helper functions.

Articles are built with `article_from_record` from record dicts, the same path
real records take, so the tests exercise the model mapping too.

`run_bounded` runs the CLI in a child process with a time limit and measures its
peak memory. The peak comes from a small launcher process that starts the CLI and
reads RUSAGE_CHILDREN: a process forked straight from pytest would be charged with
pytest's own resident set (Linux keeps the pre-exec high-water mark).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs

from hypothesis import settings

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.collect import collect
from exporter.config import FeedConfig, load_config
from exporter.load.fast_yaml import fast_compose
from exporter.load.yaml_safe import YamlRefused, compose
from exporter.model import Article, article_from_record
from exporter.problems import Problem
from exporter.render import FORMATS

REPO = Path(__file__).resolve().parent.parent
FEED_TOML = REPO / "feed.toml"
SEED = REPO / "seeds" / "000_bee16926b7eeda8c.txt"
# Pinned clock for the checker's "date in the future" rule.
NOW = datetime(2025, 1, 1, tzinfo=UTC)


# hypothesis's own max_examples; the profiles in tests/conftest.py set multiples of it.
DEFAULT_EXAMPLES = 100


def examples(budget: int) -> int:
    """max_examples for a property test whose budget is `budget` examples under the
    dev and ci profiles: scaled by the active profile, which is loaded before any
    test module is imported (so `explore` runs ten times as many)."""
    return budget * settings().max_examples // DEFAULT_EXAMPLES


# How tests annotate the builder fixtures of tests/conftest.py.
MakeArticle = Callable[..., Article]
CheckFeed = Callable[[bytes, str, FeedConfig], list[Problem]]


def repo_config(formats: tuple[str, ...] = tuple(FORMATS)) -> FeedConfig:
    return load_config(FEED_TOML, formats=formats)


def seed_articles() -> list[Article]:
    collection = collect([str(SEED)], keep_articles=True)
    assert collection.invalid == 0 and collection.unreadable == 0, collection.problems
    return collection.accepted


def record(**fields: Any) -> dict[str, Any]:
    """A minimal contract-shaped record; keyword arguments replace or add fields."""
    base: dict[str, Any] = {
        "title": "An article",
        "webUrl": "https://news.example.com/articles/1",
        "publishedDateTime": "2021-02-09T04:31:00Z",
        "excerpt": "A short excerpt.",
        "provider": {"name": "Example News", "domain": "news.example.com"},
    }
    base.update(fields)
    return base


def article(body: str = "", **fields: Any) -> Article:
    return article_from_record(record(**fields), body, "test.md")


def check_feed(data: bytes, format_name: str, config: FeedConfig) -> list[Problem]:
    context = CheckContext(
        source=FORMATS[format_name].file_name, base=config.url_for(format_name), now=NOW
    )
    return check_bytes(data, context)


_WORDS = (
    "privacy", "vision", "model", "déjà vu", "naïve", "東京", "data", "AI",
    "Fish & Chips", "a < b", "\"quoted\"", "it's", "ünïcödé", "neural", "ethics",
)  # fmt: skip
_BODIES = (
    "",
    "Plain paragraph with *emphasis* and **strong**.",
    "# Heading\n\n- one\n- two\n\n1. first\n2. second\n",
    "A [relative link](../other/page.html?x=1&y=2) and ![img](/img/a.png \"T\").",
    "<script>alert(1)</script> raw html and <a href=\"x\" onclick=\"y\">a</a>",
    "[js](javascript:alert(1)) [data](data:text/html;base64,AAAA) [vb](vbscript:msgbox)",
    "```python\nprint('<b>&amp;</b>')\n```\n\n> quoted & <em>\n",
    "Control \x00\x0b\x1f characters \ufffe and emoji 🎉 and tabs\tand\nnewlines",
)  # fmt: skip


def varied_articles(count: int, seed: int = 3) -> list[Article]:
    """`count` articles covering optional fields, odd text and every body shape."""
    rng = random.Random(seed)
    start = datetime(2001, 1, 1, tzinfo=UTC)
    articles = []
    for index in range(count):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
        # Distinct minutes: validators warn about identical Atom <updated> values.
        published = start + timedelta(days=index * 17, minutes=index)
        offset = rng.choice(["Z", "+02:00", "-05:30"])
        stamp = published + timedelta(hours={"Z": 0, "+02:00": 2, "-05:30": -5.5}[offset])
        fields: dict[str, Any] = {
            "title": f"{index}: {words}",
            "webUrl": f"https://site{index % 7}.example.com/news/{index}/story-{index}",
            "publishedDateTime": stamp.strftime("%Y-%m-%dT%H:%M:%S") + offset,
            "published": rng.random() < 0.7,
        }
        if rng.random() < 0.8:
            fields["excerpt"] = f"Excerpt {index}: {words}"
        else:
            fields["excerpt"] = None
        if rng.random() < 0.7:
            fields["provider"] = {
                "name": f"Provider {index % 5} & Co",
                "domain": f"p{index % 5}.example.org",
            }
        else:
            fields["provider"] = None
        if rng.random() < 0.4:
            fields["originalUrl"] = f"https://origin.example.net/{index}"
        fields["topics"] = rng.sample(
            ["AI", "Vision", "Privacy", "Robots & Law", "AI"], rng.randint(0, 4)
        )
        fields["images"] = [
            {
                "url": f"https://img.example.com/{index}/{n}.jpg?w=1&h=2",
                "width": 100 + n,
                "height": 50 + n,
            }
            for n in range(rng.randint(0, 3))
        ]
        fields["related"] = [
            {
                "title": f"Related {n} <of> {index} & more",
                "webUrl": f"https://rel.example.com/{index}/{n}",
            }
            for n in range(rng.randint(0, 3))
        ]
        data = {key: value for key, value in record(**fields).items() if value is not None}
        articles.append(article_from_record(data, rng.choice(_BODIES), f"gen/{index}.md"))
    return articles


_LAUNCHER = (
    "import os, resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "os.write(int(os.environ['PEAK_FD']),"
    " str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss).encode())\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Bounded:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float

    @property
    def output(self) -> str:
        """Both streams: validate reports on stdout, export on stderr."""
        return self.stdout + self.stderr


def run_bounded(
    *args: str, timeout: float = 30, stdin: Path | None = None, cwd: Path = REPO
) -> Bounded:
    """`feed-exporter ARGS` in a fresh process; killed (and the test failed) if it
    takes longer than `timeout` seconds."""
    peak_read, peak_write = os.pipe()
    with (
        tempfile.TemporaryDirectory() as cache,  # export's cache: one per run, not the repo's
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        open(stdin or os.devnull, "rb") as feed,
    ):
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "exporter", *args],
            cwd=cwd, stdin=feed, stdout=out, stderr=err, start_new_session=True,
            pass_fds=(peak_write,),
            env={**os.environ, "PEAK_FD": str(peak_write), "FEED_EXPORTER_CACHE_DIR": cache},
        )  # fmt: skip
        os.close(peak_write)
        while True:
            pid, status = os.waitpid(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                os.waitpid(process.pid, 0)
                os.close(peak_read)
                raise AssertionError(f"feed-exporter {' '.join(args)} ran over {timeout} s")
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        with os.fdopen(peak_read) as peak:
            peak_kib = int(peak.read() or 0)
        out.seek(0)
        err.seek(0)
        return Bounded(
            code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_mib=peak_kib / 1024,  # Linux reports KiB
        )


class YamlReference:
    """The reference composer's reading of a YAML text, to compare the fast path with."""

    REFUSED: Final = object()  # what `read` gives for a text the reference refuses

    def read(self, text: str, max_depth: int = 32) -> Any:
        try:
            return compose(text, max_depth=max_depth).value
        except YamlRefused:
            return self.REFUSED

    def same(self, left: Any, right: Any) -> bool:
        """Equal with the same types (True is not 1) and the same key order."""
        if type(left) is not type(right):
            return False
        if isinstance(left, dict):
            return list(left) == list(right) and all(self.same(left[k], right[k]) for k in left)
        if isinstance(left, list):
            return len(left) == len(right) and all(map(self.same, left, right))
        return bool(left == right)

    def agrees(self, text: str, max_depth: int = 32) -> bool:
        """True when the fast path was taken (and then gave the reference value)."""
        fast = fast_compose(text, max_depth)
        if fast is None:
            return False
        expected = self.read(text, max_depth)
        assert expected is not self.REFUSED, f"fast path read what the reference refuses: {text!r}"
        assert self.same(fast, expected), f"{text!r}: fast {fast!r} != reference {expected!r}"
        return True


# --- RFC 5005 archive pages (check: tests/unit/check, tests/acceptance) -----------

FEED_HISTORY = "http://purl.org/syndication/history/1.0"


def archive_document(
    kind: str,
    self_url: str,
    links: tuple[tuple[str, str], ...] = (),
    markers: tuple[str, ...] = (),
    ids: tuple[str, ...] = ("tag:example.com,2024:1",),
) -> str:
    """A valid Atom (`kind="atom"`) or RSS 2.0 (`"rss"`) document with the given
    fh: markers ("archive", "complete"), (rel, href) history links and entry ids:
    every line is its own, so a test can find the line of a link or an id."""
    marks = [f"    <fh:{name}/>" for name in markers]
    if kind == "atom":
        head = [
            f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="{FEED_HISTORY}">',
            "    <title>Archive</title>",
            "    <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>",
            "    <updated>2024-01-31T12:00:00Z</updated>",
            "    <author><name>Ann</name></author>",
            f'    <link rel="self" type="application/atom+xml" href="{self_url}"/>',
            *marks,
            *(f'    <link rel="{rel}" href="{href}"/>' for rel, href in links),
        ]
        entries = [
            f"    <entry><title>Post</title><id>{value}</id>"
            "<updated>2024-01-31T12:00:00Z</updated><content>Text</content></entry>"
            for value in ids
        ]
        return "\n".join([*head, *entries, "</feed>", ""])
    head = [
        f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:fh="{FEED_HISTORY}">',
        "  <channel>",
        "    <title>Archive</title>",
        "    <link>https://example.com/</link>",
        "    <description>Archive pages</description>",
        f'    <atom:link rel="self" type="application/rss+xml" href="{self_url}"/>',
        *marks,
        *(f'    <atom:link rel="{rel}" href="{href}"/>' for rel, href in links),
    ]
    items = [
        f'    <item><title>Post</title><guid isPermaLink="false">{value}</guid></item>'
        for value in ids
    ]
    return "\n".join([*head, *items, "  </channel>", "</rss>", ""])


def line_with(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` in `text`."""
    return text[: text.index(needle)].count("\n") + 1


@dataclass(frozen=True)
class HubRequest:
    """What a local hub received: method, path, content type and the form fields."""

    method: str
    path: str
    content_type: str
    form: dict[str, list[str]]


class LocalHub:
    """A real HTTP server on 127.0.0.1 (a thread of this process) that records
    every request and answers each with `status` (no mocks: the client under
    test opens real sockets)."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.requests: list[HubRequest] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("ascii")
                hub.requests.append(
                    HubRequest(
                        "POST", self.path, self.headers.get("Content-Type", ""), parse_qs(body)
                    )
                )
                self.send_response(hub.status)
                if 300 <= hub.status < 400:
                    self.send_header("Location", "https://elsewhere.example/hub")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def notified(self) -> list[str]:
        """The `hub.url` of every publish notification received, in order."""
        return [url for request in self.requests for url in request.form.get("hub.url", [])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class SilentHub:
    """A socket on 127.0.0.1 that accepts connections and never answers: a hub
    that hangs. Counts the connections it accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hub"
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.connections.append(connection)  # held open, never answered

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join()
        for connection in self.connections:
            connection.close()


# A small valid Atom feed (no finding from `check`) served at SELF, for CLI tests.
SELF = "https://example.com/feed.atom"
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2024-01-31T12:00:00Z</updated>
  <author><name>Ann</name></author>
  <link rel="self" type="application/atom+xml" href="{SELF}"/>
  <entry>
    <title>Post</title>
    <id>tag:example.com,2024:1</id>
    <updated>2024-01-31T12:00:00Z</updated>
    <link href="https://example.com/1"/>
    <summary>Short</summary>
  </entry>
</feed>
"""
