"""Markdown/text documents: YAML front matter between `---` lines, then a body.

python-frontmatter's YAML handler finds the boundaries; the YAML itself goes
through our event composer (python-frontmatter's own loader expands aliases and
drops line numbers), or through the fast path where that provably reads the
same record; its lines and hints are then computed only if a problem needs them.
"""

from __future__ import annotations

import re

from frontmatter.default_handlers import YAMLHandler

from exporter.load.fast_yaml import deferred_locations, fast_compose
from exporter.load.settings import LoadSettings
from exporter.load.yaml_safe import YamlRefused, compose
from exporter.problems import Problem
from exporter.records import Record

_BOUNDARY = YAMLHandler.FM_BOUNDARY
_TOML_BOUNDARY = re.compile(r"\+\+\+[ \t]*\n")  # Hugo's TOML front matter


def _closing(text: str, start: int) -> re.Match[str] | None:
    """`_BOUNDARY.search(text, start)`, trying only lines that start with ---:
    the search itself attempts a match at every character of the front matter.
    Candidates are taken in order, so the first match is the search's."""
    line = text.find("\n---", start - 1)
    while line != -1:
        found = _BOUNDARY.match(text, line + 1)
        if found is not None:
            return found
        line = text.find("\n---", line + 1)
    return None


def parse_front_matter(text: str, name: str, settings: LoadSettings) -> Record | Problem:
    # python-frontmatter's `YAMLHandler().detect(text)` is this same match
    opening = _BOUNDARY.match(text)
    if opening is None and _TOML_BOUNDARY.match(text):
        return Problem(
            path=name,
            rule="no-front-matter",
            message="this is TOML front matter (+++); feed-exporter reads YAML front matter "
            "between --- lines",
            line=1,
            hint='convert it: hugo convert toYAML, or by hand: key = "value" becomes '
            "key: value, and the +++ lines become ---",
        )
    if opening is None:
        return Problem(
            path=name,
            rule="no-front-matter",
            message="no YAML front matter: the file must start with a line of ---",
            line=1,
        )
    closing = _closing(text, opening.end())
    if closing is None:
        return Problem(
            path=name,
            rule="no-front-matter",
            message="front matter is not closed: add a line of --- after the fields",
            line=1,
        )
    yaml_text = text[opening.end() : closing.start()]
    offset = text.count("\n", 0, opening.end())
    body = text[closing.end() :].lstrip("\n")
    fast = fast_compose(yaml_text, settings.max_depth)
    if fast is not None:
        lines, origins = deferred_locations(yaml_text, offset, settings.max_depth)
        return Record(
            data=fast,
            source=name,
            line=offset + 2,
            body=body,
            lines=lines,
            origins=origins,
            locations_deferred=True,
        )
    try:
        document = compose(yaml_text, line_offset=offset, max_depth=settings.max_depth)
    except YamlRefused as refused:
        return Problem(
            path=name,
            rule=refused.rule,
            message=refused.message,
            line=refused.line,
            column=refused.column,
            hint=refused.hint,
        )
    if not isinstance(document.value, dict):
        return Problem(
            path=name,
            rule="not-an-object",
            message="front matter must be a mapping of fields (key: value lines)",
            line=offset + 2,
        )
    return Record(
        data=document.value,
        source=name,
        line=offset + 2,
        body=body,
        lines=document.lines,
        origins=document.origins,
    )


def parse_front_matter_file(text: str, name: str, settings: LoadSettings) -> list[Record | Problem]:
    """One file, one record: the signature every parser in `sources.PARSERS` has."""
    return [parse_front_matter(text, name, settings)]
