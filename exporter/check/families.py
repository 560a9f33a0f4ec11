"""Registry of the feed families `check` knows: how a document is recognised and
which module holds its rules.

Adding a family is one rule module and one line in FAMILIES. A family may also
name the reader of its archive facts (`pages`, for the folder checks) and the
file suffixes that choose it whatever the content says (`suffixes`). A family's rule
module is imported the first time a document of that family is checked, so
commands that never check a feed (and feeds of other families) do not pay for
its rules and schemas. A rule module that cannot be imported raises: that is a
packaging bug, and verification must never be skipped silently because of it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from exporter.check.atom_common import ATOM
from exporter.check.context import CheckContext
from exporter.check.elements import qname
from exporter.problems import Problem

if TYPE_CHECKING:
    from exporter.check.pages import Page

# A family's rules: the raw bytes (JSON families) or the parsed tree (XML ones).
Rules = Callable[[Any, CheckContext], list[Problem]]
# A family's archive facts: the document in, a `pages.Page` (or None) out.
PageReader = Callable[[Any, CheckContext], "Page | None"]
# Whether an XML family takes a document, from its root's (namespace, local name).
RootTest = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Family:
    """`root` recognises an XML family by its root element; a family without one
    takes JSON documents (told apart by their first byte) and gets their bytes.
    `shape` names what its documents look like, for the unknown-format message.
    `pages` is "module:function" reading a document's archive facts (a
    `pages.Page`, or None); `suffixes` are file names that take this family."""

    name: str
    shape: str
    module: str
    function: str
    root: RootTest | None = None
    pages: str | None = None
    suffixes: tuple[str, ...] = ()

    def rules(self) -> Rules:
        """The rule function, imported on first use."""
        rules: Rules = getattr(importlib.import_module(self.module), self.function)
        return rules

    def page_reader(self) -> PageReader | None:
        """The reader of archive facts, imported on first use; None if the family
        has no archives."""
        if self.pages is None:
            return None
        module, _, function = self.pages.partition(":")
        reader: PageReader = getattr(importlib.import_module(module), function)
        return reader


def _atom_root(namespace: str, local: str) -> bool:
    # Any <feed> is checked as Atom so a wrong namespace gets its precise finding;
    # a bare <entry> only in the Atom namespace (an Atom entry document).
    return local == "feed" or (local == "entry" and namespace == ATOM)


def _rss_root(namespace: str, local: str) -> bool:
    return local == "rss" and not namespace


def _opml_root(namespace: str, local: str) -> bool:
    return local == "opml" and not namespace


_PAGES = "exporter.check.pages"
FAMILIES: tuple[Family, ...] = (
    Family(
        "rss",
        "<rss> (RSS 2.0)",
        "exporter.check.rss",
        "check_rss",
        _rss_root,
        pages=f"{_PAGES}:rss_document_page",
    ),
    Family(
        "atom",
        f'<feed xmlns="{ATOM}"> (Atom 1.0)',
        "exporter.check.atom",
        "check_atom",
        _atom_root,
        pages=f"{_PAGES}:atom_document_page",
    ),
    Family(
        "opml",
        "<opml> (OPML 1.0/2.0)",
        "exporter.check.opml",
        "check_opml",
        _opml_root,
        suffixes=(".opml",),
    ),
    Family(
        "jsonfeed",
        "a JSON Feed",
        "exporter.check.jsonfeed",
        "check_jsonfeed",
        pages=f"{_PAGES}:json_document_page",
    ),
)


def expected_shapes() -> str:
    """What a feed may look like, for messages: "<rss> (RSS 2.0), ... or a JSON Feed"."""
    shapes = [family.shape for family in FAMILIES]
    return ", ".join(shapes[:-1]) + " or " + shapes[-1]


def named_family(source: str) -> Family | None:
    """The family a file name chooses by its suffix (`subscriptions.opml`), or None."""
    name = source.lower()
    return next((f for f in FAMILIES if f.suffixes and name.endswith(f.suffixes)), None)


def json_family() -> Family:
    """The family that checks JSON documents."""
    return next(family for family in FAMILIES if family.root is None)


def xml_family(root: etree._Element) -> Family | None:
    """The family whose documents have this root element, or None."""
    namespace, local = qname(root)
    if not local:  # not an element (cannot happen for a parsed document's root)
        return None
    return next(
        (family for family in FAMILIES if family.root and family.root(namespace, local)), None
    )
