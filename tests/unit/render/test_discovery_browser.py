"""feeds.html as a browser sees it: served over HTTP on 127.0.0.1, loaded in headless
Chromium (Debian's /usr/bin/chromium) driven by Playwright, asserted on the live DOM.

Playwright rather than `chromium --dump-dom`: besides the DOM it tells whether a
dialog opened, a script error happened, a hostile payload set a global, and which
requests the page made. Playwright never downloads a browser here (`playwright
install` is never run): it starts the system Chromium by path.

CI installs Chromium (.ci/run) and must run this test: it sets
FEED_EXPORTER_BROWSER=required, and then a missing browser fails it. Elsewhere
(the README's test command on a machine without Chromium) it is skipped with
the reason.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from exporter.render.discovery import FeedListing, render_page

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # judged in `loaded`: a failure in CI, a skip elsewhere
    sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs (closed network, root, no GPU): see the machine notes.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_TITLE = '<script>window.pwned = 3</script> Feeds & "more" — 選挙'
PREVIEW = 5


@dataclass
class LoadedPage:
    page: Any  # playwright Page
    origin: str
    feeds: dict[str, FeedListing]
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


def chromium_or_reason() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    if sync_playwright is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a folder, on a free port."""
    folder = tmp_path_factory.mktemp("site")
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def loaded(
    server: tuple[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    discovery_feeds: list[FeedListing],
) -> Iterator[LoadedPage]:
    reason = chromium_or_reason()
    if reason is not None:
        if os.environ.get("FEED_EXPORTER_BROWSER", "") == "required":
            pytest.fail(f"CI must run the browser test: {reason}", pytrace=False)
        pytest.skip(reason)
    origin, folder = server
    (folder / "feeds.html").write_bytes(render_page(discovery_feeds, PAGE_TITLE, PREVIEW))
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page: Page = context.new_page()
            result = LoadedPage(page, origin, {feed.path: feed for feed in discovery_feeds})
            page.on("dialog", functools.partial(_dismissed, result.dialogs))
            page.on("pageerror", lambda error: result.errors.append(str(error)))
            page.on("request", lambda request: result.requests.append(request.url))
            response = page.goto(f"{origin}/feeds.html", wait_until="load")
            assert response is not None and response.status == 200
            yield result
        finally:
            context.close()


def test_no_script_ran_and_nothing_was_fetched_elsewhere(loaded: LoadedPage) -> None:
    page = loaded.page
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('img, svg, b, iframe').length") == 0
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert loaded.dialogs == [] and loaded.errors == []
    assert loaded.requests and all(url.startswith(loaded.origin + "/") for url in loaded.requests)
    assert page.title() == PAGE_TITLE
    assert page.evaluate("document.characterSet") == "UTF-8"


def test_head_announces_the_main_feeds(loaded: LoadedPage) -> None:
    found = loaded.page.evaluate(
        """[...document.head.querySelectorAll('link[rel="alternate"]')]
             .map(link => [link.type, link.title, link.getAttribute('href')])"""
    )
    main = [loaded.feeds[path] for path in ("rss.xml", "atom.xml", "feed.json")]
    media = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    media["json"] = "application/feed+json"
    assert found == [[media[feed.format], feed.title, feed.url] for feed in main]


def test_each_link_tag_is_text_that_pastes_back_as_a_tag(loaded: LoadedPage) -> None:
    shown = loaded.page.evaluate(
        """[...document.querySelectorAll('div.feed')].map(block => {
             const code = block.querySelector('pre > code');
             const paste = document.createElement('template');
             paste.innerHTML = code.textContent;  // inert: template content never runs
             const link = paste.content.firstElementChild;
             return {heading: block.querySelector('h3').textContent,
                     codeChildren: code.children.length,
                     pasted: [link.tagName, link.rel, link.title, link.getAttribute('href')]};
           })"""
    )
    by_title = sorted((block["heading"], block["pasted"][3]) for block in shown)
    assert by_title == sorted((feed.title, feed.url) for feed in loaded.feeds.values())
    for block in shown:
        assert block["codeChildren"] == 0
        tag, rel, title, _ = block["pasted"]
        assert (tag, rel, title) == ("LINK", "alternate", block["heading"])


def test_preview_titles_and_links_are_in_the_dom_as_text(loaded: LoadedPage) -> None:
    previews = loaded.page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('div.feed')].map(block => [
             block.querySelector('p > a').getAttribute('href'),
             [...block.querySelectorAll('ol > li')].map(item => {
               const link = item.querySelector('a');
               return [item.firstElementChild.textContent,
                       link && link.href,
                       item.querySelector('time').dateTime];
             })]))"""
    )
    for feed in loaded.feeds.values():
        expected = [
            [
                entry.title,
                # the URL as the browser itself reads the record's URL: lxml writes
                # non-ASCII in an href as UTF-8 %-escapes (RFC 3987 3.1), the same URL
                None if entry.url.startswith("javascript:") else browser_url(loaded, entry.url),
                entry.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ]
            for entry in feed.entries[:PREVIEW]
        ]
        assert previews[feed.url] == expected, feed.path


def test_every_link_is_http_and_the_hostile_title_is_visible_text(loaded: LoadedPage) -> None:
    page = loaded.page
    protocols = page.evaluate("[...document.links].map(link => link.protocol)")
    assert protocols and set(protocols) <= {"http:", "https:"}
    text = page.inner_text("body")
    assert '<script>window.pwned = 1</script> & "quotes"' in text
    assert "Εκλογές 2024 — 選挙 — الانتخابات" in text
    assert page.get_by_text("Click me").evaluate("node => node.tagName") == "SPAN"


def browser_url(loaded: LoadedPage, url: str) -> str:
    return str(loaded.page.evaluate("url => new URL(url).href", url))


def _dismissed(messages: list[str], dialog: Any) -> None:
    """A dialog is a script that ran: note it (the test fails on it) and close it."""
    messages.append(dialog.message)
    dialog.dismiss()
