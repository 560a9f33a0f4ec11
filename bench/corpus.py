"""Deterministic synthetic records shaped like the bundled seed.

~4.5 KB per record, 30 % with a Markdown body, 0-5 related items, 0-3 images;
an optional fraction of records is broken in one of several realistic ways.
Same arguments, same bytes: no clock, no network, a seeded RNG.
"""

from __future__ import annotations

import argparse
import base64
import random
import re
import tempfile
from pathlib import Path

# Where the benchmarks keep their corpora and outputs unless told otherwise.
WORK = Path(tempfile.gettempdir()) / "feed-exporter-bench"

WORDS = [
    "privacy",
    "data",
    "model",
    "network",
    "learning",
    "vision",
    "policy",
    "market",
    "growth",
    "cloud",
    "security",
    "research",
    "study",
    "report",
    "launch",
    "device",
    "energy",
    "climate",
    "health",
    "city",
    "transport",
    "media",
    "analysis",
    "platform",
    "regulation",
    "court",
    "election",
    "budget",
    "science",
    "space",
    "ocean",
]
TOPICS = [
    "AI",
    "Machine Learning",
    "Computer Vision",
    "Security",
    "Policy",
    "Science",
    "Health",
    "Climate",
    "Markets",
    "Space",
    "Transport",
    "Media",
]
PROVIDERS = [
    ("Analytics India Magazine", "analyticsindiamag.com"),
    ("Fox News", "foxnews.com"),
    ("Business Insider", "businessinsider.com"),
    ("Compsmag", "compsmag.com"),
    ("Example Times", "example-times.com"),
    ("Daily Ledger", "dailyledger.org"),
]
# `--wide`: a news site's spread of facets, for feed sets: 60 topics, 200
# providers, 8 categories (the default corpus keeps its 12, 6 and 3).
WIDE_TOPICS = TOPICS + [f"{a.capitalize()} {b}" for a in WORDS[:8] for b in WORDS[8:14]]
WIDE_PROVIDERS = PROVIDERS + [(f"Provider {n:03d}", f"provider{n:03d}.example") for n in range(194)]
CATEGORIES = ["news", "analysis", "opinion"]
WIDE_CATEGORIES = [*CATEGORIES, "review", "interview", "feature", "explainer", "live"]
TRAPS = (
    "yes",
    "on",
    "1e3",
    "2021-02-09",
    "null",
    "&",
    "<b>bold</b>",
    'O\'Brien "quoted"',
    "Café ☕ 東京",
    "a < b && c > d",
    "]]>",
)
BREAKAGES = (
    "missing-title",
    "naive-date",
    "javascript-url",
    "typo-field",
    "bad-yaml",
    "bool-title",
    "duplicate-url",
)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stamp(rng: random.Random) -> str:
    day = rng.randrange(1, 28)
    month = rng.randrange(1, 13)
    hour, minute = rng.randrange(24), rng.randrange(60)
    offset = rng.choice(["Z", "+02:00", "-05:00", "+05:30"])
    return f"20{rng.randrange(15, 25)}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00{offset}"


def _images(rng: random.Random, indent: str, host: str, count: int) -> list[str]:
    lines = []
    for number in range(count):
        lines += [
            f'{indent}- url: "https://cdn.{host}/img/{rng.randrange(10**9)}-{number}.jpg"',
            f"{indent}  width: {rng.randrange(200, 1600)}",
            f"{indent}  height: {rng.randrange(150, 1200)}",
            f"{indent}  isCached: {rng.choice(['true', 'false'])}",
        ]
    return lines


