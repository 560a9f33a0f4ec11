"""Untrusted XML bytes to the text the parser gets, with precise problems first.

Encoding mistakes (a BOM, a declared encoding that does not match the bytes),
XML-illegal characters and C1 controls are reported here with line and column
and a fix, before libxml2 sees the document and could only say "not
well-formed". `exporter.check.xmldoc` parses what comes out.
"""

from __future__ import annotations

import codecs
import re

from exporter.check.context import CheckContext
from exporter.problems import Problem, Severity
from exporter.words import counted

# XML 1.0 §2.2: characters that may never appear, even escaped.
_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# C1 controls are legal XML but almost always a mis-declared windows-1252 text.
_C1_CHARS = re.compile("[\x80-\x9f]")
_DECLARATION = re.compile(r"<\?xml(?P<body>\s[^>]*?)?\?>")
_PSEUDO_ATTR = re.compile(
    r"""(?P<name>version|encoding|standalone)\s*=\s*["'](?P<value>[^"']*)["']"""
)
_SINGLE_BYTE_ENCODINGS = ("latin", "iso8859", "cp125", "ascii", "mac")
MAX_REPORTED_CHARACTERS = 5


def problem(
    context: CheckContext,
    rule: str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    """An XML-level problem of the feed being checked."""
    return Problem(
        path=context.source,
        rule=rule,
        message=message,
        line=line,
        column=column,
        severity=severity,
    )


def position(text: str, index: int) -> tuple[int, int]:
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


def decode(data: bytes, context: CheckContext, problems: list[Problem]) -> str:
    """Decode with the BOM or declared encoding, reporting mismatches; never raises."""
    sniffed, bom_length = _sniff_encoding(data)
    if bom_length:
        problems.append(
            problem(
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
                problem(
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
                problem(
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
            problem(
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
                problem(
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


def prolog(text: str, context: CheckContext, problems: list[Problem]) -> str:
    """Report text before the XML declaration and a wrong XML version; return the
    text from the declaration on so later checks still run."""
    match = _DECLARATION.search(text, 0, 4096)
    if match is not None and match.start() > 0 and "<" not in text[: match.start()]:
        before = text[: match.start()]
        what = "whitespace" if not before.strip() else "text"
        line, column = position(text, match.start())
        problems.append(
            problem(
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
                problem(
                    context,
                    "xml-bad-version",
                    f'The XML declaration says version="{version}": feeds must be XML 1.0, '
                    'write version="1.0".',
                    1,
                )
            )
    return text


def illegal_characters(text: str, context: CheckContext, problems: list[Problem]) -> str:
    """Report raw characters XML forbids, then replace them so parsing can go on."""
    found = list(_ILLEGAL_CHARS.finditer(text))
    for match in found[:MAX_REPORTED_CHARACTERS]:
        line, column = position(text, match.start())
        problems.append(
            problem(
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
            problem(
                context,
                "xml-illegal-character",
                f"{counted(len(found) - MAX_REPORTED_CHARACTERS, 'more character')} not "
                "allowed in XML found: remove all control characters.",
            )
        )
    control = _C1_CHARS.search(text)
    if control is not None:
        line, column = position(text, control.start())
        problems.append(
            problem(
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


def utf8_source(text: str) -> bytes:
    """The UTF-8 bytes handed to lxml, with the declaration saying so."""
    if text.startswith("<?xml"):
        text = _DECLARATION.sub(_utf8_declaration, text, count=1)
    return text.encode("utf-8", "replace")


def _utf8_declaration(match: re.Match[str]) -> str:
    """The same declaration with the encoding replaced, since we hand lxml UTF-8."""
    body = re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="utf-8"', match["body"] or "")
    return f"<?xml{body}?>"
