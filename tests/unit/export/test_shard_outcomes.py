"""What a shard worker sends back: an outcome without its articles keeps every
other field, so the main process gets the same report without the articles."""

from __future__ import annotations

from exporter.collect import CheckedRecord, FileOutcome
from exporter.problems import Problem
from exporter.shards import _without_articles
from tests.support import MakeArticle


def test_an_outcome_without_articles_keeps_every_other_field(make_article: MakeArticle) -> None:
    problem = Problem(path="b.md", rule="missing-field", message="m", line=3, pointer="/title")
    valid = CheckedRecord("a.md", "https://web.example/a", 4, (), make_article(), True)
    invalid = CheckedRecord("b.md", None, None, (problem,), None, False)
    outcome = FileOutcome("x.jsonl", (problem,), (valid, invalid), "digest")
    stripped = _without_articles(outcome)
    assert stripped == FileOutcome(
        "x.jsonl",
        (problem,),
        (CheckedRecord("a.md", "https://web.example/a", 4, (), None, True), invalid),
        "digest",
    )
