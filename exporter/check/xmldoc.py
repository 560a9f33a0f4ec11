"""Safe parsing of untrusted XML bytes into an lxml tree plus XML-level problems.

Feeds come from anyone, so parsing never touches the network or the file system
(no DTD loading, no external entities: XXE), refuses entity-expansion bombs and
oversized input, and turns every failure into a `Problem` instead of an exception.
We decode the bytes ourselves first so that encoding mistakes and XML-illegal
characters get precise, fixable messages before libxml2 sees the document.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree

from exporter.check.context import CheckContext
from exporter.problems import Problem, Severity

# XML 1.0 §2.2: characters that may never appear, even escaped.
_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# C1 controls are legal XML but almost always a mis-declared windows-1252 text.
_C1_CHARS = re.compile("[\x80-\x9f]")
# The same characters as UTF-8 bytes, for a quick scan before the one above:
# byte-level searches run in C at memchr speed, the character classes do not.
_CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in (0x09, 0x0A, 0x0D))
_NOT_CONTROL_BYTES = bytes(byte for byte in range(0x100) if byte not in _CONTROL_BYTES)
_SURROGATE_BYTES = re.compile(b"\xed[\xa0-\xbf]")
_C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")
_DECLARATION = re.compile(r"<\?xml(?P<body>\s[^>]*?)?\?>")
_PSEUDO_ATTR = re.compile(
    r"""(?P<name>version|encoding|standalone)\s*=\s*["'](?P<value>[^"']*)["']"""
)
_ENTITY_DECL = re.compile(
    r"""<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s%;]+)\s+"""
    r"""(?:(?P<external>SYSTEM|PUBLIC)\b|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')"""
)
_EXTERNAL_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC)\b")
_ENTITY_REF = re.compile(r"[&%]([^\s&%;<>\"']+);")
_SINGLE_BYTE_ENCODINGS = ("latin", "iso8859", "cp125", "ascii", "mac")
MAX_REPORTED_CHARACTERS = 5
# Entity expansion beyond this many characters is treated as a bomb, whatever
# libxml2's own amplification limit says (defence in depth across versions).
MAX_ENTITY_EXPANSION = 1_000_000


@dataclass(slots=True)
class XmlParse:
    """The outcome of parsing: a tree (None if the bytes are not usable XML) and
    the XML-level problems found on the way."""

    tree: etree._ElementTree | None
    problems: list[Problem] = field(default_factory=list)


