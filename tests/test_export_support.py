"""Shared builders for the export tests (no tests here).

Articles are built with `article_from_record` from record dicts, the same path
real records take, so the tests exercise the model mapping too.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.collect import collect
from exporter.config import FeedConfig, load_config
from exporter.model import Article, article_from_record
from exporter.problems import Problem
from exporter.render import FORMATS

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_bee16926b7eeda8c.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"
# Pinned clock for the checker's "date in the future" rule.
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def repo_config(formats: tuple[str, ...] = tuple(FORMATS)) -> FeedConfig:
    return load_config(REPO / "feed.toml", formats=formats)


def seed_articles() -> list[Article]:
    collection = collect([str(SEED)])
    assert collection.invalid == 0 and collection.unreadable == 0, collection.problems
    return collection.articles


def record(**fields: Any) -> dict[str, Any]:
    """A minimal contract-shaped record; keyword arguments replace or add fields."""
    base: dict[str, Any] = {
        "title": "An article",
        "webUrl": "https://news.example.com/articles/1",
        "publishedDateTime": "2021-02-09T04:31:00Z",
        "excerpt": "A short excerpt.",
        "provider": {"name": "Example News", "domain": "news.example.com"},
    }
    base.update(fields)
    return base


def article(body: str = "", **fields: Any) -> Article:
    return article_from_record(record(**fields), body, "test.md")


def check_feed(data: bytes, format_name: str, config: FeedConfig) -> list[Problem]:
    context = CheckContext(
        source=FORMATS[format_name].file_name, base=config.url_for(format_name), now=NOW
    )
    return check_bytes(data, context)


_WORDS = (
    "privacy", "vision", "model", "déjà vu", "naïve", "東京", "data", "AI",
    "Fish & Chips", "a < b", "\"quoted\"", "it's", "ünïcödé", "neural", "ethics",
)  # fmt: skip
_BODIES = (
    "",
    "Plain paragraph with *emphasis* and **strong**.",
    "# Heading\n\n- one\n- two\n\n1. first\n2. second\n",
    "A [relative link](../other/page.html?x=1&y=2) and ![img](/img/a.png \"T\").",
    "<script>alert(1)</script> raw html and <a href=\"x\" onclick=\"y\">a</a>",
    "[js](javascript:alert(1)) [data](data:text/html;base64,AAAA) [vb](vbscript:msgbox)",
    "```python\nprint('<b>&amp;</b>')\n```\n\n> quoted & <em>\n",
    "Control \x00\x0b\x1f characters \ufffe and emoji 🎉 and tabs\tand\nnewlines",
)  # fmt: skip


def varied_articles(count: int, seed: int = 3) -> list[Article]:
    """`count` articles covering optional fields, odd text and every body shape."""
    rng = random.Random(seed)
    start = datetime(2001, 1, 1, tzinfo=UTC)
    articles = []
    for index in range(count):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
        # Distinct minutes: validators warn about identical Atom <updated> values.
        published = start + timedelta(days=index * 17, minutes=index)
        offset = rng.choice(["Z", "+02:00", "-05:30"])
        stamp = published + timedelta(hours={"Z": 0, "+02:00": 2, "-05:30": -5.5}[offset])
        fields: dict[str, Any] = {
            "title": f"{index}: {words}",
            "webUrl": f"https://site{index % 7}.example.com/news/{index}/story-{index}",
            "publishedDateTime": stamp.strftime("%Y-%m-%dT%H:%M:%S") + offset,
            "published": rng.random() < 0.7,
        }
        if rng.random() < 0.8:
            fields["excerpt"] = f"Excerpt {index}: {words}"
        else:
            fields["excerpt"] = None
        if rng.random() < 0.7:
            fields["provider"] = {
                "name": f"Provider {index % 5} & Co",
                "domain": f"p{index % 5}.example.org",
            }
        else:
            fields["provider"] = None
        if rng.random() < 0.4:
            fields["originalUrl"] = f"https://origin.example.net/{index}"
        fields["topics"] = rng.sample(
            ["AI", "Vision", "Privacy", "Robots & Law", "AI"], rng.randint(0, 4)
        )
        fields["images"] = [
            {
                "url": f"https://img.example.com/{index}/{n}.jpg?w=1&h=2",
                "width": 100 + n,
                "height": 50 + n,
            }
            for n in range(rng.randint(0, 3))
        ]
        fields["related"] = [
            {
                "title": f"Related {n} <of> {index} & more",
                "webUrl": f"https://rel.example.com/{index}/{n}",
            }
            for n in range(rng.randint(0, 3))
        ]
        data = {key: value for key, value in record(**fields).items() if value is not None}
        articles.append(article_from_record(data, rng.choice(_BODIES), f"gen/{index}.md"))
    return articles
