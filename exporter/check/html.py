"""Security risks in HTML that feed readers will render: scripts, embedded
frames and objects, event handlers and `javascript:`-style URLs.

Shared by every family (Atom html/xhtml content, RSS `description` and
`content:encoded`, JSON Feed `content_html`). The results are plain messages;
each family wraps them in its own rule id (a warning: the feed stays valid, but
readers that do not sanitise would run the code).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import cast

from lxml import etree

from exporter.iri import is_absolute, is_dangerous_url
from exporter.markup import HTML_ELEMENTS
from exporter.memo import memoised

# lxml gives str names and values; typed once here (no `cast` call per element).
_attributes = cast("Callable[[etree._Element], list[tuple[str, str]]]", etree._Element.items)


RISKY_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "meta",
        "link",
        "base",
        "form",
        "svg",
    }
)
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "cite",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "codebase",
        "srcset",
    }
)
_RISKY_STYLE = re.compile(r"url\s*\(|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I)
MAX_RISKS = 10


def _local_name(name: object) -> str:
    text = str(name)
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


# Tag and attribute names repeat in every element: a plain dict, bounded in
# entries (names are short), turns the string work into one lookup.
_LOCAL_NAMES: dict[object, str] = {}
_MAX_LOCAL_NAMES = 1024


def _local(name: object) -> str:
    found = _LOCAL_NAMES.get(name)
    if found is None:
        found = _local_name(name)
        if len(_LOCAL_NAMES) < _MAX_LOCAL_NAMES and isinstance(name, str) and len(name) <= 256:
            _LOCAL_NAMES[name] = found
    return found


def _element_risks(elements: Iterable[tuple[str, dict[str, str]]]) -> list[str]:
    risks: list[str] = []
    for tag, attributes in elements:
        if tag in RISKY_ELEMENTS:
            risks.append(f"<{tag}> element: remove it, readers may run or embed it.")
        for name, value in attributes.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                risks.append(f"{attribute} event handler on <{tag}>: remove the attribute.")
            elif attribute == "style" and _RISKY_STYLE.search(value):
                risks.append(
                    f"style attribute on <{tag}> loads or runs code ({value[:40]!r}): remove it."
                )
            elif attribute == "style" and (unsafe := unsafe_style(value)) is not None:
                risks.append(
                    f"style attribute on <{tag}> uses {unsafe!r}, which readers strip or "
                    "which can move content over the page: keep to colours, fonts, "
                    "margins, padding, borders and alignment."
                )
            elif attribute in URL_ATTRIBUTES and _has_dangerous_url(attribute, value):
                risks.append(
                    f"{attribute}={value[:40]!r} on <{tag}> is a script or data URL: "
                    "use an http(s) URL."
                )
        if len(risks) >= MAX_RISKS:
            break
    return risks[:MAX_RISKS]


def _has_dangerous_url(attribute: str, value: str) -> bool:
    if attribute == "srcset":
        return any(is_dangerous_url(part.strip()) for part in value.split(","))
    return is_dangerous_url(value)


def _iter_tree(root: etree._Element) -> Iterable[tuple[str, dict[str, str]]]:
    local = _local
    for element in root.iter(etree.Element):
        # lxml gives str names and values; items() is one C call (no attrib proxy)
        yield local(element.tag), dict(_attributes(element))


def _parse_html(html: str) -> etree._Element | None:
    """lxml's HTML parser is lenient and never fetches anything, so broken markup
    is still read the way a browser would read it."""
    if "<" not in html and "&" not in html:
        return None
    parser = etree.HTMLParser(no_network=True, remove_comments=True, recover=True)
    try:
        return etree.fromstring(f"<html><body>{html}</body></html>", parser)
    except (etree.ParserError, ValueError):
        return None


def _scan_html(html: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(risks, relative URLs) of an HTML string, from one parse. Cached: the same
    content is checked in RSS, Atom and JSON Feed of a batch."""
    root = _parse_html(html)
    if root is None:
        return (), ()
    elements = list(_iter_tree(root))
    return tuple(_element_risks(elements)), tuple(_relative(elements))


# 512 strings of up to 32 KiB: every description and content of a batch, <= 16 MiB.
_scan_html_cached = memoised(_scan_html, entries=512, longest=32 * 1024)


def html_risks(html: str) -> list[str]:
    """Risks in an HTML string (escaped HTML content), as plain messages."""
    return list(_scan_html_cached(html)[0])


def xhtml_risks(root: etree._Element) -> list[str]:
    """Risks in inline XHTML content (Atom `type="xhtml"`), as plain messages."""
    return _element_risks(_iter_tree(root))