def record(index: int, rng: random.Random, broken: str | None = None, wide: bool = False) -> str:
    providers = WIDE_PROVIDERS if wide else PROVIDERS
    name, host = rng.choice(providers)
    title = _sentence(rng, rng.randrange(6, 14))
    if rng.random() < 0.15:
        title += " " + rng.choice(TRAPS)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    url = f"https://{host}/{index:07d}/{slug}"
    lines = [
        "---",
        f"category: {rng.choice(WIDE_CATEGORIES if wide else CATEGORIES)}",
        f"title: {_quote(title)}",
        f"excerpt: {_quote(_sentence(rng, rng.randrange(20, 45)))}",
        f"publishedDateTime: {_stamp(rng)}",
        f'originalUrl: "{url if rng.random() < 0.7 else url + "?src=orig"}"',
        f'webUrl: "{url}"',
        "type: article",
        f"quality: {rng.randrange(0, 101)}",
        f"heat: {rng.randrange(-1, 500)}",
        f"published: {rng.choice(['true', 'false'])}",
        "",
        "provider:",
        f"  name: {name}",
        f"  domain: {host}",
        "",
        "topics:",
        *(
            f"  - {topic}"
            for topic in rng.sample(WIDE_TOPICS if wide else TOPICS, rng.randrange(1, 4))
        ),
    ]
    image_count = rng.randrange(0, 4)
    if image_count:
        lines += ["", "images:", *_images(rng, "  ", host, image_count)]
    related_count = rng.randrange(0, 6)
    if related_count:
        lines += ["", "related:"]
    for number in range(related_count):
        other_name, other_host = rng.choice(PROVIDERS)
        other = f"https://{other_host}/related/{index:07d}-{number}"
        lines += [
            f"  - title: {_quote(_sentence(rng, rng.randrange(6, 12)))}",
            f"    excerpt: {_quote(_sentence(rng, rng.randrange(15, 35)))}",
            f"    publishedDateTime: {_stamp(rng)}",
            f'    webUrl: "{other}"',
            f'    ampWebUrl: "{other}.amp"',
            f'    cdnAmpWebUrl: "https://cdn.ampproject.org/c/s/{other_host}/related/{index}"',
            "    type: article",
            "    provider:",
            f"      name: {other_name}",
            f"      domain: {other_host}",
            f"    quality: {rng.randrange(0, 101)}",
        ]
        if rng.random() < 0.5:
            lines += ["    images:", *_images(rng, "      ", other_host, 1)]
    blob = base64.b64encode(rng.randbytes(rng.randrange(300, 500))).decode()
    key = base64.b64encode(rng.randbytes(16)).decode()
    lines += ["", f'secured: "{blob};{key}"', "---", ""]
    if rng.random() < 0.3:
        lines += [
            f"## {_sentence(rng, 4)}",
            "",
            f"{_sentence(rng, 40)}. See [the source]({url}) and *more*.",
            "",
            f"- {_sentence(rng, 5)}",
            f"- {_sentence(rng, 6)}",
            "",
        ]
    text = "\n".join(lines)
    return _break(text, broken, index) if broken else text


def _break(text: str, how: str, index: int) -> str:
    if how == "missing-title":
        return "\n".join(line for line in text.split("\n") if not line.startswith("title:"))
    if how == "naive-date":
        head, _, rest = text.partition("publishedDateTime: ")
        stamp, _, tail = rest.partition("\n")
        return f"{head}publishedDateTime: {stamp[:19]}\n{tail}"
    if how == "javascript-url":
        head, _, rest = text.partition('webUrl: "')
        return f'{head}webUrl: "javascript:alert({index})"{rest[rest.index(chr(10)) :]}'
    if how == "typo-field":
        return text.replace("publishedDateTime:", "publishDateTime:", 1)
    if how == "bad-yaml":
        return text.replace("type: article", "type: [article", 1)
    if how == "bool-title":
        head, _, rest = text.partition("title: ")
        return f"{head}title: yes{rest[rest.index(chr(10)) :]}"
    head, _, rest = text.partition('webUrl: "')
    return f'{head}webUrl: "https://example-times.com/duplicate"{rest[rest.index(chr(10)) :]}'


def generate(
    count: int, seed: int = 0, invalid: float = 0.0, wide: bool = False
) -> list[tuple[str, str]]:
    """(file name, text) pairs; `invalid` is the fraction of broken records;
    `wide` draws from many more topics, providers and categories."""
    rng = random.Random(seed)
    files = []
    for index in range(count):
        broken = rng.choice(BREAKAGES) if rng.random() < invalid else None
        files.append((f"{index:07d}.md", record(index, rng, broken, wide)))
    return files


def write_corpus(
    folder: Path, count: int, seed: int = 0, invalid: float = 0.0, wide: bool = False
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate(count, seed, invalid, wide):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def wide_corpus(work: Path, count: int) -> Path:
    """The wide corpus of `count` records under `work`, written the first time
    it is asked for and reused after (the sets and cluster benchmarks share it)."""
    corpus = work / f"corpus-wide-n{count}"
    if not corpus.is_dir():
        write_corpus(corpus, count, seed=0, wide=True)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid", type=float, default=0.0, help="fraction of broken records")
    parser.add_argument("--wide", action="store_true", help="60 topics, 200 providers")
    args = parser.parse_args()
    write_corpus(args.folder, args.count, args.seed, args.invalid, args.wide)


if __name__ == "__main__":
    main()
