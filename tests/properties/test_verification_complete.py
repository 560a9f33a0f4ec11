"""Verification stays complete: what the fragments' verification and the feed's
own rules report for an assembled feed is what `feed-exporter check` reports
for the whole file, finding for finding, line for line.

Two sources of entries: our own export of records mutated in hostile ways, and
the entries of the W3C validator's test feeds (hostile by design), verified as
fragments and assembled under a head of ours.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from lxml import etree

from bench.corpus import generate
from exporter.check.checker import check_bytes, check_path
from exporter.check.context import CheckContext
from exporter.config import load_config
from exporter.export.fragments import Probe, placed, probe_feed, verify_entries
from exporter.export.pipeline import run_export
from exporter.export.plan import Selection
from exporter.export.request import ExportRequest, ExportStatus
from exporter.problems import Problem
from exporter.render import FORMATS
from exporter.render.pieces import SEPARATORS, open_ends

REPO = Path(__file__).resolve().parents[2]
W3C = REPO.parent / "shared" / "w3c-testcases"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
ATOM = "http://www.w3.org/2005/Atom"
MUTATIONS: list[dict[str, Any]] = [
    {"title": "Use <b>bold</b> & <script>alert(1)</script> ]]> here"},
    {"title": "Control \x01 and C1 \x85 characters, \ufffe too"},
    {"title": "שלום עולם — RTL, emoji 🎉, and a very long tail " + "x" * 3000},
    {"publishedDateTime": "2099-01-01T00:00:00Z"},  # after the clock: every format warns
    {"publishedDateTime": "1985-05-05T05:05:05+05:00"},  # before 1990: every format warns
    {"excerpt": "   "},
    {"excerpt": "<p onclick='x()'>Click</p> <a href='javascript:alert(1)'>me</a>"},
    {"topics": ["AI", "AI", " ", "ai", "<b>Tag</b>"]},
    {"originalUrl": "https://other.example/original?a=1&b=2"},
    {"images": [{"url": "https://img.example/a.jpg", "width": 1.0, "height": 2}]},
    {"provider": None},
]
BODIES = [
    "[click](javascript:alert(1)) and ![x](/relative.png) and <iframe src=x></iframe>",
    "> " * 40 + "deep",
    "Plain text with & ampersands < and > signs, `code ]]>`.",
]


SCHEMA_RULES = frozenset({"atom-schema", "rss-schema"})


def _key(problem: Problem) -> tuple[object, ...]:
    return (problem.path, problem.line, problem.rule, problem.severity, problem.message,
            problem.pointer, problem.column)  # fmt: skip


def _same(found: list[Problem], expected: list[Problem]) -> None:
    assert Counter(map(_key, found)) == Counter(map(_key, expected))


def _mutated_corpus(folder: Path) -> None:
    folder.mkdir()
    rng = random.Random(5)
    for name, text in generate(60, seed=11):
        (folder / name).write_text(text, encoding="utf-8")
    records = []
    for index, mutation in enumerate(MUTATIONS * 2):
        record: dict[str, Any] = {
            "title": f"Mutated {index}",
            "webUrl": f"https://mutated.example/{index}",
            "publishedDateTime": f"2021-0{index % 9 + 1}-1{index % 9}T12:00:00Z",
            "excerpt": f"Mutation {index}.",
            "provider": {"name": "Mutants", "domain": "mutated.example"},
            "topics": ["Tests"],
        }
        record.update(mutation)
        if record.get("provider") is None:
            record.pop("provider")
        records.append(record)
    (folder / "mutated.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    for index, body in enumerate(BODIES):
        front = (
            f'---\ntitle: "Body {index}"\nwebUrl: "https://bodies.example/{index}"\n'
            f'publishedDateTime: "2022-02-0{index + 1}T00:00:00Z"\n---\n'
        )
        (folder / f"body-{index}.md").write_text(front + body + rng.choice(["", "\n"]), "utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_export_reports_what_check_finds_in_the_written_files(tmp_path: Path, jobs: int) -> None:
    records, out = tmp_path / "records", tmp_path / "out"
    _mutated_corpus(records)
    feed = load_config(REPO / "feed.toml")
    mutated = records / "mutated.jsonl"
    for step, cache in enumerate(
        [tmp_path / "cache", tmp_path / "cache", None, tmp_path / "cache"]
    ):
        if step == 3:  # one record edited: the rest is copied from the files written
            mutated.write_bytes(mutated.read_bytes().replace(b"Mutated 4", b"Mutated four", 1))
        request = ExportRequest(
            formats=("rss", "atom", "json"), out_dir=out, jobs=jobs, now=NOW, cache_dir=cache,
            selection=Selection(),
        )  # fmt: skip
        result = run_export([str(records)], request, feed)
        assert result.status is ExportStatus.OK, result.reason
        noted = 0
        for output in result.outputs:
            name = output.format.name
            context = CheckContext(source=output.format.file_name, base=feed.url_for(name), now=NOW)
            whole = check_path(str(out / output.format.file_name), context)
            _same(output.problems, whole)
            noted += len(whole)
        assert noted > 6  # the future and pre-1990 dates, in every format, and the size


def _w3c_cases() -> list[tuple[str, str]]:
    if not (W3C / "expected.tsv").is_file():
        return []
    with (W3C / "expected.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(row["case"], row["family"]) for row in rows if row["family"] in ("atom", "rss20")]


def _entries(path: Path, family: str) -> list[bytes]:
    """The entries of a test feed as standalone elements, ids unique (as the
    plan makes ours), in our indentation."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, ValueError):
        return []
    if family == "atom":
        if root.tag != f"{{{ATOM}}}feed":
            return []
        elements, indent, id_path = root.findall(f"{{{ATOM}}}entry"), b"  ", f"{{{ATOM}}}id"
    else:
        channel = root.find("channel") if root.tag == "rss" else None
        if channel is None:
            return []
        elements, indent, id_path = channel.findall("item"), b"    ", "guid"
    bodies: list[bytes] = []
    seen: set[str] = set()
    for element in elements:
        identity = (element.findtext(id_path) or "").strip()
        if identity in seen:
            continue
        seen.add(identity)
        try:
            text = etree.tostring(element, encoding="utf-8", with_tail=False)
        except (ValueError, etree.SerialisationError):
            continue
        bodies.append(indent + text + b"\n")
    return bodies


