"""What is wrong with a URL, in words, with the value echoed and a fix shown.

The contract's two URL rules (`url-scheme`, `invalid-url`) come from a schema
pattern and a `format` check that cannot say *why*: a space in a URL failed the
pattern and was called a bad scheme. Here the value itself is looked at, and
non-ASCII hosts and paths get their punycode / percent-encoded form. Issue 13.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from exporter.iri import invalid_iri_character, scheme

Advice = tuple[str, str, str | None]  # rule, message after the field name, hint


def url_advice(value: str) -> Advice | None:
    """(rule, text, hint) for a URL the contract refuses, or None to keep the
    generic message (a port above 65535, a host the checker refuses...)."""
    shown = repr(value)
    if value != value.strip():
        return "invalid-url", f"has spaces around it (got {shown})", "remove them"
    if any(character.isspace() for character in value):
        fixed = "".join("%20" if c == " " else c for c in value)
        hint = f"write a space as %20: {fixed}" if fixed != value else None
        return "invalid-url", f"contains a space or line break (got {shown})", hint
    found = scheme(value)
    if found is None:
        hint = f"did you mean https://{value}?" if "." in value.split("/")[0] else None
        return "url-scheme", f"must be an absolute http:// or https:// URL (got {shown})", hint
    if found not in ("http", "https"):
        text = f"must be an http:// or https:// URL, not a {found}: URL (got {shown})"
        return "url-scheme", text, None
    if not value.isascii():
        return "invalid-url", f"contains non-ASCII characters (got {shown})", _ascii_hint(value)
    bad = invalid_iri_character(value)
    if bad is not None:
        code = "%" + "%".join(f"{byte:02X}" for byte in bad.encode())
        hint = "write a lone % as %25" if bad == "%" else f"percent-encode it as {code}"
        return "invalid-url", f"contains {bad!r}, which a URL cannot hold (got {shown})", hint
    return None


def _ascii_hint(value: str) -> str:
    """The URL with its host in punycode and the rest percent-encoded."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
        netloc = parts.netloc.replace(host, ascii_host) if host else parts.netloc
        safe = "/:@!$&'()*+,;=-._~%"
        converted = urlunsplit(
            (
                parts.scheme,
                netloc,
                quote(parts.path, safe=safe),
                quote(parts.query, safe=safe + "?"),
                quote(parts.fragment, safe=safe + "?#"),
            )
        )
    except (UnicodeError, ValueError):
        return "write the host in punycode (xn--...) and percent-encode the rest"
    return f"write the host in punycode and percent-encode the path: {converted}"
