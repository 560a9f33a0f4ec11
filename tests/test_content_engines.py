"""The cmark-gfm fast path renders exactly what markdown-it-py renders, or does not run.

`body_to_html` takes cmark-gfm only where `_fast_html` says the two engines agree;
these tests compare it byte for byte with `reference_html` (markdown-it-py only) on
the bench corpus, on generated Markdown-ish text and on hostile nesting.
"""

from __future__ import annotations

import random
import re
import resource

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import generate
from exporter.content import _cmark_html, _fast_html, body_to_html, reference_html

BASE = "https://news.example.com/section/story.html"

# Pieces of Markdown that exercise every construct both engines know, their edge cases
# (entities, escapes, dangerous schemes, Unicode spaces and symbols, line endings).
PIECES = [
    "*", "**", "_", "__", "[", "]", "(", ")", "](", "![", "]: ", ">", "> ", "- ", "* ",
    "+ ", "1. ", "2) ", "#", "# ", "## ", "`", "```", "~~~", "\n", "\n\n", " ", "  ",
    "    ", "&", "&amp;", "&copy;", "&#35;", "&#x41;", "&colon;", "&nbsp;", "&#0;",
    "&#xD800;", "1", "42", "!", "\\", "\\*", "http://ex.com/a", "https://x.org/p?q=1&r=2",
    "word", "foo", "bar", "é", "東", "€", "😀", "ß", "ẞ", "İ", "\u0301", '"', "'", "=",
    "===", "---", "***", "+", ":", "~", "|", ".", "$", "%20", "%", "[a]: /u", "[a]", "[A]",
    "[a][]", "[x][a]", "javascript:x", "JavaScript:x", "data:image/png;base64,AA",
    "data:text/html,x", "vbscript:", "file:///etc", "mailto:a@b.c", "a@b.c", "www.x.com",
    "\r\n", "\r", "\t", "\xa0", "\u2003", "<", "<b>", "<http://x.org>", "?", "'t'", '"t"',
    "(t)", "../x", "/abs", "#frag", "//cdn.x/y", "http://é.com/", "_a_", "*a*", "-",
]  # fmt: skip


def _bench_bodies(records: int) -> list[str]:
    bodies = []
    for _, text in generate(records, seed=5):
        _, _, body = text.partition("\n---\n")
        if body.strip():
            bodies.append(body)
    return bodies


def _depth(html: str) -> int:
    depth = deepest = 0
    for tag in re.finditer(r"<(/?)(?!br|hr|img)[a-z]", html):
        depth += -1 if tag.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def test_bench_corpus_bodies_take_the_fast_path_and_render_identically() -> None:
    bodies = _bench_bodies(2000)
    assert len(bodies) > 450
    for body in bodies:
        assert _fast_html(body) is not None, body
        assert body_to_html(body, BASE) == reference_html(body, BASE)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join))
def test_generated_markdown_renders_identically(body: str) -> None:
    assert body_to_html(body, BASE) == reference_html(body, BASE)


def test_seeded_fuzz_takes_the_fast_path_often_and_agrees() -> None:
    rng = random.Random(20240605)
    fast = 0
    for _ in range(3000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 40)))
        fast += _fast_html(body) is not None
        assert body_to_html(body, BASE) == reference_html(body, BASE), body
    assert fast > 300  # the comparison above is not vacuous


@pytest.mark.parametrize(
    "body",
    [
        "<b>raw</b> html is text",  # cmark omits it
        "[click](javascript:alert(1))",  # markdown-it leaves it as text, cmark href=""
        "**y*a*:*",  # cmark 0.29 openers_bottom bug
        "****a****",  # cmark-gfm: one <strong>
        "**a **b** c**",  # cmark-gfm drops a <strong> inside a <strong>
        "a\xa0",  # markdown-it strips Unicode spaces at paragraph edges
        "[a](/u(b)",  # unbalanced parenthesis in a destination
        "[a]: /u\n(t)x\n\n[a]",  # title followed by text
        "[a](/p%zz)",  # lone percent sign
        "2) a\\\n  b",  # backslash break before an indented lazy line
        "`a\n  b`",  # code span over an indented line
        "```\ncode",  # unclosed fence at the end
        ">",  # empty blockquote
        "*€*a",  # symbol next to a delimiter (punctuation since CommonMark 0.31)
        "[a](http://é.com/)",  # markdown-it punycodes the host
        "a &#xD800; b",  # invalid numeric entity
        "a\tb",  # tabs
    ],
)
def test_known_divergences_take_the_reference_path(body: str) -> None:
    assert _fast_html(body) is None
    assert body_to_html(body, BASE) == reference_html(body, BASE)


@pytest.mark.parametrize(
    "body",
    [
        ">" * 100_000 + " deep",
        "- " * 50_000 + "deep",
        "> - 1. " * 10_000 + "deep",
        "[" * 100_000,
        "*" * 100_000,
        "  " * 20_000 + "- x",
        "".join(f"{'  ' * level}- item {level}\n" for level in range(2000)),
    ],
)
def test_hostile_nesting_is_bounded_and_identical(body: str) -> None:
    html = body_to_html(body, BASE)
    assert html == reference_html(body, BASE)
    assert _depth(html) <= 40


def test_deep_nesting_never_reaches_cmark() -> None:
    assert _fast_html(">" * 13 + " a") is None
    assert _fast_html("- " * 7 + "a") is None
    assert _fast_html("> " * 6 + "a") is not None


def test_ordinary_emphasis_and_links_take_the_fast_path() -> None:
    body = "**Bold** and *em*, a [link](https://x.org/a_b?q=1) and **東京** too.\n\n- one\n"
    assert _fast_html(body) is not None
    assert body_to_html(body, BASE) == reference_html(body, BASE)


def test_cmark_output_buffers_are_freed() -> None:
    body = "Some *words* and [a link](https://x.org/). " * 400  # ~17 KB of HTML each
    _cmark_html(body)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(4000):  # would leak ~70 MB
        html = _cmark_html(body)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert html is not None and html.count("<em>") == 400
    assert grown_kib < 20_000
