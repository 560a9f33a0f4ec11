"""Rules for one RSS element's value: dates, URLs, contacts, language, numbers.

Channel, image, textInput and item rules share these, so a `pubDate` or a `link`
is judged the same wherever it appears.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from exporter.check.dates import (
    DateStatus,
    check_rfc822,
    check_rfc3339,
    check_w3cdtf,
    implausibility,
)
from exporter.check.elements import describe_prefixed, trimmed_text
from exporter.check.findings import Findings
from exporter.check.rss_values import (
    ContactVerdict,
    classify_contact,
    is_full_url,
    is_language,
    parse_integer,
)

RFC822_EXAMPLE = "Mon, 02 Jan 2006 15:04:05 +0000"


def check_rfc822_date(element: etree._Element, findings: Findings) -> None:
    value = trimmed_text(element)
    result = check_rfc822(value)
    if result.status is DateStatus.VALID:
        _check_plausible(element, result.value, findings)
        return
    where = describe_prefixed(element)
    if result.status is DateStatus.INVALID:
        findings.error(
            "rss-invalid-date",
            element,
            f"{where} {value!r} is not an RFC 822 date ({result.reason}); write it like "
            f"{RFC822_EXAMPLE!r}.",
        )
    elif result.status is DateStatus.WRONG_WEEKDAY:
        findings.error(
            "rss-date-weekday",
            element,
            f"{where} {value!r}: {result.reason}; fix the day name or the date.",
        )
    elif result.status is DateStatus.PROBLEMATICAL:
        findings.warning(
            "rss-date-problematical",
            element,
            f"{where} {value!r} is {result.reason}, like {RFC822_EXAMPLE!r}.",
        )
    _check_plausible(element, result.value, findings)


def check_w3cdtf_date(element: etree._Element, findings: Findings) -> None:
    value = trimmed_text(element)
    result = check_w3cdtf(value)
    if not result.ok:
        findings.error(
            "rss-invalid-w3cdtf-date",
            element,
            f"{describe_prefixed(element)} {value!r} is not a W3C-DTF date ({result.reason}); "
            "write it like '2006-01-02T15:04:05Z'.",
        )
    _check_plausible(element, result.value, findings)


def check_rfc3339_date(element: etree._Element, findings: Findings) -> None:
    """An Atom date inside RSS (`atom:updated`, the one way RSS says an item was
    edited) follows Atom's own rule: RFC 3339."""
    value = trimmed_text(element)
    result = check_rfc3339(value)
    if not result.ok:
        findings.error(
            "rss-invalid-rfc3339-date",
            element,
            f"{describe_prefixed(element)} {value!r} is not an RFC 3339 date-time "
            f"({result.reason}); write it like '2006-01-02T15:04:05Z'.",
        )
    _check_plausible(element, result.value, findings)


def _check_plausible(element: etree._Element, value: datetime | None, findings: Findings) -> None:
    if value is None:
        return
    reason = implausibility(value, findings.context.now)
    if reason is not None:
        findings.warning(
            "rss-date-implausible",
            element,
            f"{describe_prefixed(element)}: {reason}; check the clock or the time zone that "
            "produced it.",
        )


def check_url(element: etree._Element, findings: Findings) -> None:
    value = trimmed_text(element)
    if not is_full_url(value):
        findings.error(
            "rss-invalid-url",
            element,
            f"{describe_prefixed(element)} {value!r} is not an absolute URL; write the full "
            "address with its scheme, such as 'https://example.com/page'.",
        )


def check_contact(element: etree._Element, findings: Findings) -> None:
    value = trimmed_text(element)
    verdict = classify_contact(value)
    where = describe_prefixed(element)
    if verdict == ContactVerdict.INVALID:
        findings.error(
            "rss-invalid-email",
            element,
            f"{where} {value!r} is not an e-mail address; write "
            "'name@example.com (Real Name)', or put a bare name in <dc:creator>.",
        )
    elif verdict == ContactVerdict.ODD_FORMAT:
        findings.warning(
            "rss-email-format",
            element,
            f"{where} {value!r}: write the address first and the name in parentheses, "
            "'name@example.com (Real Name)'.",
        )
    elif verdict == ContactVerdict.MISSING_NAME:
        findings.warning(
            "rss-email-missing-name",
            element,
            f"{where} {value!r} has no name; write 'name@example.com (Real Name)'.",
        )


def check_language(element: etree._Element, findings: Findings) -> None:
    value = trimmed_text(element)
    if not is_language(value):
        findings.error(
            "rss-invalid-language",
            element,
            f"{describe_prefixed(element)} {value!r} is not a language code; use an ISO 639 code, "
            "optionally with a region, such as 'en' or 'en-us'.",
        )


def check_integer_range(
    element: etree._Element,
    findings: Findings,
    rule: str,
    low: int,
    high: int | None = None,
) -> int | None:
    """The element's integer value if it lies in [low, high], else a finding and None."""
    value = trimmed_text(element)
    number = parse_integer(value)
    if number is not None and number >= low and (high is None or number <= high):
        return number
    bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
    findings.error(
        rule,
        element,
        f"{describe_prefixed(element)} {value!r} must be a whole number {bound}.",
    )
    return None


def check_not_blank(element: etree._Element, findings: Findings) -> None:
    if not trimmed_text(element):
        findings.warning(
            "rss-blank-element",
            element,
            f"{describe_prefixed(element)} is empty; give it a value or remove it.",
        )
