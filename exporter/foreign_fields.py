"""What Hugo, Jekyll and other site generators call our fields.

A content folder written for Hugo or Jekyll uses `tags`, `date`, `draft`,
`description`... Closest-spelling suggestions do not know these ("`tags`: did
you mean `images`?"), so each known name says which field of the contract
holds the same thing, and how it differs. Issue 13.
"""

from __future__ import annotations

_DATE = ("publishedDateTime", "RFC 3339 with an offset, such as 2021-02-09T04:31:00Z")
_MODIFIED = ("modifiedDateTime", "RFC 3339 with an offset, not before publishedDateTime")
_EXCERPT = ("excerpt", "a short plain-text summary")
_AUTHOR = ("provider.name", "write provider: and, indented below it, name: ...")
_URL = ("webUrl", "the article's absolute https:// URL")
_IMAGES = ("images", "a list of mappings, each with a url:")
_TOPICS = ("topics", "a list of text")

# Top-level names only: inside `provider` or `images` they mean something else.
_HINTS = {
    "tags": _TOPICS,
    "keywords": _TOPICS,
    "categories": ("category", "one section as text; or list them under topics"),
    "date": _DATE,
    "pubDate": _DATE,
    "publishDate": _DATE,
    "published_at": _DATE,
    "lastmod": _MODIFIED,
    "updated": _MODIFIED,
    "modified": _MODIFIED,
    "last_modified_at": _MODIFIED,
    "description": _EXCERPT,
    "summary": _EXCERPT,
    "author": _AUTHOR,
    "authors": _AUTHOR,
    "url": _URL,
    "permalink": _URL,
    "slug": _URL,
    "link": _URL,
    "image": _IMAGES,
    "cover": _IMAGES,
    "draft": ("published", "inverted: draft: true is published: false"),
}


def foreign_field_hint(name: str) -> str | None:
    """Which field of the contract holds what a site generator calls `name`."""
    if name not in _HINTS:
        return None
    field, note = _HINTS[name]
    return f"`{name}` (Hugo, Jekyll) is `{field}` here: {note}"