W3C_CASES = _w3c_cases()


def _assembled_findings_agree(name: str, bodies: list[bytes], label: str) -> int:
    """Verify `bodies` as fragments in the probe, assemble them under the real
    head, and compare with `check` on the whole; the number of findings.

    Equal whenever the feed has no error, which is every feed an export writes
    (an error stops it). With errors the verdict is the same and nothing `check`
    reports is missing, but the fragments may say more: `check` reports only the
    first structural (schema) error of a document, and each entry verified on
    its own has its own first one."""
    feed = load_config(REPO / "feed.toml")
    probe_config = probe_feed(feed.entry_settings)
    file_name = FORMATS[name].file_name
    updated = datetime(2021, 1, 1, tzinfo=UTC)
    probe_head, probe_tail = open_ends(name, FORMATS[name].render((), probe_config, updated))
    probe = Probe(name, probe_head, probe_tail, file_name, probe_config.url_for(name), NOW)
    findings = verify_entries(probe, bodies)

    empty = FORMATS[name].render((), feed, updated)
    head, tail = open_ends(name, empty)
    document = head + SEPARATORS[name].join(bodies) + tail
    context = CheckContext(source=file_name, base=feed.url_for(name), now=NOW)
    decomposed = list(check_bytes(empty, context))
    assert decomposed == [], label  # our head is clean
    start = head.count(b"\n") + 1
    for index, (body, found) in enumerate(zip(bodies, findings, strict=True)):
        decomposed += [placed(f, file_name, start, index) for f in found]
        start += body.count(b"\n")
    whole = check_bytes(document, context)
    if not any(problem.is_error for problem in whole):
        assert Counter(map(_key, decomposed)) == Counter(map(_key, whole)), label
    else:
        more = Counter(map(_key, decomposed)) - Counter(map(_key, whole))
        assert not Counter(map(_key, whole)) - Counter(map(_key, decomposed)), label
        assert all(key[2] in SCHEMA_RULES for key in more), (label, more)
    return len(whole)


@pytest.mark.skipif(not W3C_CASES, reason=f"W3C test feeds not found at {W3C}")
def test_hostile_entries_verified_as_fragments_report_what_check_finds() -> None:
    """Each test feed's entries, as one feed of ours."""
    checked = found = 0
    for case, family in W3C_CASES:
        bodies = _entries(W3C / "cases" / case, family)
        if bodies:
            found += _assembled_findings_agree("atom" if family == "atom" else "rss", bodies, case)
            checked += 1
    assert checked > 500 and found > 1000


@pytest.mark.skipif(not W3C_CASES, reason=f"W3C test feeds not found at {W3C}")
@pytest.mark.parametrize("family", ["atom", "rss20"])
def test_hostile_entries_mixed_in_one_feed_report_what_check_finds(family: str) -> None:
    """Entries of many test feeds side by side: one entry's finding must not hide
    or change another's (an error in a batch has each entry verified alone)."""
    bodies: dict[bytes, None] = {}
    for case, case_family in W3C_CASES:
        if case_family == family:
            bodies.update(dict.fromkeys(_entries(W3C / "cases" / case, family)))
    shuffled = list(bodies)
    random.Random(17).shuffle(shuffled)
    name = "atom" if family == "atom" else "rss"
    found = 0
    for start in range(0, len(shuffled), 9):
        group = _unique_ids(shuffled[start : start + 9], family)
        found += _assembled_findings_agree(name, group, f"{family} group at {start}")
    assert found > 40


def _unique_ids(bodies: list[bytes], family: str) -> list[bytes]:
    """As the plan guarantees: no id twice in one feed (the entry's own id, as
    the unique-id rules read it)."""
    path = f"{{{ATOM}}}id" if family == "atom" else "guid"
    seen: set[str] = set()
    kept = []
    for body in bodies:
        identity = (etree.fromstring(body).findtext(path) or "").strip()
        if identity not in seen:
            seen.add(identity)
            kept.append(body)
    return kept
