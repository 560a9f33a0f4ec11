"""JSON Feed rules of `check`: for each rule a failing feed (exact rule id, pointer
and line) and the same feed fixed."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.check.jsonfeed import check_jsonfeed
from exporter.problems import Problem, Severity

NOW = datetime(2024, 6, 1, tzinfo=UTC)
FEED_URL = "https://example.org/feed.json"
VALID: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Example",
    "home_page_url": "https://example.org/",
    "feed_url": FEED_URL,
    "authors": [{"name": "Jo"}],
    "items": [
        {
            "id": "https://example.org/1",
            "url": "https://example.org/1",
            "content_html": "<p>Hello</p>",
            "date_published": "2020-01-02T03:04:05Z",
            "tags": ["a", "b"],
        },
        {"id": "https://example.org/2", "content_text": "Second"},
    ],
}


def encode(feed: dict[str, Any]) -> bytes:
    return json.dumps(feed, indent=2).encode()


def run(data: bytes, base: str | None = FEED_URL) -> list[Problem]:
    return check_jsonfeed(data, CheckContext(source="feed.json", base=base, now=NOW))


def line_of_key(data: bytes, pointer: str) -> int:
    """Line where the pointer's last key is first written (json.dumps indent=2 output)."""
    needle = f'"{pointer.rsplit("/", 1)[-1]}":'.encode()
    return next(n for n, line in enumerate(data.splitlines(), 1) if needle in line)


