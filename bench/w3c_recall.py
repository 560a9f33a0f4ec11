"""Recall of the W3C Feed Validator's message classes on its reference cases.

For each case of `../shared/w3c-testcases`, `expected.tsv` names the classes the
W3C service reports (`error_classes`, `warning_classes`). Our findings name rule
ids; docs/check-rules.md maps each rule id to W3C classes. A case's expected class
is *covered* when one of our findings maps to it. Recall is covered / expected,
per family; a *new warning* is one of our warnings on a case for which the W3C
service reports none.

    python -m bench.w3c_recall            # per-family recall, verdicts, misses
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exporter.check.checker import check_path
from exporter.check.context import CheckContext

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "w3c-testcases"
RULES_TABLE = REPO / "docs" / "check-rules.md"
# The reference verdicts do not depend on the clock; ours must not drift with it.
NOW = datetime(2024, 1, 1, tzinfo=UTC)

_RULE_ID = re.compile(r"`([a-z0-9-]+)`")
_CLASS = re.compile(r"\b[A-Z][A-Za-z0-9]+\b")


def rule_classes(table: str) -> dict[str, frozenset[str]]:
    """Rule id -> W3C classes, from the `| rule | severity | classes | ... |` rows."""
    mapping: dict[str, frozenset[str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        classes = frozenset(_CLASS.findall(cells[2]))
        for rule in _RULE_ID.findall(cells[0]):
            mapping[rule] = mapping.get(rule, frozenset()) | classes
    return mapping


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    family: str
    reference_errors: bool
    expected: frozenset[str]
    reference_warns: bool
    ours_errors: bool
    covered: frozenset[str]
    our_warnings: tuple[str, ...]

    @property
    def missed(self) -> frozenset[str]:
        return self.expected - self.covered

    @property
    def new_warning(self) -> bool:
        return not self.reference_warns and bool(self.our_warnings)


def _split(cell: str) -> frozenset[str]:
    return frozenset(part for part in cell.split(",") if part)


def measure(corpus: Path = CORPUS) -> list[Case]:
    mapping = rule_classes(RULES_TABLE.read_text(encoding="utf-8"))
    with open(corpus / "expected.tsv", encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table, delimiter="\t"))
    cases = []
    for row in rows:
        context = CheckContext(source=row["case"], base=row["base_url"] or None, now=NOW)
        problems = check_path(str(corpus / "cases" / row["case"]), context)
        ours: set[str] = set()
        for problem in problems:
            ours |= mapping.get(problem.rule, frozenset())
        expected = _split(row["error_classes"]) | _split(row["warning_classes"])
        cases.append(
            Case(
                name=row["case"],
                family=row["family"],
                reference_errors=row["reference_verdict"] == "errors",
                expected=expected,
                reference_warns=bool(row["warning_classes"]),
                ours_errors=any(p.is_error for p in problems),
                covered=frozenset(expected & ours),
                our_warnings=tuple(sorted({p.rule for p in problems if not p.is_error})),
            )
        )
    return cases


def recall(cases: list[Case], family: str | None = None) -> tuple[int, int]:
    chosen = [c for c in cases if family is None or c.family == family]
    return sum(len(c.covered) for c in chosen), sum(len(c.expected) for c in chosen)


def summary(cases: list[Case]) -> str:
    lines: list[str] = []
    for family in [*sorted({c.family for c in cases}), None]:
        covered, expected = recall(cases, family)
        chosen = [c for c in cases if family is None or c.family == family]
        agree = sum(1 for c in chosen if c.ours_errors == c.reference_errors)
        share = covered / expected if expected else 1.0
        lines.append(
            f"{family or 'all':>6}: recall {covered}/{expected} ({share:.2%}), "
            f"verdicts {agree}/{len(chosen)}"
        )
    new = [c for c in cases if c.new_warning]
    lines.append(f"new warnings where W3C has none: {len(new)}")
    lines.extend(f"  {c.name}: {', '.join(c.our_warnings)}" for c in new)
    missed = Counter(cls for c in cases for cls in c.missed)
    lines.append("missed classes: " + ", ".join(f"{k} x{n}" for k, n in missed.most_common()))
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)))
