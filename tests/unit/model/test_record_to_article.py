"""Each record field lands in the right Article attribute: the small objects
are built with positional arguments for speed, so a swapped or reordered field
would otherwise go unnoticed wherever two fields share a type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from exporter.model import Image, Provider, RelatedArticle, article_from_record

RECORD = {
    "title": "Title",
    "excerpt": "Excerpt",
    "publishedDateTime": "2024-05-06T07:08:09+02:00",
    "originalUrl": "https://origin.example/a",
    "webUrl": "https://web.example/a",
    "type": "story",
    "category": "news",
    "published": False,
    "provider": {"name": "Provider", "domain": "provider.example"},
    "topics": ["one", "two"],
    "images": [{"url": "https://img.example/1.png", "width": 640, "height": 480}, {"url": "u2"}],
    "related": [
        {
            "title": "Related",
            "webUrl": "https://web.example/r",
            "excerpt": "Related excerpt",
            "publishedDateTime": "2023-01-02T03:04:05Z",
            "provider": {"name": "Other", "domain": "other.example"},
        },
        {"title": "Bare", "webUrl": "https://web.example/b"},
    ],
}


def test_every_field_lands_in_its_attribute() -> None:
    article = article_from_record(RECORD, "Body", "a.md")
    assert (article.id, article.url, article.title) == (
        "https://web.example/a",
        "https://web.example/a",
        "Title",
    )
    plus_two = timezone(timedelta(hours=2))
    assert article.published_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=plus_two)
    assert (article.original_url, article.excerpt, article.body) == (
        "https://origin.example/a",
        "Excerpt",
        "Body",
    )
    assert (article.category, article.type, article.published, article.source) == (
        "news",
        "story",
        False,
        "a.md",
    )
    assert article.provider == Provider(name="Provider", domain="provider.example")
    assert article.topics == ("one", "two")
    assert article.images == (
        Image(url="https://img.example/1.png", width=640, height=480),
        Image(url="u2", width=None, height=None),
    )
    assert article.related == (
        RelatedArticle(
            title="Related",
            url="https://web.example/r",
            excerpt="Related excerpt",
            published_at=datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC),
            provider=Provider(name="Other", domain="other.example"),
        ),
        RelatedArticle(title="Bare", url="https://web.example/b"),
    )
