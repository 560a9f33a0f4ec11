"""Well-known extension vocabularies inside Atom documents.

RFC 4287 lets any foreign element appear, but the common feed extensions have
their own rules (where they may appear, what their value is). An unknown
namespace is fine; a known element in the wrong place or with a wrong value is
reported, like the reference validator does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from exporter.check.atom_common import ATOM, XHTML
from exporter.check.atom_values import iri_problem, language_problem
from exporter.check.dates import check_rfc3339, check_w3cdtf
from exporter.check.elements import child_elements, describe, direct_text, qname
from exporter.check.findings import Findings

APP = "http://www.w3.org/2007/app"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
TRACKBACK = "http://madskills.com/public/xml/rss/module/trackback/"
CREATIVE_COMMONS = "http://backend.userland.com/creativeCommonsRssModule"
THREADING = "http://purl.org/syndication/thread/1.0"
MEDIA = "http://search.yahoo.com/mrss/"
# Feed vocabularies: their elements describe feeds and entries, never content.
FEED_VOCABULARIES = frozenset(
    {
        ATOM,
        APP,
        DC,
        DCTERMS,
        TRACKBACK,
        CREATIVE_COMMONS,
        THREADING,
        MEDIA,
        "http://purl.org/rss/1.0/modules/content/",
        "http://purl.org/rss/1.0/modules/slash/",
        "http://wellformedweb.org/CommentAPI/",
        "http://purl.org/rss/1.0/modules/syndication/",
        "http://www.itunes.com/dtds/podcast-1.0.dtd",
        "http://www.georss.org/georss",
    }
)


def _url(value: str) -> str | None:
    return iri_problem(value, absolute=True)


def _rfc3339(value: str) -> str | None:
    result = check_rfc3339(value)
    return None if result.ok else f"is not an RFC 3339 date-time ({result.reason})"


def _w3cdtf(value: str) -> str | None:
    result = check_w3cdtf(value)
    return None if result.ok else f"is not a W3C-DTF date ({result.reason})"


def _count(value: str) -> str | None:
    return None if value.isascii() and value.isdigit() else "is not a non-negative integer"


@dataclass(frozen=True, slots=True)
class Extension:
    """Where a known extension element may appear, and how to check its text."""

    parents: tuple[str, ...]
    value: Callable[[str], str | None] | None
    rule: str


# Namespaces the W3C validator knows besides the feed vocabularies: an element of any
# other namespace in a feed, entry or source draws its UnknownNamespace warning.
OTHER_KNOWN_NAMESPACES = frozenset(
    {
        XHTML,
        "http://purl.org/syndication/history/1.0",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://xmlns.com/foaf/0.1/",
        "http://www.w3.org/2003/01/geo/wgs84_pos#",
        "http://a9.com/-/spec/opensearch/1.1/",
        "http://a9.com/-/spec/opensearchrss/1.0/",
        "http://rssnamespace.org/feedburner/ext/1.0",
        "http://www.google.com/schemas/reader/atom/",
        "http://schemas.google.com/g/2005",
        "http://www.google.com/schemas/play-podcasts/1.0",
        "http://purl.org/rss/1.0/modules/admin/",
        "http://purl.org/rss/1.0/modules/annotate/",
        "http://purl.org/rss/1.0/modules/event/",
        "http://purl.org/rss/1.0/modules/image/",
        "http://purl.org/rss/1.0/modules/taxonomy/",
        "http://webns.net/mvcb/",
        "http://web.resource.org/cc/",
        "http://creativecommons.org/ns#",
        "http://search.yahoo.com/mrss",
        "http://www.w3.org/1998/Math/MathML",
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://www.opengis.net/gml",
        "http://www.opengis.net/kml/2.2",
        "http://earth.google.com/kml/2.0",
        "http://earth.google.com/kml/2.1",
        "http://earth.google.com/kml/2.2",
        "http://www.w3.org/XML/1998/namespace",
        "http://purl.org/atompub/license#",
        "http://www.w3.org/2005/10/exslt",
        "http://purl.org/syndication/thread/1.0",
        "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss",
        "http://purl.org/dc/dcmitype/",
        "http://purl.org/atom/ns#",
    }
)
KNOWN_NAMESPACES = FEED_VOCABULARIES | OTHER_KNOWN_NAMESPACES


def check_unknown_namespaces(container: etree._Element, findings: Findings) -> None:
    """Foreign elements of a namespace no feed tool knows, directly in a feed, entry
    or source: allowed (RFC 4287 §6.4), but readers will ignore them."""
    for element in container.iterchildren(etree.Element):
        namespace = qname(element)[0]
        if namespace and namespace != ATOM and namespace not in KNOWN_NAMESPACES:
            findings.warning(
                "atom-unknown-namespace",
                element,
                f"<{qname(element)[1]}> is in the namespace {namespace!r}, which feed readers "
                "do not know: they will ignore it.",
            )
            return


ENTRY_ONLY = ("entry",)
ANYWHERE = ("feed", "entry", "source")
KNOWN: dict[tuple[str, str], Extension] = {
    (TRACKBACK, "ping"): Extension(ENTRY_ONLY, _url, "atom-extension-invalid-url"),
    (TRACKBACK, "about"): Extension(ENTRY_ONLY, _url, "atom-extension-invalid-url"),
    (CREATIVE_COMMONS, "license"): Extension(ANYWHERE, _url, "atom-extension-invalid-url"),
    (THREADING, "total"): Extension(ENTRY_ONLY, _count, "atom-extension-invalid-value"),
    (APP, "edited"): Extension(ENTRY_ONLY, _rfc3339, "atom-invalid-date"),
    (DC, "date"): Extension(ANYWHERE, _w3cdtf, "atom-invalid-date"),
    (DC, "language"): Extension(ANYWHERE, language_problem, "atom-invalid-language"),
    **{
        (DCTERMS, name): Extension(ANYWHERE, _w3cdtf, "atom-invalid-date")
        for name in ("created", "issued", "modified", "date", "available")
    },
}

_KNOWN_TAGS = sorted({f"{{{namespace}}}*" for namespace, _ in KNOWN})


def check_extensions(root: etree._Element, findings: Findings) -> None:
    """Known extension elements directly inside Atom containers."""
    # Only elements of the vocabularies in KNOWN can break a rule: lxml finds them.
    for element in root.iter(*_KNOWN_TAGS):
        namespace, name = qname(element)
        parent = element.getparent()
        if not namespace:  # never: every tag searched for has a namespace
            continue
        if parent is None or qname(parent)[0] != ATOM:
            continue
        known = KNOWN.get((namespace, name))
        if known is None:
            continue
        parent_name = qname(parent)[1]
        if parent_name not in known.parents:
            findings.error(
                "atom-misplaced-extension",
                element,
                f"{describe(element)} is only defined inside "
                f"{' or '.join(f'<{p}>' for p in known.parents)}: move or remove it.",
            )
            continue
        if known.value is not None and not child_elements(element):
            value = direct_text(element).strip()
            reason = known.value(value)
            if reason is not None:
                findings.error(known.rule, element, f"{describe(element)} {value!r} {reason}.")


def check_foreign_in_xhtml(div: etree._Element, findings: Findings) -> None:
    """Inside XHTML content: feed-vocabulary elements are misplaced (an error);
    other foreign namespaces are ignored by readers (a warning)."""
    for element in div.iter():
        namespace = qname(element)[0]
        if not namespace or namespace in EMBEDDABLE:
            continue
        if namespace in FEED_VOCABULARIES:
            findings.error(
                "atom-undefined-element",
                element,
                f"<{qname(element)[1]}> belongs to the feed vocabulary {namespace!r}, not to "
                "XHTML content: move it out of the div.",
            )
        else:
            findings.warning(
                "atom-unknown-namespace",
                element,
                f"<{qname(element)[1]}> in {namespace!r} is not XHTML; readers will ignore it "
                'inside type="xhtml" content.',
            )
        return


EMBEDDABLE = (
    XHTML,
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
)
