"""Syntax of the values Atom elements and attributes carry: ids (IRI, `tag:`,
`urn:`, `urn:uuid:`), language tags, media types, e-mail addresses, base64.

Each function returns None when the value is fine, else a short reason that
the rule puts into its message. Pure functions, no network.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date

from exporter.iri import (
    invalid_iri_character,
    is_absolute,
    is_valid_iri_reference,
    scheme,
)
from exporter.memo import memoised

# RFC 4151 §2.1: tagURI = "tag:" taggingEntity ":" specific [ "#" fragment ].
_TAG = re.compile(
    r"tag:(?P<authority>(?:[A-Za-z0-9\-._~!$&'()*+;=%]+@)?[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)"
    r",(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)"
    r":(?P<specific>[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)"
    r"(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)?\Z",
    re.IGNORECASE,
)
# RFC 8141 (and RFC 2141 before it): urn:NID:NSS.
_URN = re.compile(
    r"urn:(?P<nid>[A-Za-z0-9][A-Za-z0-9\-]{0,31}):(?P<nss>[A-Za-z0-9()+,\-.:=@;$_!*'%/?#~&]+)\Z",
    re.IGNORECASE,
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)
# BCP 47 / RFC 3066 language tags (xml:lang, hreflang): a 2-3 letter ISO 639 code
# (or the i-/x- prefixes) and optional subtags.
_LANGUAGE = re.compile(r"(?:[A-Za-z]{2,3}|[iIxX])(?:-[A-Za-z0-9]{1,8})*\Z")
# RFC 2045 §5.1: type "/" subtype *(";" parameter).
_TOKEN = r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+"
_MEDIA_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"[^\"]*\"))*\Z",
)
# The addr-spec forms feeds use, as strict as the W3C validator: word characters,
# dot, plus, percent, apostrophe and hyphen before the @, a host name after it.
_EMAIL = re.compile(r"[\w.%+'\-]+@[A-Za-z0-9](?:[\w.\-]*[A-Za-z0-9])?\Z")
_WHITESPACE = " \t\r\n"


def iri_problem(value: str, *, absolute: bool) -> str | None:
    """Why a value is not a usable IRI (or absolute IRI), or None."""
    return _absolute_iri_problem(value) if absolute else _iri_problem(value)


def _why_not_iri(value: str, absolute: bool) -> str | None:
    bad = invalid_iri_character(value)
    if bad is not None:
        shown = repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"
        return f"contains {shown}, which is not allowed in an IRI (percent-encode it)"
    if absolute and not is_absolute(value):
        return "is not an absolute IRI (it needs a scheme such as https: or urn:)"
    if not is_valid_iri_reference(value):
        return "is not a valid IRI (an http(s) URL needs //host, a port must be a number)"
    return None


@memoised
def _iri_problem(value: str) -> str | None:
    return _why_not_iri(value, False)


@memoised
def _absolute_iri_problem(value: str) -> str | None:
    return _why_not_iri(value, True)


@memoised
def id_problem(value: str) -> tuple[str, str] | None:
    """(rule, reason) for an invalid `atom:id`, or None. Whitespace is a rule of
    its own and is checked by the caller."""
    found = scheme(value)
    if found == "tag":
        reason = tag_problem(value)
        return ("atom-invalid-tag-uri", reason) if reason else None
    if found == "urn":
        reason = urn_problem(value)
        if reason is None:
            return None
        rule = "atom-invalid-uuid" if value[4:9].lower() == "uuid:" else "atom-invalid-urn"
        return rule, reason
    reason = iri_problem(value, absolute=True)
    if reason is None:
        return None
    return ("atom-id-not-absolute" if not is_absolute(value) else "atom-invalid-iri"), reason


def tag_problem(value: str) -> str | None:
    """RFC 4151 `tag:` URI syntax, including a real calendar date."""
    match = _TAG.match(value)
    if match is None:
        return "is not a tag URI of the form tag:example.com,2024-01-31:specific"
    parts = [int(part) for part in match["date"].split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return f"has the date {match['date']}, which is not a calendar date"
    return None


def urn_problem(value: str) -> str | None:
    """RFC 8141 URN syntax; `urn:uuid:` also needs an RFC 4122 UUID."""
    match = _URN.match(value)
    if match is None or match["nid"].lower() == "urn":
        return "is not a URN of the form urn:namespace:specific-string"
    if match["nid"].lower() == "uuid" and not _UUID.match(match["nss"]):
        return "is not a UUID of the form urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    if "%" in match["nss"] and re.search(r"%(?![0-9A-Fa-f]{2})", match["nss"]):
        return "has a % that does not start a %XX escape"
    return None


def has_surrounding_whitespace(value: str) -> bool:
    return value != value.strip(_WHITESPACE)


def language_problem(value: str) -> str | None:
    if _LANGUAGE.match(value):
        return None
    return "is not a language tag such as en or en-US"


def media_type_problem(value: str) -> str | None:
    if _MEDIA_TYPE.match(value.strip()):
        return None
    return "is not a media type such as text/html or image/png"


def email_problem(value: str) -> str | None:
    if _EMAIL.match(value):
        return None
    return "is not an e-mail address such as name@example.com"


def is_xml_media_type(value: str) -> bool:
    """RFC 3023 XML media types (Atom content then holds XML, not base64)."""
    essence = value.split(";", 1)[0].strip().lower()
    return essence.endswith(("+xml", "/xml")) or essence == "xml-external-parsed-entity"


def is_text_media_type(value: str) -> bool:
    return value.split(";", 1)[0].strip().lower().startswith("text/")


def is_composite_media_type(value: str) -> bool:
    """RFC 4287 §4.1.3.1: content must not be a multipart or message type."""
    return value.split("/", 1)[0].strip().lower() in ("multipart", "message")


def base64_problem(value: str) -> str | None:
    compact = "".join(value.split())
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return "is not valid base64 (binary content must be base64-encoded)"
    return None


_DEFAULT_PORTS = {"http": "80", "https": "443", "ftp": "21"}
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
_HIERARCHICAL = re.compile(r"(?s)([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(.*)")


def _normal_escapes(text: str) -> str:
    """Percent-escapes of unreserved characters decoded, the others in upper case."""

    def fix(match: re.Match[str]) -> str:
        character = chr(int(match.group(1), 16))
        return character if character in _UNRESERVED else "%" + match.group(1).upper()

    return _PERCENT.sub(fix, text)


def _without_dot_segments(path: str) -> str:
    output: list[str] = []
    for segment in path.split("/"):
        if segment == ".":
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            continue
        output.append(segment)
    trailing = path.endswith(("/.", "/.."))
    return "/".join(output) + ("/" if trailing else "")


def canonical_id(value: str) -> str:
    """The canonical form of an id (RFC 3986 §6.2.2 and scheme-based normalisation):
    lower-case scheme and host, no default or empty port, no empty user info, "/"
    for an empty path, no dot segments, percent-escapes only where needed and in
    upper case; `urn:` with a lower-case namespace id. Other ids: the scheme only."""
    scheme, colon, rest = value.partition(":")
    if not colon:
        return value
    lower = scheme.lower()
    if lower == "urn":
        nid, colon, specific = rest.partition(":")
        return f"urn:{nid.lower()}{colon}{specific}"
    parts = _HIERARCHICAL.fullmatch(value)
    if parts is None or lower not in _DEFAULT_PORTS:
        return lower + ":" + rest
    authority, path, tail = parts.group(2), parts.group(3), parts.group(4)
    userinfo, at, host = authority.rpartition("@")
    if at and userinfo in ("", ":"):
        userinfo, at = "", ""
    name, colon, port = host.partition(":")
    if port in ("", _DEFAULT_PORTS[lower]):
        colon, port = "", ""
    authority = f"{userinfo}{at}{name.lower()}{colon}{port}"
    path = _without_dot_segments(_normal_escapes(path)) or "/"
    return f"{lower}://{authority}{path}{_normal_escapes(tail)}"
