"""JSON Feed rules a JSON Schema cannot express: versions, recommendations,
uniqueness, plausible dates and HTML that readers might execute."""

from __future__ import annotations

from collections.abc import Callable

from exporter.check.context import CheckContext
from exporter.check.dates import check_rfc3339, implausibility
from exporter.check.html import html_risks
from exporter.check.jsonfeed_parse import JSONValue
from exporter.iri import resolve, same_url
from exporter.problems import Problem, Severity, json_pointer

VERSION_1_0 = "https://jsonfeed.org/version/1"
VERSION_1_1 = "https://jsonfeed.org/version/1.1"
DATE_KEYS = ("date_published", "date_modified")
WARN = Severity.WARNING
# warn(rule, message, pointer): records a warning finding.
Warn = Callable[[str, str, str], None]


def rule_problems(feed: dict[str, JSONValue], context: CheckContext) -> list[Problem]:
    found: list[Problem] = []

    def warn(rule: str, message: str, pointer: str) -> None:
        found.append(Problem(context.source, rule, message, pointer=pointer, severity=WARN))

    version = feed.get("version")
    if isinstance(version, str) and version not in (VERSION_1_0, VERSION_1_1):
        warn(
            "jsonfeed-unknown-version",
            f"version {version!r} is not a published JSON Feed version; write {VERSION_1_1!r}.",
            "/version",
        )
    for key, why in (
        ("home_page_url", "readers link the feed to your site with it"),
        ("feed_url", "readers use it to find and deduplicate the feed"),
    ):
        if key not in feed:
            warn(f"jsonfeed-missing-{key.replace('_', '-')}", f"Add {key!r}: {why}.", "")
    feed_url = feed.get("feed_url")
    if isinstance(feed_url, str) and context.base and not same_url(feed_url, context.base):
        warn(
            "jsonfeed-feed-url-mismatch",
            f"feed_url {feed_url!r} does not match the URL the feed is served from "
            f"({context.base}); make them equal.",
            "/feed_url",
        )
    next_url = feed.get("next_url")
    own = [url for url in (feed_url, context.base) if isinstance(url, str) and url.strip()]
    if isinstance(next_url, str) and any(
        same_url(resolve(context.base, next_url), resolve(context.base, url)) for url in own
    ):
        found.append(
            Problem(
                context.source,
                "jsonfeed-next-url-is-feed-url",
                "next_url is this feed's own URL, so paging readers loop forever; point "
                "next_url at the next page or remove it.",
                pointer="/next_url",
            )
        )
    if version == VERSION_1_1:
        _deprecated_author(feed, "", warn)
    items = feed.get("items")
    if isinstance(items, list):
        found.extend(_item_problems(items, version, context))
    return found


def _deprecated_author(obj: dict[str, JSONValue], pointer: str, warn: Warn) -> None:
    if "author" in obj and "authors" not in obj:
        warn(
            "jsonfeed-deprecated-author",
            "'author' is deprecated in JSON Feed 1.1; write 'authors': [{...}] (keep 'author' "
            "too only if 1.0 readers matter).",
            pointer + "/author",
        )


def _item_problems(
    items: list[JSONValue], version: JSONValue, context: CheckContext
) -> list[Problem]:
    found: list[Problem] = []

    def warn(rule: str, message: str, pointer: str) -> None:
        found.append(Problem(context.source, rule, message, pointer=pointer, severity=WARN))

    first_use: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        at = json_pointer(["items", index])
        item_id = item.get("id")
        if isinstance(item_id, str | int | float) and not isinstance(item_id, bool):
            key = str(item_id)
            if key in first_use:
                found.append(
                    Problem(
                        context.source,
                        "jsonfeed-duplicate-item-id",
                        f"Item id {key!r} is also used by /items/{first_use[key]}; every item "
                        "needs its own id, or readers drop one of them.",
                        pointer=at + "/id",
                    )
                )
            else:
                first_use[key] = index
        for date_key in DATE_KEYS:
            value = item.get(date_key)
            parsed = check_rfc3339(value).value if isinstance(value, str) else None
            reason = implausibility(parsed, context.now) if parsed else None
            if reason:
                warn(
                    "jsonfeed-date-implausible",
                    f"{date_key}: {reason}; check the clock or time zone that produced it.",
                    f"{at}/{date_key}",
                )
        html = item.get("content_html")
        if isinstance(html, str):
            for risk in html_risks(html):
                warn(
                    "jsonfeed-html-security-risk",
                    f"content_html contains HTML that readers may execute: {risk}",
                    f"{at}/content_html",
                )
        if version == VERSION_1_1:
            _deprecated_author(item, at, warn)
    return found
