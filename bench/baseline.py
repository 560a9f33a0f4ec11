"""The obvious pipeline, as the issue describes it, to measure ourselves against.

python-frontmatter loads each file, jsonschema (with format checks) validates it,
feedgen builds RSS and Atom, `json` writes JSON Feed; everything stays alive at
once. No caching, no parallelism, nothing clever: this is the yardstick.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import frontmatter
from feedgen.feed import FeedGenerator
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "article.schema.json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def run(folder: Path, out: Path) -> dict[str, float]:
    stages: dict[str, float] = {}
    start = time.perf_counter()
    posts = []
    for path in sorted(folder.rglob("*.md")):
        try:
            post = frontmatter.load(str(path))
        except Exception:  # the obvious pipeline skips what it cannot read
            continue
        posts.append((_jsonable(post.metadata), post.content))
    stages["load"] = time.perf_counter() - start

    start = time.perf_counter()
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())
    valid = [(m, body) for m, body in posts if validator.is_valid(m)]
    stages["validate"] = time.perf_counter() - start

    start = time.perf_counter()
    valid.sort(key=lambda item: item[0]["publishedDateTime"], reverse=True)
    feed = FeedGenerator()
    feed.load_extension("media")
    feed.id("https://example.org/feeds/atom.xml")
    feed.title("baseline")
    feed.link(href="https://example.org/", rel="alternate")
    feed.link(href="https://example.org/feeds/atom.xml", rel="self")
    feed.description("baseline feed")
    items = []
    for meta, body in valid:
        entry = feed.add_entry(order="append")
        entry.id(meta["webUrl"])
        entry.guid(meta["webUrl"], permalink=True)
        entry.title(meta["title"])
        entry.link(href=meta["webUrl"])
        entry.description(meta.get("excerpt", ""))
        entry.published(meta["publishedDateTime"])
        entry.updated(meta["publishedDateTime"])
        if body:
            entry.content(body, type="html")
        for topic in meta.get("topics", []):
            entry.category(term=topic)
        for image in meta.get("images", []):
            entry.media.content(url=image["url"], width=str(image.get("width", "")))
        items.append(
            {
                "id": meta["webUrl"],
                "url": meta["webUrl"],
                "title": meta["title"],
                "summary": meta.get("excerpt", ""),
                "content_text": body or meta.get("excerpt", ""),
                "date_published": meta["publishedDateTime"],
                "tags": meta.get("topics", []),
            }
        )
    stages["build"] = time.perf_counter() - start

    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    feed.rss_file(str(out / "rss.xml"), pretty=True)
    feed.atom_file(str(out / "atom.xml"), pretty=True)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "baseline", "items": items}
    (out / "feed.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    stages["render+write"] = time.perf_counter() - start
    stages["records"] = float(len(posts))
    stages["valid"] = float(len(valid))
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    json.dump(run(args.folder, args.out), sys.stdout)


if __name__ == "__main__":
    main()
