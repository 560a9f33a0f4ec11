"""The typed article every renderer receives.

Built only from records that passed the contract, so renderers never re-check
types; private fields (`secured`, `quality`, `heat`, `isCached`) are simply not
carried, which is the first of two guarantees that they never reach a feed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    domain: str | None = None

    @property
    def url(self) -> str | None:
        return f"https://{self.domain}/" if self.domain else None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    title: str
    url: str
    excerpt: str | None = None
    published_at: datetime | None = None
    provider: Provider | None = None
    images: tuple[Image, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """`id` is the webUrl: the identity of an article across formats and runs."""

    id: str
    url: str
    title: str
    published_at: datetime
    modified_at: datetime | None = None  # the last edit, when the record says
    original_url: str | None = None
    excerpt: str | None = None
    body: str = ""
    category: str | None = None
    type: str | None = None
    published: bool = True
    provider: Provider | None = None
    topics: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[RelatedArticle, ...] = ()
    source: str = ""


def parse_datetime(value: str) -> datetime:
    """RFC 3339 (already checked by the contract) to an aware datetime."""
    return datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))


def _provider(value: Any) -> Provider | None:
    # `type(...) is dict` first: loaders build dicts, and the ABC check costs more
    if not (type(value) is dict or isinstance(value, Mapping)) or not value.get("name"):
        return None
    return Provider(value["name"], value.get("domain"))


# The builders below run per item of every record: positional arguments (the
# classes above are small) and list comprehensions cost less than keywords and
# generators.


def _images(values: Any) -> tuple[Image, ...]:
    if not values:
        return ()
    return tuple(
        [
            Image(item["url"], _pixels(item.get("width")), _pixels(item.get("height")))
            for item in values
        ]
    )


def _pixels(value: Any) -> int | None:
    """JSON Schema counts 1.0 as an integer; feeds must still say "1", not "1.0"."""
    return None if value is None else int(value)


def _related(values: Any) -> tuple[RelatedArticle, ...]:
    if not values:
        return ()
    return tuple([_related_article(item) for item in values])


def _related_article(item: Mapping[str, Any]) -> RelatedArticle:
    published = item.get("publishedDateTime")
    return RelatedArticle(
        item["title"],
        item["webUrl"],
        item.get("excerpt"),
        parse_datetime(published) if published else None,
        _provider(item.get("provider")),
        _images(item.get("images")),
    )


def _modified(value: Any) -> datetime | None:
    return parse_datetime(value) if value else None


def article_from_record(record: Mapping[str, Any], body: str = "", source: str = "") -> Article:
    """Map a contract-valid record to an Article (field names as users say them)."""
    get = record.get
    url = record["webUrl"]
    topics = get("topics")
    return Article(
        id=url,
        url=url,
        title=record["title"],
        published_at=parse_datetime(record["publishedDateTime"]),
        modified_at=_modified(get("modifiedDateTime")),
        original_url=get("originalUrl"),
        excerpt=get("excerpt"),
        body=body,
        category=get("category"),
        type=get("type"),
        published=get("published", True),
        provider=_provider(get("provider")),
        topics=tuple(topics) if topics else (),
        images=_images(get("images")),
        related=_related(get("related")),
        source=source,
    )