def edit(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    feed = copy.deepcopy(VALID)
    change(feed)
    return feed


def test_valid_feed_has_no_findings() -> None:
    assert run(encode(VALID)) == []


def test_check_bytes_dispatches_json_feed() -> None:
    problems = check_bytes(encode(VALID), CheckContext(source="f", base=FEED_URL, now=NOW))
    assert problems == []


def test_json_feed_1_0_with_author_is_accepted() -> None:
    feed = edit(lambda f: f.update(version="https://jsonfeed.org/version/1", author={"name": "J"}))
    del feed["authors"]
    assert run(encode(feed)) == []


def set_item(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda feed: feed["items"][index].update(values)


def drop_item_key(index: int, key: str) -> Callable[[dict[str, Any]], None]:
    return lambda feed: feed["items"][index].pop(key)


def drop_key(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda feed: feed.pop(key)


def set_key(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda feed: feed.update(values)


# (rule, severity, change, pointer, line: the key's own line or the containing object's)
CASES: list[tuple[str, Severity, Callable[[dict[str, Any]], None], str, str]] = [
    ("jsonfeed-missing-title", Severity.ERROR, drop_key("title"), "", "root"),
    ("jsonfeed-missing-version", Severity.ERROR, drop_key("version"), "", "root"),
    ("jsonfeed-missing-items", Severity.ERROR, drop_key("items"), "", "root"),
    (
        "jsonfeed-unknown-version",
        Severity.WARNING,
        set_key(version="https://jsonfeed.org/version/2"),
        "/version",
        "key",
    ),
    ("jsonfeed-missing-feed-url", Severity.WARNING, drop_key("feed_url"), "", "root"),
    ("jsonfeed-missing-home-page-url", Severity.WARNING, drop_key("home_page_url"), "", "root"),
    (
        "jsonfeed-feed-url-mismatch",
        Severity.WARNING,
        set_key(feed_url="https://example.org/other.json"),
        "/feed_url",
        "key",
    ),
    ("jsonfeed-item-missing-id", Severity.ERROR, drop_item_key(1, "id"), "/items/1", "item1"),
    (
        "jsonfeed-item-id-not-string",
        Severity.ERROR,
        set_item(1, id=2),
        "/items/1/id",
        "item1-key",
    ),
    (
        "jsonfeed-duplicate-item-id",
        Severity.ERROR,
        set_item(1, id="https://example.org/1"),
        "/items/1/id",
        "item1-key",
    ),
    (
        "jsonfeed-item-missing-content",
        Severity.ERROR,
        drop_item_key(1, "content_text"),
        "/items/1",
        "item1",
    ),
    (
        "jsonfeed-invalid-date",
        Severity.ERROR,
        set_item(0, date_published="2020-01-02 03:04:05"),
        "/items/0/date_published",
        "key",
    ),
    (
        "jsonfeed-date-implausible",
        Severity.WARNING,
        set_item(0, date_published="1980-01-02T03:04:05Z"),
        "/items/0/date_published",
        "key",
    ),
    ("jsonfeed-invalid-url", Severity.ERROR, set_item(0, url="/1"), "/items/0/url", "key"),
    ("jsonfeed-unknown-key", Severity.ERROR, set_key(bogus=True), "/bogus", "key"),
    (
        "jsonfeed-extension-not-object",
        Severity.ERROR,
        set_key(_app="x"),
        "/_app",
        "key",
    ),
    (
        "jsonfeed-html-security-risk",
        Severity.WARNING,
        set_item(0, content_html='<img src="x" onerror="alert(1)">'),
        "/items/0/content_html",
        "key",
    ),
    (
        "jsonfeed-deprecated-author",
        Severity.WARNING,
        lambda f: f.update(author=f.pop("authors")[0]),
        "/author",
        "key",
    ),
    (
        "jsonfeed-next-url-is-feed-url",
        Severity.ERROR,
        set_key(next_url=FEED_URL),
        "/next_url",
        "key",
    ),
]


def expected_line(data: bytes, pointer: str, where: str) -> int:
    lines = data.decode().splitlines()
    if where == "root":
        return 1
    if where == "item1":  # the `{` opening the second item
        openings = [n for n, line in enumerate(lines, 1) if line.strip() == "{"]
        return openings[-1]
    return line_of_key(data, pointer) if where == "key" else _item1_key(lines, pointer)


def _item1_key(lines: list[str], pointer: str) -> int:
    key = pointer.rsplit("/", 1)[-1]
    matches = [n for n, line in enumerate(lines, 1) if line.strip().startswith(f'"{key}":')]
    return matches[-1]


@pytest.mark.parametrize(
    ("rule", "severity", "change", "pointer", "where"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_rule_fires_on_broken_feed_and_not_on_valid(
    rule: str,
    severity: Severity,
    change: Callable[[dict[str, Any]], None],
    pointer: str,
    where: str,
) -> None:
    data = encode(edit(change))
    found = [p for p in run(data) if p.rule == rule]
    assert [(p.severity, p.pointer, p.line) for p in found] == [
        (severity, pointer, expected_line(data, pointer, where))
    ]
    assert [p for p in run(encode(VALID)) if p.rule == rule] == []


@pytest.mark.parametrize(
    ("data", "rule", "line", "column"),
    [
        (b'{"version": "x",\n "title": }', "jsonfeed-syntax", 2, 11),
        (b'{"title": "\xff"}', "jsonfeed-encoding", 1, None),
        (b"[" * 5000 + b"]" * 5000, "jsonfeed-too-deep", None, None),
        (b'{"a": NaN}', "jsonfeed-syntax", None, None),
    ],
)
def test_unreadable_json_is_one_finding(
    data: bytes, rule: str, line: int | None, column: int | None
) -> None:
    assert [(p.rule, p.line, p.column) for p in run(data)] == [(rule, line, column)]


def test_duplicate_keys_are_reported_with_pointer_and_line() -> None:
    data = (
        b'{\n"version": "https://jsonfeed.org/version/1.1",\n'
        b'"title": "a",\n"title": "b",\n"items": []}'
    )
    found = [p for p in run(data) if p.rule == "jsonfeed-duplicate-key"]
    assert [(p.pointer, p.line) for p in found] == [("/title", 3)]


def test_top_level_array_is_not_a_feed() -> None:
    assert [(p.rule, p.pointer) for p in run(b"[]")] == [("jsonfeed-not-object", "")]


def test_byte_order_mark_is_a_warning_and_the_feed_is_still_checked() -> None:
    problems = run(b"\xef\xbb\xbf" + encode(VALID))
    assert [(p.rule, p.severity) for p in problems] == [("jsonfeed-bom", Severity.WARNING)]
