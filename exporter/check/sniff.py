"""What a folder walk leaves alone: files that are evidently not feeds.

A site's public folder holds `sitemap.xml`, a web app `manifest.json`, search
indexes (`index.json`) and the like beside its feeds. `check public/` must not
fail on them (issue 13), so a walk skips them, saying why; a file named on the
command line is always checked. "Evidently" is deliberately narrow: a root that
is a known non-feed vocabulary, HTML, or JSON without JSON Feed's `version`.
Anything that might be a broken feed (an unknown root, JSON that does not
parse, RSS 1.0) is still checked and reported.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from exporter.check.elements import qname

# Root element local name -> what the document is.
NOT_FEED_ROOTS = {
    "urlset": "a sitemap",
    "sitemapindex": "a sitemap index",
    "html": "an HTML page",
    "browserconfig": "a browser configuration file",
    "svg": "an SVG image",
}
_HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
JSON_FEED_VERSION = "jsonfeed.org/version/"


def non_feed_xml(root: etree._Element) -> str | None:
    """What a parsed XML document is, when its root says it is not a feed."""
    _namespace, local = qname(root)
    return NOT_FEED_ROOTS.get(local)


def non_feed_markup(data: bytes) -> str | None:
    """HTML that is not well-formed XML (`<!DOCTYPE html>`, `<html>`)."""
    return "an HTML page" if _HTML_START.match(data[:4096]) else None


def non_feed_json(data: bytes) -> str | None:
    """JSON that parses and has no JSON Feed `version`: a web app manifest, a search
    index, a data file. JSON that does not parse may be a broken feed: None."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return "JSON that is not an object (not a JSON Feed)"
    version = document.get("version")
    if isinstance(version, str) and JSON_FEED_VERSION in version:
        return None
    if "icons" in document or "start_url" in document:
        return "a web app manifest"
    return "JSON without a JSON Feed version"
