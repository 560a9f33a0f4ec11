"""Atom `link` rules (RFC 4287 §4.2.7) and the feed's self link.

Relative references are resolved the way a reader would: against the
in-scope `xml:base`, then against the URL the feed is served from (`--base`).
"""

from __future__ import annotations

from lxml import etree

from exporter.check.atom_common import XML, atom_children
from exporter.check.atom_values import iri_problem, language_problem, media_type_problem
from exporter.check.elements import describe
from exporter.check.findings import Findings
from exporter.iri import is_absolute, resolve, same_url

IANA_RELATION_PREFIX = "http://www.iana.org/assignments/relation/"
# IANA link relations registry (the names Atom readers know).
REGISTERED_RELATIONS = frozenset(
    (
        "about",
        "acl",
        "alternate",
        "amphtml",
        "appendix",
        "apple-touch-icon",
        "apple-touch-startup-image",
        "archives",
        "author",
        "blocked-by",
        "bookmark",
        "canonical",
        "chapter",
        "cite-as",
        "collection",
        "contents",
        "convertedfrom",
        "copyright",
        "create-form",
        "current",
        "describedby",
        "describes",
        "disclosure",
        "dns-prefetch",
        "duplicate",
        "edit",
        "edit-form",
        "edit-media",
        "enclosure",
        "external",
        "first",
        "glossary",
        "help",
        "hosts",
        "hub",
        "icon",
        "index",
        "intervalafter",
        "intervalbefore",
        "intervalcontains",
        "intervaldisjoint",
        "intervalduring",
        "intervalequals",
        "intervalfinishedby",
        "intervalfinishes",
        "intervalin",
        "intervalmeets",
        "intervalmetby",
        "intervaloverlappedby",
        "intervaloverlaps",
        "intervalstartedby",
        "intervalstarts",
        "item",
        "last",
        "latest-version",
        "license",
        "linkset",
        "lrdd",
        "manifest",
        "mask-icon",
        "me",
        "media-feed",
        "memento",
        "micropub",
        "modulepreload",
        "monitor",
        "monitor-group",
        "next",
        "next-archive",
        "nofollow",
        "noopener",
        "noreferrer",
        "opener",
        "openid2.local_id",
        "openid2.provider",
        "original",
        "p3pv1",
        "payment",
        "pingback",
        "preconnect",
        "predecessor-version",
        "prefetch",
        "preload",
        "prerender",
        "prev",
        "prev-archive",
        "preview",
        "previous",
        "privacy-policy",
        "profile",
        "publication",
        "related",
        "replies",
        "restconf",
        "ruleinput",
        "search",
        "section",
        "self",
        "service",
        "service-desc",
        "service-doc",
        "service-meta",
        "sponsored",
        "start",
        "status",
        "stylesheet",
        "subsection",
        "successor-version",
        "sunset",
        "tag",
        "terms-of-service",
        "timegate",
        "timemap",
        "type",
        "ugc",
        "up",
        "version-history",
        "via",
        "webmention",
        "working-copy",
        "working-copy-of",
    )
)
FEED_MEDIA_TYPES = (
    "application/atom+xml",
    "application/rss+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


def xml_base(element: etree._Element, document_base: str | None) -> str | None:
    """The base URI in scope at an element: nested `xml:base` values resolved
    against each other and, last, against the document's own URL."""
    bases: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        value = node.get(f"{{{XML}}}base")
        if value is not None:
            bases.append(value.strip())
        node = node.getparent()
    base = document_base
    for value in reversed(bases):
        base = resolve(base, value) if base else value
    return base


def has_absolute_base(element: etree._Element) -> bool:
    """True when an absolute `xml:base` is in scope (readers can resolve)."""
    base = xml_base(element, None)
    return base is not None and is_absolute(base)


def relation(link: etree._Element) -> str:
    rel = link.get("rel") or "alternate"
    if rel.startswith(IANA_RELATION_PREFIX):
        return rel[len(IANA_RELATION_PREFIX) :]
    return rel


def check_link(link: etree._Element, findings: Findings) -> None:
    """One `link` element's attributes."""
    href = link.get("href")
    rel = relation(link)
    if href is None:
        findings.error(
            "atom-missing-href",
            link,
            f"{describe(link)} has no href attribute: add the URL it points to.",
        )
    else:
        reason = iri_problem(href, absolute=False)
        if reason is not None:
            findings.error("atom-invalid-iri", link, f"{describe(link)} href {href!r} {reason}.")
        elif not is_absolute(href) and not has_absolute_base(link) and rel != "self":
            findings.warning(
                "atom-relative-url",
                link,
                f"{describe(link)} href {href!r} is relative and no xml:base applies; many "
                "readers cannot resolve it: write an absolute URL.",
            )
    if rel not in REGISTERED_RELATIONS and not is_absolute(rel):
        findings.warning(
            "atom-unregistered-rel",
            link,
            f'{describe(link)} rel="{rel}" is neither an IANA-registered relation nor an '
            "absolute IRI: use a registered name (alternate, related, self, enclosure, via) "
            "or a URI you control.",
        )
    _check_link_attributes(link, findings)


def _check_link_attributes(link: etree._Element, findings: Findings) -> None:
    kind = link.get("type")
    if kind is not None:
        reason = media_type_problem(kind)
        if reason is not None:
            findings.error(
                "atom-invalid-media-type", link, f'{describe(link)} type="{kind}" {reason}.'
            )
    hreflang = link.get("hreflang")
    if hreflang is not None:
        reason = language_problem(hreflang)
        if reason is not None:
            findings.error(
                "atom-invalid-language", link, f'{describe(link)} hreflang="{hreflang}" {reason}.'
            )
    length = link.get("length")
    if length is not None and not (length.strip().isascii() and length.strip().isdigit()):
        findings.error(
            "atom-invalid-length",
            link,
            f'{describe(link)} length="{length}" must be a non-negative number of bytes.',
        )


def check_alternates(
    parent: etree._Element, findings: Findings, links: list[etree._Element] | None = None
) -> None:
    """RFC 4287 §4.1.1: at most one alternate link per type and hreflang (`links`:
    the parent's Atom links, when the caller already has them)."""
    seen: set[tuple[str | None, str | None]] = set()
    for link in atom_children(parent, "link") if links is None else links:
        if relation(link) != "alternate":
            continue
        key = (link.get("type"), link.get("hreflang"))
        if key in seen:
            findings.error(
                "atom-duplicate-alternate",
                link,
                f'{describe(link)}: a second rel="alternate" link with type={key[0]!r} and '
                f"hreflang={key[1]!r}; give each alternate a different type or hreflang, or "
                'use rel="related".',
            )
        seen.add(key)


def check_self(feed: etree._Element, findings: Findings) -> None:
    """The feed's self link: present, absolute (or resolvable), a feed media type,
    and (with --base) equal to the URL the feed is served from."""
    selves = [link for link in atom_children(feed, "link") if relation(link) == "self"]
    if not selves:
        findings.warning(
            "atom-missing-self",
            feed,
            'The feed has no <link rel="self" href="..."/>: add one with the URL the feed '
            "is served from, so readers and hubs can find it again.",
        )
        return
    link = selves[0]
    href = link.get("href")
    if href is None:
        return
    kind = link.get("type")
    if kind is not None and kind.split(";")[0].strip().lower() not in FEED_MEDIA_TYPES:
        findings.warning(
            "atom-self-type",
            link,
            f'The self link has type="{kind}": use type="application/atom+xml".',
        )
    if not is_absolute(href) and not has_absolute_base(link):
        findings.warning(
            "atom-relative-self",
            link,
            f"The self link {href!r} is relative: write the feed's absolute URL.",
        )
    base = findings.context.base
    if base:
        resolved = resolve(xml_base(link, base), href)
        if not same_url(resolved, base):
            findings.warning(
                "atom-self-mismatch",
                link,
                f"The self link {resolved!r} is not the URL the feed is served from "
                f"({base!r}): make them the same.",
            )


def check_self_in_any_namespace(root: etree._Element, findings: Findings) -> None:
    """A feed whose root is not in the Atom namespace: is there a self link at all?"""
    if not any(link.get("rel") == "self" for link in root.iterchildren("{*}link")):
        findings.warning(
            "atom-missing-self",
            root,
            'The feed has no <link rel="self" href="..."/> either: add one with the URL the '
            "feed is served from.",
        )
