"""Syntax of the values RSS elements carry: URLs, e-mail addresses, codes, numbers.

Each predicate mirrors what the W3C Feed Validation Service accepts, so that a
feed it calls valid is valid here too; the messages in rss.py say how to fix a
failing value.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_URI_CHARS = r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#\[\]]"
_FULL_URI = re.compile(rf"[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?{_URI_CHARS}+\Z")
_HIERARCHICAL = re.compile(r"\w+://[^/]")
_DOMAIN = r"(?:(?:[0-9]{1,3}\.){3}|(?:[A-Z0-9\-]+\.)+)[A-Z0-9][-A-Z0-9]*"
_HTTP_URL = re.compile(rf"https?://{_DOMAIN}(?::\d+)?(?:/|\Z)", re.IGNORECASE)
_ADDR_SPEC = re.compile(rf"[A-Z0-9_\-+.'~!#$%&*/=?^`{{|}}]+@{_DOMAIN}\Z", re.IGNORECASE)
_TOKEN = r"[^\s()<>,;:\\\"/\[\]?=]+"
_MEDIA_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=(\"(\\\"|[^\"])*\"|{_TOKEN}))*\Z",
)
_LANGUAGE = re.compile(r"([a-zA-Z]{2,3})(-[a-zA-Z0-9]{1,8})*\Z")
_FORM_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9:._\-]*\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")

# ISO 639-1 two-letter codes (three-letter ISO 639-2/3 codes are accepted by shape).
ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "in",
        "io",
        "is",
        "it",
        "iu",
        "iw",
        "ja",
        "ji",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mo",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "sh",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_full_url(value: str) -> bool:
    """An absolute URI (RFC 2396 characters; IRIs' non-ASCII characters allowed)."""
    ascii_value = value if value.isascii() else _NON_ASCII.sub("%", value)
    if not _FULL_URI.match(ascii_value):
        return False
    scheme = value.split(":", 1)[0].lower()
    return scheme not in ("http", "https", "ftp") or bool(_HIERARCHICAL.match(value))


def is_http_url(value: str) -> bool:
    """An http(s) URL with a host, as enclosures need (readers download them)."""
    return bool(_HTTP_URL.match(value)) and is_full_url(value)


def is_media_type(value: str) -> bool:
    return bool(_MEDIA_TYPE.match(value))


def is_language(value: str) -> bool:
    """An ISO 639 language code, optionally followed by subtags such as a region."""
    match = _LANGUAGE.match(value)
    if match is None:
        return False
    primary = match.group(1).lower()
    return len(primary) == 3 or primary in ISO_639_1


def is_form_name(value: str) -> bool:
    return bool(_FORM_NAME.match(value))


def parse_integer(value: str) -> int | None:
    return int(value) if _INTEGER.match(value) else None


class ContactVerdict:
    """How an `author`/`managingEditor`/`webMaster` value reads."""

    VALID = "valid"
    INVALID = "invalid"
    MISSING_NAME = "missing-name"
    ODD_FORMAT = "odd-format"


def classify_contact(raw: str) -> str:
    """RSS wants `addr@example.com (Real Name)`; see ContactVerdict for outcomes."""
    value = raw.strip()
    if value.lower().startswith("mailto:"):
        value = unquote(value.split(":", 1)[1])
    if value.find("@") > 0 and not value.endswith(")"):
        return ContactVerdict.ODD_FORMAT if " " in value else ContactVerdict.MISSING_NAME
    address = value.split("(", 1)[0].strip() if value.endswith(")") else value
    return ContactVerdict.VALID if _ADDR_SPEC.match(address) else ContactVerdict.INVALID
