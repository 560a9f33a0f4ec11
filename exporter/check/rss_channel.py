"""Rules for the RSS `<channel>` and its sub-elements (image, textInput, cloud, skip*)."""

from __future__ import annotations

from lxml import etree

from exporter.check.elements import (
    child_elements,
    describe_prefixed,
    local_name,
    namespace,
    trimmed_text,
)
from exporter.check.findings import Findings
from exporter.check.rss_fields import (
    check_contact,
    check_integer_range,
    check_language,
    check_not_blank,
    check_rfc822_date,
    check_url,
    check_w3cdtf_date,
)
from exporter.check.rss_structure import DC_NS
from exporter.check.rss_values import WEEKDAY_NAMES, is_form_name, parse_integer

REQUIRED_CHANNEL = ("title", "link", "description")
CLOUD_ATTRIBUTES = ("domain", "port", "path", "registerProcedure", "protocol")


def check_channel(channel: etree._Element, findings: Findings) -> None:
    names = _core_names(channel)
    for name in REQUIRED_CHANNEL:
        if name not in names:
            findings.error(
                f"rss-missing-{name}",
                channel,
                f"<channel> has no <{name}>; RSS requires title, link and description.",
            )
    for child in child_elements(channel):
        ns, name = namespace(child), local_name(child)
        if ns == DC_NS and name == "date":
            check_w3cdtf_date(child, findings)
        elif ns == DC_NS and name == "language":
            check_language(child, findings)
        elif not ns:
            _check_channel_child(channel, child, findings)


def _check_channel_child(
    channel: etree._Element, child: etree._Element, findings: Findings
) -> None:
    name = local_name(child)
    if name == "title":
        check_not_blank(child, findings)
    elif name in ("link", "docs"):
        check_url(child, findings)
    elif name == "language":
        check_language(child, findings)
    elif name in ("managingEditor", "webMaster"):
        check_contact(child, findings)
    elif name in ("pubDate", "lastBuildDate"):
        check_rfc822_date(child, findings)
    elif name == "ttl":
        check_integer_range(child, findings, "rss-invalid-ttl", 1)
    elif name == "cloud":
        _check_cloud(child, findings)
    elif name == "image":
        _check_image(channel, child, findings)
    elif name == "textInput":
        _check_text_input(child, findings)
    elif name == "skipHours":
        _check_skip(child, "hour", findings)
    elif name == "skipDays":
        _check_skip(child, "day", findings)


def _check_cloud(cloud: etree._Element, findings: Findings) -> None:
    missing = [a for a in CLOUD_ATTRIBUTES if cloud.get(a) is None]
    if missing:
        findings.error(
            "rss-cloud-missing-attribute",
            cloud,
            f"<cloud> lacks {', '.join(missing)}; a cloud needs domain, port, path, "
            "registerProcedure and protocol.",
        )
    port = cloud.get("port")
    if port is not None:
        number = parse_integer(port.strip())
        if number is None or number <= 0:
            findings.error(
                "rss-cloud-invalid-port",
                cloud,
                f"<cloud port={port!r}> must be a positive whole number such as 80.",
            )


def _check_image(channel: etree._Element, image: etree._Element, findings: Findings) -> None:
    parts = _core_children_by_name(image)
    missing = [name for name in ("url", "title", "link") if name not in parts]
    if missing:
        findings.error(
            "rss-image-missing-element",
            image,
            f"<image> lacks {', '.join(f'<{m}>' for m in missing)}; an image needs url, "
            "title and link.",
        )
    for name in ("url", "link"):
        if name in parts:
            check_url(parts[name], findings)
    if "title" in parts:
        check_not_blank(parts["title"], findings)
    if "width" in parts:
        check_integer_range(parts["width"], findings, "rss-image-invalid-width", 1, 144)
    if "height" in parts:
        check_integer_range(parts["height"], findings, "rss-image-invalid-height", 1, 400)
    channel_parts = _core_children_by_name(channel)
    for name in ("title", "link"):
        if name in parts and name in channel_parts:
            own, expected = trimmed_text(parts[name]), trimmed_text(channel_parts[name])
            if own != expected:
                findings.warning(
                    f"rss-image-{name}-mismatch",
                    parts[name],
                    f"<image>/<{name}> {own!r} differs from the channel's {expected!r}; "
                    "readers expect them to be equal.",
                )


def _check_text_input(text_input: etree._Element, findings: Findings) -> None:
    findings.warning(
        "rss-avoid-textinput",
        text_input,
        "<textInput> is ignored by almost every reader; consider removing it.",
    )
    parts = _core_children_by_name(text_input)
    missing = [n for n in ("title", "description", "name", "link") if n not in parts]
    if missing:
        findings.error(
            "rss-textinput-missing-element",
            text_input,
            f"<textInput> lacks {', '.join(f'<{m}>' for m in missing)}; it needs title, "
            "description, name and link.",
        )
    if "link" in parts:
        check_url(parts["link"], findings)
    if "name" in parts and not is_form_name(trimmed_text(parts["name"])):
        findings.error(
            "rss-textinput-invalid-name",
            parts["name"],
            f"<textInput>/<name> {trimmed_text(parts['name'])!r} is not a form field name; start "
            "with a letter and use letters, digits, '.', '_', ':' or '-'.",
        )


def _check_skip(skip: etree._Element, child_name: str, findings: Findings) -> None:
    entries = [c for c in child_elements(skip) if not namespace(c)]
    matching = [c for c in entries if local_name(c) == child_name]
    label = describe_prefixed(skip)
    if not matching:
        findings.error(
            f"rss-{local_name(skip).lower()}-empty",
            skip,
            f"{label} needs at least one <{child_name}>.",
        )
    limit = 24 if child_name == "hour" else 7
    if len(matching) > limit:
        findings.error(
            f"rss-{local_name(skip).lower()}-too-many",
            skip,
            f"{label} lists {len(matching)} <{child_name}> elements; there are only {limit}.",
        )
    seen: set[str] = set()
    for entry in matching:
        value = _skip_value(entry, child_name, findings)
        if value is None:
            continue
        if value in seen:
            findings.error(
                "rss-duplicate-value",
                entry,
                f"{describe_prefixed(entry)} {trimmed_text(entry)!r} is listed twice; remove "
                "the repeat.",
            )
        seen.add(value)


def _skip_value(entry: etree._Element, child_name: str, findings: Findings) -> str | None:
    """The normalised hour or day, or None after reporting why it is invalid."""
    text = trimmed_text(entry)
    if child_name == "day":
        if text in WEEKDAY_NAMES:
            return text
        findings.error(
            "rss-invalid-day",
            entry,
            f"<skipDays>/<day> {text!r} is not a day name; use Monday ... Sunday.",
        )
        return None
    hour = parse_integer(text)
    if hour == 24:
        findings.warning(
            "rss-skiphours-use-zero",
            entry,
            "<skipHours>/<hour> 24: write 0 for midnight.",
        )
        return "0"
    if hour is None or not 0 <= hour <= 23:
        findings.error(
            "rss-invalid-hour",
            entry,
            f"<skipHours>/<hour> {text!r} must be a whole number from 0 to 23 (GMT).",
        )
        return None
    return str(hour)


def _core_names(element: etree._Element) -> set[str]:
    return {local_name(c) for c in child_elements(element) if not namespace(c)}


def _core_children_by_name(element: etree._Element) -> dict[str, etree._Element]:
    """First core child of each name (duplicates are the structure rules' business)."""
    found: dict[str, etree._Element] = {}
    for child in child_elements(element):
        if not namespace(child):
            found.setdefault(local_name(child), child)
    return found
