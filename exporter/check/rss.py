"""RSS 2.0 / 0.9x rules of `feed-exporter check`.

Order: the root and its version, the vocabulary (undefined, repeated elements,
stray attributes and text), channel and item values, the self link, and last the
RELAX NG schema (schemas/rss.rng). The schema's messages are generic ("Extra
element title in interleave"), so they are reported only when no specific rule
found an error: the precise finding wins and the schema is a safety net.
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from exporter.check.context import CheckContext
from exporter.check.elements import child_elements, line_of, local_name, namespace
from exporter.check.findings import Findings
from exporter.check.history import history_problems
from exporter.check.hubs import hub_problems, xml_hubs
from exporter.check.pages import rss_page
from exporter.check.rss_channel import check_channel
from exporter.check.rss_items import check_atom_link_href, check_items
from exporter.check.rss_structure import ATOM_NS, check_structure
from exporter.check.rss_text import check_plain_text
from exporter.check.rss_values import is_full_url
from exporter.problems import Problem
from exporter.resources import schema_path

SCHEMA_PATH = schema_path("rss.rng")
KNOWN_VERSIONS = ("0.91", "0.92", "2.0")
_GENERIC_SCHEMA_MESSAGE = re.compile(r"failed to validate content|in interleave")


def check_rss(tree: etree._ElementTree, context: CheckContext) -> list[Problem]:
    """All RSS findings for a parsed feed, sorted by line."""
    findings = Findings(context)
    root = tree.getroot()
    if namespace(root) or local_name(root) != "rss":
        findings.error(
            "rss-root",
            root,
            f"The root element is <{root.tag}>, not <rss>; this is not an RSS 2.0 feed.",
        )
        return findings.problems
    version = _check_version(root, findings)
    check_structure(root, findings)
    channels = [c for c in child_elements(root) if not namespace(c) and local_name(c) == "channel"]
    if not channels:
        findings.error(
            "rss-missing-channel",
            root,
            "<rss> has no <channel>; put the feed's title, link, description and items in one.",
        )
    for channel in channels[:1]:
        check_channel(channel, findings)
        check_items(channel, version, findings)
        check_plain_text(channel, version, findings)
        _check_self_link(channel, version, findings)
    if not findings.has_errors:
        findings.problems.extend(schema_problems(tree, context.source))
    for channel in channels[:1]:  # after the schema: RFC 5005 errors do not hide it
        findings.problems.extend(history_problems(rss_page(channel, context.base), context))
        hubs = xml_hubs(channel, context.base)
        findings.problems.extend(hub_problems(hubs, context.source, judge_syntax=True))
    return sorted(findings.problems, key=lambda p: (p.line or 0, p.rule))


def _check_version(root: etree._Element, findings: Findings) -> str:
    version = root.get("version")
    if version is None:
        findings.error(
            "rss-missing-version",
            root,
            '<rss> has no version attribute; write <rss version="2.0">.',
        )
        return "2.0"
    if version.strip() not in KNOWN_VERSIONS:
        findings.error(
            "rss-invalid-version",
            root,
            f'<rss version="{version}"> is not a published RSS version; write version="2.0".',
        )
    return version.strip()


def _check_self_link(channel: etree._Element, version: str, findings: Findings) -> None:
    links = [c for c in child_elements(channel) if namespace(c) == ATOM_NS]
    links = [c for c in links if local_name(c) == "link"]
    for link in links:
        check_atom_link_href(link, findings)
    selves = [link for link in links if link.get("rel") == "self"]
    if not selves:
        if version.startswith("2."):
            findings.warning(
                "rss-missing-self-link",
                channel,
                '<channel> has no <atom:link rel="self">; add one with the URL the feed is '
                'served from (xmlns:atom="http://www.w3.org/2005/Atom", '
                'type="application/rss+xml").',
            )
        return
    href = (selves[0].get("href") or "").strip()
    base = findings.context.base
    if href and not is_full_url(href):
        findings.warning(
            "rss-relative-self-link",
            selves[0],
            f'<atom:link rel="self" href={href!r}> is relative; write the absolute URL.',
        )
    elif href and base and not _same_url(href, base):
        findings.warning(
            "rss-self-link-mismatch",
            selves[0],
            f'<atom:link rel="self" href={href!r}> does not match the URL the feed is served '
            f"from ({base}); make them equal.",
        )


def _same_url(left: str, right: str) -> bool:
    """Equal apart from scheme/host case and a fragment, as readers compare them."""

    def normal(url: str) -> str:
        url = url.split("#", 1)[0]
        scheme, sep, rest = url.partition("://")
        host, slash, path = rest.partition("/")
        return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}"

    return normal(left) == normal(right)


@cache
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_PATH)))


def schema_problems(tree: etree._ElementTree, source: str) -> list[Problem]:
    """RELAX NG findings (rule `rss-schema`), one per reported line."""
    schema = _schema()
    if schema.validate(tree):
        return []
    entries = list(schema.error_log)
    # libxml2 repeats a failure up the tree ("Element channel failed to validate
    # content"); keep the innermost messages when there are any.
    specific = [e for e in entries if not _GENERIC_SCHEMA_MESSAGE.search(e.message)]
    problems: list[Problem] = []
    seen_lines: set[int] = set()
    for entry in specific or entries:
        line = entry.line or None
        if line is None or line in seen_lines:
            continue
        seen_lines.add(line)
        problems.append(
            Problem(
                path=source,
                rule="rss-schema",
                message=f"The feed does not match the RSS 2.0 structure: {entry.message}.",
                line=line,
            )
        )
    if not problems:
        problems.append(
            Problem(
                path=source,
                rule="rss-schema",
                message="The feed does not match the RSS 2.0 structure (schemas/rss.rng).",
                line=line_of(tree.getroot()),
            )
        )
    return problems
