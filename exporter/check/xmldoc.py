"""Safe parsing of untrusted XML bytes into an lxml tree plus XML-level problems.

Feeds come from anyone, so parsing never touches the network or the file system
(no DTD loading, no external entities: XXE), refuses entity-expansion bombs and
oversized input, and turns every failure into a `Problem` instead of an exception.
We decode the bytes ourselves first so that encoding mistakes and XML-illegal
characters get precise, fixable messages before libxml2 sees the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from exporter.check.context import CheckContext
from exporter.check.xmltext import (
    decode,
    illegal_characters,
    position,
    problem,
    prolog,
    utf8_source,
)
from exporter.problems import Problem

_ENTITY_DECL = re.compile(
    r"""<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s%;]+)\s+"""
    r"""(?:(?P<external>SYSTEM|PUBLIC)\b|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')"""
)
_EXTERNAL_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC)\b")
_ENTITY_REF = re.compile(r"[&%]([^\s&%;<>\"']+);")
# Entity expansion beyond this many characters is treated as a bomb, whatever
# libxml2's own amplification limit says (defence in depth across versions).
MAX_ENTITY_EXPANSION = 1_000_000


@dataclass(slots=True)
class XmlParse:
    """The outcome of parsing: a tree (None if the bytes are not usable XML) and
    the XML-level problems found on the way."""

    tree: etree._ElementTree | None
    problems: list[Problem] = field(default_factory=list)


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
            line, column = position(text, match.start())
            problems.append(
                problem(
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
                line, column = position(text, ref.start())
                problems.append(
                    problem(
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
        return problem(
            context,
            "xml-entity-expansion",
            "The document's entities expand too much (an entity-expansion bomb): "
            "remove the DOCTYPE and its entities.",
            line,
            column,
        )
    prefix = _NAMESPACE_ERROR.search(message)
    if prefix is not None:
        return problem(
            context,
            "xml-undeclared-prefix",
            f"The namespace prefix {prefix[1]!r} is used but never declared: add "
            f'xmlns:{prefix[1]}="..." on the root element, or drop the prefix.',
            line,
            column,
        )
    return problem(
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
                problem(
                    context,
                    "check-too-large",
                    f"The file is {len(data):,} bytes, over the {context.max_bytes:,}-byte "
                    "limit: split the feed into pages or raise the limit.",
                )
            ],
        )
    problems: list[Problem] = []
    text = decode(data, context, problems)
    text = prolog(text, context, problems)
    text = illegal_characters(text, context, problems)
    entity_problems, is_bomb = _entity_problems(text, context)
    problems.extend(entity_problems)
    if is_bomb:
        return XmlParse(None, problems)
    # Expand internal entities only when they are declared and nothing external
    # is referenced: lxml's "internal" mode still tries (and fails) to fetch an
    # external DTD subset, which would turn a harmless DOCTYPE into an error.
    external = any(p.rule == "xml-external-entity" for p in entity_problems)
    declares_entities = "<!ENTITY" in text and not _EXTERNAL_DOCTYPE.search(text, 0, 4096)
    source = utf8_source(text)
    parser = _parser(resolve_internal=declares_entities and not external)
    try:
        root = etree.fromstring(source, parser)
    except etree.XMLSyntaxError as error:
        problems.append(_syntax_problem(error, context))
        return XmlParse(None, problems)
    except (ValueError, MemoryError, RecursionError) as error:
        problems.append(
            problem(context, "xml-not-well-formed", f"The file cannot be parsed as XML ({error}).")
        )
        return XmlParse(None, problems)
    return XmlParse(root.getroottree(), problems)
