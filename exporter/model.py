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


@dataclass(frozen=True, slots=True)
class Article:
    """`id` is the webUrl: the identity of an article across formats and runs."""

    id: str
    url: str
    title: str
    published_at: datetime
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
    if not isinstance(value, Mapping) or not value.get("name"):
        return None
    return Provider(name=value["name"], domain=value.get("domain"))


def _images(values: Any) -> tuple[Image, ...]:
    return tuple(
        Image(url=item["url"], width=_pixels(item.get("width")), height=_pixels(item.get("height")))
        for item in values or ()
    )


def _pixels(value: Any) -> int | None:
    """JSON Schema counts 1.0 as an integer; feeds must still say "1", not "1.0"."""
    return None if value is None else int(value)


def _related(values: Any) -> tuple[RelatedArticle, ...]:
    return tuple(
        RelatedArticle(
            title=item["title"],
            url=item["webUrl"],
            excerpt=item.get("excerpt"),
            published_at=(
                parse_datetime(item["publishedDateTime"]) if item.get("publishedDateTime") else None
            ),
            provider=_provider(item.get("provider")),
        )
        for item in values or ()
    )


def article_from_record(record: Mapping[str, Any], body: str = "", source: str = "") -> Article:
    """Map a contract-valid record to an Article (field names as users say them)."""
    return Article(
        id=record["webUrl"],
        url=record["webUrl"],
        title=record["title"],
        published_at=parse_datetime(record["publishedDateTime"]),
        original_url=record.get("originalUrl"),
        excerpt=record.get("excerpt"),
        body=body,
        category=record.get("category"),
        type=record.get("type"),
        published=record.get("published", True),
        provider=_provider(record.get("provider")),
        topics=tuple(record.get("topics") or ()),
        images=_images(record.get("images")),
        related=_related(record.get("related")),
        source=source,
    )
