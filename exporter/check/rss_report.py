"""Collects RSS findings with their location, so rule code stays one line per finding."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from exporter.problems import Problem, Severity


class Report:
    """An accumulator of Problems for one feed; it never prints."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self,
        severity: Severity,
        rule: str,
        element: etree._Element | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        line = line_of(element) if element is not None else None
        self.problems.append(
            Problem(
                path=self.source,
                rule=rule,
                message=message,
                line=line,
                severity=severity,
                hint=hint,
            )
        )

    def error(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self.add(Severity.ERROR, rule, element, message, hint)

    def warning(
        self, rule: str, element: etree._Element | None, message: str, hint: str | None = None
    ) -> None:
        self.add(Severity.WARNING, rule, element, message, hint)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


@lru_cache(maxsize=4096)
def _split_tag(tag: str) -> tuple[str, str]:
    """("namespace", "local") of a tag string; cached, as feeds repeat few tags."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def local_name(element: etree._Element) -> str:
    return _split_tag(element.tag)[1] if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    return _split_tag(element.tag)[0] if isinstance(element.tag, str) else ""


# ("namespace", "local") of an element's tag string (element children only: the
# tag of a comment or PI is not a string); the cached function itself, no wrapper.
split_element_tag = _split_tag


def child_elements(element: etree._Element) -> list[etree._Element]:
    """Element children only: comments, processing instructions and entities skipped."""
    return list(element.iterchildren(etree.Element))


def text_of(element: etree._Element) -> str:
    """The element's character data with surrounding whitespace removed, as readers see it."""
    if not len(element):  # no children: the text is all there is (the common case)
        text = element.text
        return text.strip() if text else ""
    return "".join(t for t in element.itertext() if isinstance(t, str)).strip()


def line_of(element: etree._Element) -> int | None:
    """lxml's source line (None for elements built in memory)."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def describe(element: etree._Element) -> str:
    """`<item>/<guid>` style label for messages."""
    parent = element.getparent()
    name = f"<{_prefixed(element)}>"
    return f"<{_prefixed(parent)}>/{name}" if parent is not None else name


def _prefixed(element: etree._Element) -> str:
    prefix = element.prefix
    return f"{prefix}:{local_name(element)}" if prefix else local_name(element)
