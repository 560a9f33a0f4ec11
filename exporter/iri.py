"""URL and IRI syntax (RFC 3986/3987), the one judge of what counts as a URL.

The feed settings (config), the record contract and the feed checker all ask
the same questions about URLs, so the answers live here, outside any of them:
a URL the contract accepts is one the checker accepts too. Syntax only:
nothing is ever fetched or resolved over the network. Functions return plain
values so each caller can phrase its own rule ids and messages.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from exporter.memo import memoised

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# RFC 3987 ucschar/iprivate ranges plus the ASCII characters an IRI may hold;
# `%` is checked separately so a stray percent is reported precisely.
_IRI_CHAR = re.compile(
    r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd"
    "\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd\ue000-\uf8ff"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
_NOT_IRI_CHAR = re.compile("[^" + _IRI_CHAR.pattern[1:])
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Schemes whose URLs always name a host: `http:/example.com` is a typo.
HIERARCHICAL_SCHEMES = frozenset({"http", "https", "ftp"})
_DANGEROUS_SCHEMES = ("javascript", "vbscript", "data")
_STRIP_FOR_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


@memoised
def _syntax(value: str) -> tuple[str | None, bool]:
    """The lower-cased scheme (or None) and whether `value` is an RFC 3987
    IRI-reference, worked out together: nearly every URL of a record or a feed
    is seen once, so one cached answer per URL is cheaper than one per question."""
    match = _SCHEME.match(value)
    found = match.group()[:-1].lower() if match else None
    if _NOT_IRI_CHAR.search(value) is not None or _BAD_PERCENT.search(value) is not None:
        return found, False
    if found is None:
        return None, True
    parts = _split(value)
    if parts is None:
        return found, False
    return found, not (found in HIERARCHICAL_SCHEMES and not parts[1])


def scheme(value: str) -> str | None:
    """The lower-cased scheme of an absolute reference, else None."""
    return _syntax(value)[0]


def is_absolute(value: str) -> bool:
    """True for an absolute IRI (it has a scheme); syntax is checked separately."""
    return _syntax(value)[0] is not None


@memoised
def invalid_iri_character(value: str) -> str | None:
    """The first character that may not appear in an IRI (space, quote, `<`, a
    lone `%`, a control character...), or None if all are allowed."""
    bad = _NOT_IRI_CHAR.search(value)
    if bad is not None:
        return bad.group()
    match = _BAD_PERCENT.search(value)
    if match is not None:
        return "%"
    return None


def is_valid_iri_reference(value: str) -> bool:
    """RFC 3987 IRI-reference syntax (absolute or relative)."""
    return _syntax(value)[1]


def is_valid_absolute_iri(value: str) -> bool:
    """An absolute IRI with legal characters, as Atom ids and feed URLs need."""
    found, valid = _syntax(value)
    return found is not None and valid


def _split(value: str) -> tuple[str, str, str, str, str] | None:
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a non-numeric port
    except ValueError:
        return None
    return parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment


@memoised
def is_dangerous_url(value: str) -> bool:
    """True for `javascript:`, `vbscript:` and `data:` URLs, which run code or
    smuggle content into a reader; browsers ignore whitespace and control
    characters inside the scheme, so we do too."""
    found = scheme(_STRIP_FOR_SCHEME.sub("", value))
    return found in _DANGEROUS_SCHEMES


def resolve(base: str | None, reference: str) -> str:
    """`reference` resolved against `base` (RFC 3986 §5), or unchanged without one."""
    if not base:
        return reference
    try:
        return urljoin(base, reference)
    except ValueError:
        return reference


def same_url(first: str, second: str) -> bool:
    """Equal after normalising what RFC 3986 §6 says never changes meaning: the case
    of scheme and host, a default port and an empty path."""
    return _normalised(first) == _normalised(second)


def _normalised(value: str) -> str:
    parts = _split(value.strip())
    if parts is None:
        return value.strip()
    found_scheme, netloc, path, query, fragment = parts
    found_scheme = found_scheme.lower()
    netloc = netloc.lower()
    for default in ((":80", "http"), (":443", "https")):
        if netloc.endswith(default[0]) and found_scheme == default[1]:
            netloc = netloc[: -len(default[0])]
    if netloc and not path:
        path = "/"
    result = f"{found_scheme}://{netloc}{path}" if netloc else f"{found_scheme}:{path}"
    if query:
        result += "?" + query
    if fragment:
        result += "#" + fragment
    return result