def _problem(
    context: CheckContext,
    rule: str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    return Problem(
        path=context.source,
        rule=rule,
        message=message,
        line=line,
        column=column,
        severity=severity,
    )


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _sniff_encoding(data: bytes) -> tuple[str | None, int]:
    """Encoding implied by a byte-order mark or the first bytes (XML 1.0 appendix F),
    and the length of the BOM."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", 0
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    return None, 0


def _declared(head: str) -> dict[str, str]:
    match = _DECLARATION.search(head)
    if match is None or "<" in head[: match.start()]:
        return {}
    return {m["name"]: m["value"] for m in _PSEUDO_ATTR.finditer(match["body"] or "")}


def _codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(data: bytes, context: CheckContext, problems: list[Problem]) -> str:
    """Decode with the BOM or declared encoding, reporting mismatches; never raises."""
    sniffed, bom_length = _sniff_encoding(data)
    if bom_length:
        problems.append(
            _problem(
                context,
                "xml-bom",
                "The file starts with a byte-order mark, which several feed readers reject: "
                "save it as UTF-8 without BOM.",
                1,
                1,
                Severity.WARNING,
            )
        )
    head_codec = sniffed if sniffed and sniffed != "utf-8" else "latin-1"
    head = data[bom_length : bom_length + 512].decode(head_codec, errors="replace")
    declared = _declared(head.lstrip("\ufeff"))
    encoding = sniffed or "utf-8"
    declared_name = declared.get("encoding")
    if declared_name:
        declared_codec = _codec_name(declared_name)
        if declared_codec is None:
            problems.append(
                _problem(
                    context,
                    "xml-unknown-encoding",
                    f"The declared encoding {declared_name!r} is unknown: declare "
                    'encoding="utf-8" and save the file as UTF-8.',
                    1,
                )
            )
        elif sniffed is None:
            encoding = declared_codec
        elif declared_codec.replace("-le", "").replace("-be", "") != sniffed.replace(
            "-le", ""
        ).replace("-be", "") and not (sniffed.startswith("utf-16") and "16" in declared_codec):
            problems.append(
                _problem(
                    context,
                    "xml-encoding-mismatch",
                    f"The byte-order mark says {sniffed} but the XML declaration says "
                    f"{declared_name!r}: make them agree (UTF-8 without BOM is safest).",
                    1,
                )
            )
    body = data[bom_length:]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        column = error.start - (body.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            _problem(
                context,
                "xml-encoding-invalid",
                f"Byte {body[error.start]:#04x} is not valid {encoding}: save the file in "
                "the encoding its XML declaration names (UTF-8 is safest), or fix the "
                "declaration.",
                line,
                column,
            )
        )
        text = body.decode(encoding, errors="replace")
    else:
        if (
            declared_name
            and encoding.replace("_", "").replace("-", "").startswith(_SINGLE_BYTE_ENCODINGS)
            and not body.isascii()
            and _is_utf8(body)
        ):
            problems.append(
                _problem(
                    context,
                    "xml-encoding-mismatch",
                    f"The file declares {declared_name!r} but its bytes are UTF-8, so "
                    'non-ASCII text will be garbled: declare encoding="utf-8".',
                    1,
                    severity=Severity.WARNING,
                )
            )
    return text.lstrip("\ufeff")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _prolog(text: str, context: CheckContext, problems: list[Problem]) -> str:
    """Report text before the XML declaration and a wrong XML version; return the
    text from the declaration on so later checks still run."""
    match = _DECLARATION.search(text, 0, 4096)
    if match is not None and match.start() > 0 and "<" not in text[: match.start()]:
        before = text[: match.start()]
        what = "whitespace" if not before.strip() else "text"
        line, column = _position(text, match.start())
        problems.append(
            _problem(
                context,
                "xml-text-before-declaration",
                f"There is {what} before the <?xml ...?> declaration, which must be the very "
                "first thing in the file: remove it.",
                line,
                column,
            )
        )
        text = "\n" * before.count("\n") + text[match.start() :]
        match = _DECLARATION.search(text, 0, 4096)
    if match is not None and match.start() == text.find("<?xml"):
        pseudo = {m["name"]: m["value"] for m in _PSEUDO_ATTR.finditer(match["body"] or "")}
        version = pseudo.get("version")
        if version is not None and version != "1.0":
            problems.append(
                _problem(
                    context,
                    "xml-bad-version",
                    f'The XML declaration says version="{version}": feeds must be XML 1.0, '
                    'write version="1.0".',
                    1,
                )
            )
    return text


def _may_hold_flagged_characters(encoded: bytes) -> bool:
    """False when the UTF-8 (surrogatepass) form of a text has none of the characters
    `_illegal_characters` reports; True means "look with the exact scan"."""
    if encoded.translate(None, _NOT_CONTROL_BYTES):
        return True
    if b"\xef" in encoded and (b"\xef\xbf\xbe" in encoded or b"\xef\xbf\xbf" in encoded):
        return True
    if b"\xed" in encoded and _SURROGATE_BYTES.search(encoded):
        return True
    return b"\xc2" in encoded and _C1_BYTES.search(encoded) is not None


def _illegal_characters(text: str, context: CheckContext, problems: list[Problem]) -> str:
    """Report raw characters XML forbids, then replace them so parsing can go on."""
    found = list(_ILLEGAL_CHARS.finditer(text))
    for match in found[:MAX_REPORTED_CHARACTERS]:
        line, column = _position(text, match.start())
        problems.append(
            _problem(
                context,
                "xml-illegal-character",
                f"Character U+{ord(match.group()):04X} is not allowed anywhere in XML 1.0: "
                "remove it (control characters usually come from a bad copy-paste).",
                line,
                column,
            )
        )
    if len(found) > MAX_REPORTED_CHARACTERS:
        problems.append(
            _problem(
                context,
                "xml-illegal-character",
                f"{len(found) - MAX_REPORTED_CHARACTERS} more characters not allowed in XML "
                "were found: remove all control characters.",
            )
        )
    control = _C1_CHARS.search(text)
    if control is not None:
        line, column = _position(text, control.start())
        problems.append(
            _problem(
                context,
                "xml-control-character",
                f"Character U+{ord(control.group()):04X} is a C1 control character, usually "
                "windows-1252 text declared as another encoding: fix the encoding.",
                line,
                column,
                Severity.WARNING,
            )
        )
    if not found:
        return text
    return _ILLEGAL_CHARS.sub("\ufffd", text)


def _entity_problems(text: str, context: CheckContext) -> tuple[list[Problem], bool]:
    """Statically size the entities of an internal DTD subset.

    Returns problems and whether the document must not be parsed at all (a bomb).
    """
    doctype = text.find("<!DOCTYPE")
    if doctype < 0 or "<!ENTITY" not in text:
        return [], False
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for match in _ENTITY_DECL.finditer(text, doctype):
        if match["external"]:
            line, column = _position(text, match.start())
            problems.append(
                _problem(
                    context,
                    "xml-external-entity",
                    f"Entity {match['name']!r} refers to an external resource, which is never "
                    "loaded (readers will not either): put the text in the feed itself.",
                    line,
                    column,
                )
            )
        else:
            values.setdefault(
                match["name"], match["dq"] if match["dq"] is not None else match["sq"]
            )
    sizes: dict[str, int] = {}

    def size(name: str, depth: int) -> int:
        if name in sizes:
            return sizes[name]
        if depth > 20 or name not in values:
            return len(name) + 2
        sizes[name] = MAX_ENTITY_EXPANSION + 1  # guards against cycles
        value = values[name]
        total = len(value)
        for ref in _ENTITY_REF.finditer(value):
            total += size(ref[1], depth + 1)
            if total > MAX_ENTITY_EXPANSION:
                break
        sizes[name] = min(total, MAX_ENTITY_EXPANSION + 1)
        return sizes[name]

    expansion = 0
    for ref in _ENTITY_REF.finditer(text):
        if ref[1] in values:
            expansion += size(ref[1], 0)
            if expansion > MAX_ENTITY_EXPANSION:
                line, column = _position(text, ref.start())
                problems.append(
                    _problem(
                        context,
                        "xml-entity-expansion",
                        "The DTD's entities expand to more than "
                        f"{MAX_ENTITY_EXPANSION:,} characters (an entity-expansion bomb): "
                        "the document was not parsed. Remove the DOCTYPE and its entities.",
                        line,
                        column,
                    )
                )
                return problems, True
    return problems, False


def _parser(resolve_internal: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities="internal" if resolve_internal else False,  # type: ignore[arg-type]
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        strip_cdata=True,
    )


_NAMESPACE_ERROR = re.compile(r"Namespace prefix (\S+)")


def _syntax_problem(error: etree.XMLSyntaxError, context: CheckContext) -> Problem:
    message = (error.msg or str(error)).split(", line ")[0].strip()
    line = error.lineno if error.lineno else None
    column = error.position[1] if error.position and error.position[1] else None
    if "amplification" in message or ("entity" in message.lower() and "loop" in message):
        return _problem(
            context,
            "xml-entity-expansion",
            "The document's entities expand too much (an entity-expansion bomb): "
            "remove the DOCTYPE and its entities.",
            line,
            column,
        )
    prefix = _NAMESPACE_ERROR.search(message)
    if prefix is not None:
        return _problem(
            context,
            "xml-undeclared-prefix",
            f"The namespace prefix {prefix[1]!r} is used but never declared: add "
            f'xmlns:{prefix[1]}="..." on the root element, or drop the prefix.',
            line,
            column,
        )
    return _problem(
        context,
        "xml-not-well-formed",
        f"The file is not well-formed XML ({message}): fix the markup at this position; "
        "feed readers reject the whole feed otherwise.",
        line,
        column,
    )


def parse_xml(data: bytes, context: CheckContext) -> XmlParse:
    """Parse untrusted bytes; never raises for bad input."""
    if len(data) > context.max_bytes:
        return XmlParse(
            None,
            [
                _problem(
                    context,
                    "check-too-large",
                    f"The file is {len(data):,} bytes, over the {context.max_bytes:,}-byte "
                    "limit: split the feed into pages or raise the limit.",
                )
            ],
        )
    problems: list[Problem] = []
    text = _decode(data, context, problems)
    text = _prolog(text, context, problems)
    # Encoded once: without flagged characters these are already the bytes lxml gets.
    encoded = text.encode("utf-8", "surrogatepass")
    clean = not _may_hold_flagged_characters(encoded)
    if not clean:
        text = _illegal_characters(text, context, problems)
    entity_problems, is_bomb = _entity_problems(text, context)
    problems.extend(entity_problems)
    if is_bomb:
        return XmlParse(None, problems)
    # Expand internal entities only when they are declared and nothing external
    # is referenced: lxml's "internal" mode still tries (and fails) to fetch an
    # external DTD subset, which would turn a harmless DOCTYPE into an error.
    external = any(p.rule == "xml-external-entity" for p in entity_problems)
    declares_entities = "<!ENTITY" in text and not _EXTERNAL_DOCTYPE.search(text, 0, 4096)
    source = _utf8_source(text, encoded if clean else None)
    parser = _parser(resolve_internal=declares_entities and not external)
    try:
        root = etree.fromstring(source, parser)
    except etree.XMLSyntaxError as error:
        problems.append(_syntax_problem(error, context))
        return XmlParse(None, problems)
    except (ValueError, MemoryError, RecursionError) as error:
        problems.append(
            _problem(context, "xml-not-well-formed", f"The file cannot be parsed as XML ({error}).")
        )
        return XmlParse(None, problems)
    return XmlParse(root.getroottree(), problems)


def _utf8_source(text: str, encoded: bytes | None) -> bytes:
    """The UTF-8 bytes handed to lxml, with the declaration saying so. `encoded` is
    `text` already encoded (when it holds no surrogates): only the declaration is
    then re-encoded, not the whole document."""
    match = _DECLARATION.search(text) if text.startswith("<?xml") else None
    if match is None:
        return encoded if encoded is not None else text.encode("utf-8", "replace")
    if encoded is None:
        return (text[: match.start()] + _utf8_declaration(match) + text[match.end() :]).encode(
            "utf-8", "replace"
        )
    start = len(text[: match.start()].encode("utf-8"))
    end = start + len(match.group().encode("utf-8"))
    return encoded[:start] + _utf8_declaration(match).encode("utf-8", "replace") + encoded[end:]


def _utf8_declaration(match: re.Match[str]) -> str:
    """The same declaration with the encoding replaced, since we hand lxml UTF-8."""
    body = re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="utf-8"', match["body"] or "")
    return f"<?xml{body}?>"


def line_of(element: etree._Element) -> int | None:
    """The source line of an element (lxml's `sourceline`), typed for callers."""
    line = element.sourceline
    return line if isinstance(line, int) else None
