"""The WebSub hubs a feed names: Atom `<link rel="hub">`, RSS `<atom:link
rel="hub">` (as in the channel), JSON Feed 1.1 `hubs`.

A subscriber sends its subscription request to each hub by HTTP POST (WebSub
§4, §5.1), so a hub that is not an absolute http(s) URL, once resolved, can
never be reached: an error. Naming one hub twice is harmless but a mistake: a
warning. The W3C Feed Validator has no hub rules (none of its reference cases
names a hub), so these never change a verdict it gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from exporter.check.atom_common import ATOM
from exporter.check.atom_links import relation, xml_base
from exporter.check.elements import line_of
from exporter.check.jsonfeed_parse import JSONValue
from exporter.iri import is_valid_iri_reference, resolve, same_url, scheme
from exporter.problems import Problem, Severity

_ATOM_LINK = f"{{{ATOM}}}link"


@dataclass(frozen=True, slots=True)
class Hub:
    """One hub as written (`href`) and resolved against xml:base and the
    document's URL when they are known (`target`, else still relative)."""

    href: str
    target: str
    line: int | None = None
    pointer: str | None = None


def xml_hubs(parent: etree._Element, base: str | None) -> list[Hub]:
    """The `rel="hub"` Atom links directly inside an Atom feed or an RSS channel."""
    found: list[Hub] = []
    for link in parent.iterchildren(_ATOM_LINK):
        href = link.get("href")
        if href is None or relation(link) != "hub":
            continue
        scope = xml_base(link, base)
        found.append(Hub(href, resolve(scope, href.strip()), line_of(link)))
    return found


def json_hubs(feed: dict[str, JSONValue], base: str | None) -> list[Hub]:
    """The `hubs[].url` strings of a JSON Feed (their shape is the schema's job)."""
    hubs = feed.get("hubs")
    found: list[Hub] = []
    for index, hub in enumerate(hubs if isinstance(hubs, list) else []):
        url = hub.get("url") if isinstance(hub, dict) else None
        if isinstance(url, str):
            pointer = f"/hubs/{index}/url"
            found.append(Hub(url, resolve(base, url.strip()), pointer=pointer))
    return found


def hub_problems(hubs: Sequence[Hub], source: str, judge_syntax: bool) -> list[Problem]:
    """Every hub finding; `judge_syntax` when the family's own rules do not
    already judge the URL's syntax and relativity (RSS: nothing else does)."""
    problems: list[Problem] = []

    def report(rule: str, hub: Hub, message: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(
            Problem(source, rule, message, line=hub.line, pointer=hub.pointer, severity=severity)
        )

    seen: list[str] = []
    for hub in hubs:
        href = hub.href.strip()
        if judge_syntax and not is_valid_iri_reference(href):
            report("feed-hub-invalid-url", hub, f"The hub {href!r} is not a URL: {_FIX}.")
            continue
        found = scheme(hub.target)
        if found is None:
            if judge_syntax:
                report(
                    "feed-hub-relative-url",
                    hub,
                    f"The hub {href!r} is relative and nothing resolves it; subscribers "
                    f"cannot find the hub: {_FIX}.",
                    Severity.WARNING,
                )
            continue
        if found not in ("http", "https"):
            report(
                "feed-hub-invalid-url",
                hub,
                f"The hub {href!r} is a {found}: URL; subscribers reach a hub by HTTP "
                f"POST: {_FIX}.",
            )
            continue
        if any(same_url(hub.target, earlier) for earlier in seen):
            report(
                "feed-hub-duplicate",
                hub,
                f"The hub {href!r} is named twice; subscribers would subscribe twice: remove one.",
                Severity.WARNING,
            )
            continue
        seen.append(hub.target)
    return problems


_FIX = "write the hub's absolute http(s) URL"