def _relative(elements: Iterable[tuple[str, dict[str, str]]]) -> list[str]:
    found: list[str] = []
    for _, attributes in elements:
        for name in ("href", "src"):
            value = attributes.get(name, "").strip()
            if value and not value.startswith("#") and not is_absolute(value):
                found.append(value)
    return found


def html_relative_urls(html: str) -> list[str]:
    """Relative `href`/`src` values in HTML (same-document `#...` references
    excepted): readers resolve them against different bases, or not at all."""
    return list(_scan_html_cached(html)[1])


def xhtml_relative_urls(root: etree._Element) -> list[str]:
    """Relative `href`/`src` values in inline XHTML content."""
    return _relative(_iter_tree(root))


_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^>]*\Z")
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)[\s/>]")


def not_html_reason(text: str) -> str | None:
    """Why escaped "HTML" is not HTML: a tag left open at the end (`<a`), or an
    element HTML does not have (`<scriptingNews>`); None when it looks like HTML."""
    if _UNCLOSED_TAG.search(text.strip()):
        return "ends inside an unfinished tag"
    for name in _START_TAG.findall(text):
        if name.lower() not in HTML_ELEMENTS:
            return f"holds <{name}>, which is not an HTML element"
    return None


# CSS that sanitising readers keep: colours, fonts, text layout, box spacing and
# borders, the speech properties. Anything else in a style attribute is stripped by
# them, or can lay content over the reader's own page (`position`); the W3C
# validator warns the same way (DangerousStyleAttr).
_SIDES = ("", "-top", "-right", "-bottom", "-left")
SAFE_CSS_PROPERTIES = frozenset(
    {
        *(f"{box}{side}" for box in ("margin", "padding") for side in _SIDES),
        *(f"border{side}" for side in _SIDES),
        *(f"border{side}-{part}" for side in _SIDES for part in ("color", "style", "width")),
        "border-collapse",
        "border-spacing",
        "background",
        "background-color",
        "color",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "line-height",
        "text-align",
        "text-decoration",
        "text-indent",
        "vertical-align",
        "white-space",
        "direction",
        "unicode-bidi",
        "list-style-type",
        "clear",
        "float",
        "display",
        "overflow",
        "cursor",
        "height",
        "width",
        "azimuth",
        "elevation",
        "pause",
        "pause-after",
        "pause-before",
        "pitch",
        "pitch-range",
        "richness",
        "speak",
        "speak-header",
        "speak-numeral",
        "speak-punctuation",
        "speech-rate",
        "stress",
        "voice-family",
        "volume",
    }
)
# Shorthands whose every word is checked: a keyword, a colour or a short length.
_CHECKED_SHORTHANDS = ("background", "border", "margin", "padding")
SAFE_CSS_KEYWORDS = frozenset(
    {
        # colours
        "aqua", "black", "blue", "brown", "fuchsia", "gray", "green", "lime", "maroon",
        "navy", "olive", "purple", "red", "silver", "teal", "white", "yellow", "transparent",
        # borders and the rest
        "solid", "dashed", "dotted", "none", "medium", "collapse", "auto", "block", "bold",
        "italic", "normal", "nowrap", "underline", "pointer", "both", "center", "left",
        "right", "top", "bottom", "!important",
    }
)  # fmt: skip
# Quoted font names, rgb(...) number lists and hyphenated words are fine as a whole;
# what is left of a style must be words, numbers and CSS punctuation.
_CSS_HARMLESS_PARTS = re.compile(r"""'[\w\s]+'|"[\w\s]+"|\([\d,\s]+\)|(?<=\w)-(?=\w)""")
_CSS_REST = re.compile(r"[\w\s:;,#%.!]*")
_CSS_DECLARATION = re.compile(r"\s*([-\w]+)\s*:\s*([^:;]*)")
_CSS_UNITS = "cm|em|ex|in|mm|pc|pt|px|%"
_CSS_WORD = re.compile(
    rf"#[0-9a-f]+|rgb\([\d%,]*\)?|(?:\d{{1,3}}|\d?\.\d{{1,2}})(?:{_CSS_UNITS})?[,)]?|[\d%]*[,)]"
)


def unsafe_style(style: str) -> str | None:
    """The first part of a `style` attribute outside the safe CSS subset, or None."""
    if not _CSS_REST.fullmatch(_CSS_HARMLESS_PARTS.sub("", style)):
        return style
    declarations = [part for part in style.lower().split(";") if part.strip()]
    for declaration in declarations:
        found = _CSS_DECLARATION.fullmatch(declaration.rstrip())
        if found is None:
            return declaration.strip()
        name, value = found.groups()
        if name not in SAFE_CSS_PROPERTIES:
            return name
        if name.split("-")[0] in _CHECKED_SHORTHANDS:
            for word in value.split():
                if word not in SAFE_CSS_KEYWORDS and not _CSS_WORD.fullmatch(word):
                    return word
    return None
