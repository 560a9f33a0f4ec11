"""Agreement with the W3C Feed Validation Service on its own test corpus.

`../shared/w3c-testcases` (outside the repository, present in CI) holds 800
Atom 1.0 and RSS 2.0 feeds with the verdict the W3C validator gives each. We run
the same per-file check the `check` command runs, with each case's served URL as
`--base`, and compare verdicts (errors / no errors) per family. Nothing here
knows any case by name: the rules are general and are measured again on cases
we have not seen.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bench.w3c_recall import Case, measure, recall, summary
from exporter.check.checker import check_path
from exporter.check.context import CheckContext
from tests.support import REPO

CORPUS = REPO.parent / "shared" / "w3c-testcases"
FAMILIES = ("atom", "rss20")
TARGET = 1.0  # every verdict agrees (issue 13 keeps it so)
# Of the W3C classes each case expects (errors and warnings), the share our findings
# cover through docs/check-rules.md (issue 13: at least 97 %).
RECALL_TARGET = 0.97
# The reference verdicts do not depend on the clock (ImplausibleDate is only a
# warning), but ours must not drift with it either: pin "now".
NOW = datetime(2024, 1, 1, tzinfo=UTC)
# Findings that mean "could not read this as a feed at all".
PARSE_FAILURES = frozenset(
    {
        "xml-not-well-formed",
        "xml-encoding-invalid",
        "xml-unknown-encoding",
        "xml-entity-expansion",
        "check-unknown-format",
        "check-binary-file",
        "check-empty-file",
        "check-unreadable",
        "check-too-large",
    }
)

pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.tsv").is_file(),
    reason=f"W3C reference cases not found at {CORPUS} (they live outside the repository; "
    "CI provides them)",
)


@dataclass(frozen=True)
class Outcome:
    case: str
    family: str
    reference: str
    ours: str
    rules: tuple[str, ...]
    crashed: str | None


def _run_case(row: dict[str, str]) -> Outcome:
    context = CheckContext(source=row["case"], base=row["base_url"] or None, now=NOW)
    try:
        problems = check_path(str(CORPUS / "cases" / row["case"]), context)
    except Exception as error:  # a crash is a result we must report, not hide
        return Outcome(
            row["case"], row["family"], row["reference_verdict"], "crash", (), repr(error)
        )
    errors = tuple(sorted({p.rule for p in problems if p.is_error}))
    return Outcome(
        row["case"],
        row["family"],
        row["reference_verdict"],
        "errors" if errors else "no-errors",
        errors,
        None,
    )


@pytest.fixture(scope="module")
def outcomes() -> tuple[list[Outcome], float]:
    with open(CORPUS / "expected.tsv", encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table, delimiter="\t"))
    started = time.perf_counter()
    results = [_run_case(row) for row in rows]
    return results, time.perf_counter() - started


def _agreement(results: list[Outcome], family: str) -> tuple[int, int]:
    cases = [r for r in results if r.family == family]
    return sum(1 for r in cases if r.ours == r.reference), len(cases)


@pytest.mark.parametrize("family", FAMILIES)
def test_verdict_agreement_per_family(
    outcomes: tuple[list[Outcome], float],
    family: str,
    record_property: pytest.RecordProperty,
) -> None:
    results, elapsed = outcomes
    agreeing, total = _agreement(results, family)
    assert total > 0, f"no {family} cases in the corpus"
    share = agreeing / total
    disagreements = [r for r in results if r.family == family and r.ours != r.reference]
    classes = Counter(f"reference {r.reference}, ours {r.ours} {r.rules}" for r in disagreements)
    record_property(f"{family}_agreement", f"{share:.4f}")
    record_property(f"{family}_disagreements", len(disagreements))
    print(
        f"\n{family}: {agreeing}/{total} agree ({share:.2%}); "
        f"{len(results)} cases checked in {elapsed:.2f} s"
    )
    for description, count in classes.most_common():
        print(f"  {count} x {description}")
    assert share >= TARGET, (
        f"{family} agreement {share:.2%} < {TARGET:.0%}; first disagreements: "
        + "; ".join(f"{r.case} ({r.reference} vs {r.rules})" for r in disagreements[:10])
    )


def test_no_crash_or_parse_failure_where_the_reference_finds_no_error(
    outcomes: tuple[list[Outcome], float],
) -> None:
    results, _ = outcomes
    crashes = [r for r in results if r.crashed]
    assert crashes == [], [f"{r.case}: {r.crashed}" for r in crashes]
    failures = [
        f"{r.case}: {sorted(PARSE_FAILURES.intersection(r.rules))}"
        for r in results
        if r.reference == "no-errors" and PARSE_FAILURES.intersection(r.rules)
    ]
    assert failures == []


def test_every_case_is_accounted_for(outcomes: tuple[list[Outcome], float]) -> None:
    results, _ = outcomes
    assert len(results) == len({r.case for r in results})
    assert {r.family for r in results} <= set(FAMILIES)
    assert all(r.ours in ("errors", "no-errors", "crash") for r in results)


@pytest.fixture(scope="module")
def classes() -> list[Case]:
    return measure(CORPUS)


def test_expected_w3c_classes_are_covered(
    classes: list[Case], record_property: pytest.RecordProperty
) -> None:
    print("\n" + summary(classes))
    for family in FAMILIES:
        covered, expected = recall(classes, family)
        record_property(f"{family}_recall", f"{covered / expected:.4f}")
    covered, expected = recall(classes)
    assert covered / expected >= RECALL_TARGET, summary(classes)


def test_no_warning_where_the_w3c_validator_has_none(classes: list[Case]) -> None:
    assert [(c.name, c.our_warnings) for c in classes if c.new_warning] == []
