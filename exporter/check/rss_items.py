"""Rules for RSS `<item>` elements: required content, guid, enclosure, source, dates."""

from __future__ import annotations

from lxml import etree

from exporter.check.elements import (
    describe_prefixed,
    line_of,
    local_name,
    namespace,
    split_tag,
    trimmed_text,
)
from exporter.check.findings import Findings
from exporter.check.html import html_risks, not_html_reason
from exporter.check.rss_fields import (
    check_contact,
    check_not_blank,
    check_rfc822_date,
    check_rfc3339_date,
    check_url,
    check_w3cdtf_date,
)
from exporter.check.rss_structure import ATOM_NS, CONTENT_NS, DC_NS
from exporter.check.rss_values import is_full_url, is_http_url, is_media_type, parse_integer


def check_items(channel: etree._Element, version: str, findings: Findings) -> None:
    seen_guids: dict[str, int | None] = {}
    for item in channel.iterchildren("{}item"):
        check_item(item, version, findings)
        guid = next(item.iterchildren("{}guid"), None)
        if guid is None:
            continue
        value = trimmed_text(guid)
        if not value:
            continue
        if value in seen_guids:
            findings.error(
                "rss-duplicate-guid",
                guid,
                f"<guid> {value!r} is also used by the item at line {seen_guids[value]}; "
                "every item needs its own guid.",
            )
        else:
            seen_guids[value] = line_of(guid)


def check_item(item: etree._Element, version: str, findings: Findings) -> None:
    children = [(child, split_tag(child.tag)) for child in item.iterchildren(etree.Element)]
    names = {name for _, (ns, name) in children if not ns}
    if "title" not in names and "description" not in names:
        findings.error(
            "rss-item-missing-title-or-description",
            item,
            "<item> has neither a <title> nor a <description>; give it at least one.",
        )
    if "guid" not in names and version.startswith("2."):
        findings.warning(
            "rss-missing-guid",
            item,
            "<item> has no <guid>; add a unique, stable guid so readers don't show it twice.",
        )
    for child, (ns, name) in children:
        _check_item_child(child, ns, name, findings)


def _check_item_child(
    child: etree._Element,
    ns: str,
    name: str,
    findings: Findings,
) -> None:
    if ns == "":
        if name == "title" or name == "category":
            check_not_blank(child, findings)
        elif name in ("link", "comments"):
            check_url(child, findings)
        elif name == "author":
            check_contact(child, findings)
        elif name == "pubDate":
            check_rfc822_date(child, findings)
        elif name == "guid":
            check_guid(child, findings)
        elif name == "enclosure":
            check_enclosure(child, findings)
        elif name == "source":
            _check_source(child, findings)
        elif name == "description":
            check_html_risks(child, findings)
    elif ns == DC_NS and name == "date":
        check_w3cdtf_date(child, findings)
    elif ns == CONTENT_NS and name == "encoded":
        check_html_risks(child, findings)
        if not _description_before(child):
            findings.warning(
                "rss-content-without-description",
                child,
                "<content:encoded> comes without a preceding <description>; put a short "
                "<description> before it for readers that don't show full content.",
            )
    elif ns == ATOM_NS and name == "link":
        check_atom_link_href(child, findings)
    elif ns == ATOM_NS and name in ("updated", "published"):
        check_rfc3339_date(child, findings)


def check_html_risks(element: etree._Element, findings: Findings) -> None:
    """Scripts, frames and event handlers in escaped HTML run in unsafe readers."""
    for risk in html_risks(trimmed_text(element)):
        findings.warning(
            "rss-html-security-risk",
            element,
            f"{describe_prefixed(element)} contains HTML that readers may execute: {risk}",
        )
    reason = not_html_reason(trimmed_text(element))
    if reason is not None:
        findings.warning(
            "rss-not-html",
            element,
            f"{describe_prefixed(element)} is HTML in RSS but {reason}: escape the text "
            "(&lt;) or fix the markup.",
        )


def check_guid(guid: etree._Element, findings: Findings) -> None:
    value = trimmed_text(guid)
    check_not_blank(guid, findings)
    flag = guid.get("isPermaLink")
    if flag is not None and flag not in ("true", "false"):
        findings.error(
            "rss-invalid-ispermalink",
            guid,
            f'<guid isPermaLink="{flag}"> must be "true" or "false".',
        )
    if flag != "false":
        if not is_full_url(value):
            findings.error(
                "rss-guid-not-url",
                guid,
                f"<guid> {value!r} is a permalink (isPermaLink defaults to true) but not a URL; "
                'add isPermaLink="false" or use the item\'s full URL.',
            )
        elif value.lower().startswith(("tag:", "urn:uuid:")):
            findings.error(
                "rss-guid-invalid-permalink",
                guid,
                f"<guid> {value!r} is a tag:/urn: identifier, which readers cannot open as a "
                'link; add isPermaLink="false".',
            )
    elif value.isdigit() and len(value) < 9:
        findings.warning(
            "rss-guid-not-unique-enough",
            guid,
            f"<guid> {value!r} is a short number that other feeds also use; make it globally "
            "unique, e.g. prefix it with your domain.",
        )


def check_enclosure(enclosure: etree._Element, findings: Findings) -> None:
    missing = [a for a in ("url", "length", "type") if enclosure.get(a) is None]
    if missing:
        findings.error(
            "rss-enclosure-missing-attribute",
            enclosure,
            f"<enclosure> lacks {', '.join(missing)}; an enclosure needs url, length (bytes, "
            "0 if unknown) and type.",
        )
    url, length, media_type = (enclosure.get(a) for a in ("url", "length", "type"))
    if url is not None and not is_http_url(url):
        findings.error(
            "rss-enclosure-invalid-url",
            enclosure,
            f"<enclosure url={url!r}> must be an absolute http or https URL.",
        )
    if length is not None:
        number = parse_integer(length.strip())
        if number is None or number < 0:
            findings.error(
                "rss-enclosure-invalid-length",
                enclosure,
                f"<enclosure length={length!r}> must be the size in bytes, a whole number "
                "(use 0 when the size is unknown).",
            )
    if media_type is not None and not is_media_type(media_type.strip()):
        findings.error(
            "rss-enclosure-invalid-type",
            enclosure,
            f"<enclosure type={media_type!r}> is not a media type such as 'audio/mpeg'.",
        )


def _check_source(source: etree._Element, findings: Findings) -> None:
    url = source.get("url")
    if url is None:
        findings.error(
            "rss-source-missing-url",
            source,
            "<source> needs a url attribute with the address of the feed it came from.",
        )
    elif not is_full_url(url.strip()):
        findings.error(
            "rss-invalid-url",
            source,
            f"<source url={url!r}> is not an absolute URL; write the full feed address.",
        )


def check_atom_link_href(link: etree._Element, findings: Findings) -> None:
    if link.get("href") is None:
        findings.error(
            "rss-atom-link-missing-href",
            link,
            f"{describe_prefixed(link)} has no href; add the address it points to.",
        )


def _description_before(element: etree._Element) -> bool:
    return any(
        isinstance(sibling.tag, str)
        and not namespace(sibling)
        and local_name(sibling) == "description"
        for sibling in element.itersiblings(preceding=True)
    )
