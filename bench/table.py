"""The benchmark's figures as a table people can read in a terminal or a CI log."""

from __future__ import annotations

from typing import Any

from bench.scenarios import SCENARIOS

LABELS = {
    "baseline": "baseline",
    "validate": "validate",
    "export_cold": "export cold",
    "reference_cold": "reference cold",
    "export_warm": "export warm",
    "one_changed": "one changed",
    "added_100": "added 100",
    "one_deleted": "one deleted",
    "settings_changed": "settings changed",
}
COLUMNS = (
    ("run", "<", 16),
    ("exit", ">", 4),
    ("wall s", ">", 8),
    ("x warm", ">", 6),
    ("µs/record", ">", 10),
    ("CPU s", ">", 8),
    ("max RSS MiB", ">", 11),
    ("tree MiB", ">", 8),
    ("KiB/record", ">", 10),
    ("identical", ">", 9),
    ("records", "<", 0),
)
CHAIN_AFTER_COLD = ("export_warm", *SCENARIOS)


def _row(cells: list[str]) -> str:
    parts = [
        f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, COLUMNS, strict=True)
    ]
    return "  ".join(parts).rstrip()


def _records(name: str, counts: dict[str, int]) -> str:
    if not counts:
        return "?"
    if name not in ("baseline", "validate"):
        return f"{counts.get('exported', '?')} exported, {counts.get('skipped', '?')} skipped"
    return f"{counts.get('records', '?')} read, {counts.get('valid', '?')} valid"


def _identical(run: dict[str, Any]) -> str:
    """Whether the feeds match a cold --no-cache export of the same inputs."""
    if "identical" not in run:
        return "-"  # not an export of ours
    return {True: "yes", False: "NO", None: "unchecked"}[run["identical"]]


def _cells(name: str, run: dict[str, Any], x_warm: dict[str, float | None]) -> list[str]:
    tree = run["tree_peak_mib"]
    exit_text = "kill" if run["timed_out"] else str(run["exit_code"])
    ratio = x_warm.get(name)
    return [
        LABELS.get(name, name),
        exit_text,
        f"{run['wall_seconds']:.3f}",
        "-" if ratio is None else f"{ratio:.2f}" if ratio < 10 else f"{ratio:.1f}",
        f"{run['us_per_record']:,.0f}",
        f"{run['cpu_seconds']:.2f}",
        f"{run['max_rss_mib']:.1f}",
        "-" if tree is None else f"{tree:.1f}",
        f"{run['kib_per_record']:.1f}",
        _identical(run),
        _records(name, run["counts"]),
    ]


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "n/a"}[value]


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def _stage_line(name: str, run: dict[str, Any], records: int) -> str:
    label = f"  {LABELS.get(name, name):<17}"
    if not run["stages"]:
        return f"{label}(no stage timings reported)"
    wall = run["wall_seconds"] or 1.0
    parts = []
    for stage, seconds in run["stages"].items():
        per_record = seconds / records * 1e6
        parts.append(f"{stage} {seconds:.3f}s {seconds / wall:.0%} ({per_record:,.0f} µs/rec)")
    return label + " · ".join(parts)


def format_size(size: dict[str, Any]) -> str:
    records = size["records"]
    lines = [
        f"N = {records:,} records ({size['corpus_mib']:.1f} MiB of input)",
        _row([heading for heading, _, _ in COLUMNS]),
    ]
    runs = size["runs"]
    ratios = size["ratios"]
    x_warm = ratios.get("x_warm", {})
    lines += [_row(_cells(name, run, x_warm)) for name, run in runs.items()]
    lines.append(
        "  faster than baseline (baseline wall / ours): "
        f"export cold {_times(ratios['export_cold'])}, "
        f"export warm {_times(ratios['export_warm'])}; "
        "validate vs baseline load+validate stages "
        + _times(ratios["validate_vs_baseline_load_validate"])
    )
    if "reference_cold" in runs:
        same = runs["reference_cold"].get("same_output_as_ours")
        lines.append(
            "  cold vs reference (ours / reference wall): "
            + _ratio(ratios.get("cold_vs_reference"))
            + f"; reference feeds byte-identical to ours: {_yes(same)}"
        )
    if any(name in runs for name in CHAIN_AFTER_COLD):
        lines.append(
            "  x warm: wall / warm replay wall; each step re-exports in the folder and cache "
            "the previous one left"
        )
    if any(name in runs for name in ("export_cold", *CHAIN_AFTER_COLD)):
        lines.append(
            "  identical: feeds byte-identical to a cold --no-cache export of the same "
            "inputs into an empty folder (untimed)"
            if size.get("identity_checked", True)
            else "  identical: not checked (--no-identity-check)"
        )
    if "export_warm" in runs:
        same = runs["export_warm"].get("identical_to_cold")
        lines.append(f"  warm output byte-identical to cold: {'yes' if same else 'NO'}")
    changed = [LABELS.get(name, name) for name, run in runs.items() if run.get("sources_changed")]
    if changed:
        lines.append(
            "  note: exporter/ sources changed during the export chain (at "
            + ", ".join(changed)
            + "); a cache keyed by the code was rightly cold"
        )
    unchanged = [
        LABELS.get(name, name)
        for name, run in runs.items()
        if name in SCENARIOS and run.get("output_changed") is False
    ]
    if unchanged:
        lines.append("  note: the feeds did not change at " + ", ".join(unchanged))
    lines.append("  stage split (seconds, share of the run's wall time, µs per record):")
    lines += [_stage_line(name, run, records) for name, run in runs.items()]
    for name, run in runs.items():
        if run["timed_out"]:
            lines.append(f"  {LABELS.get(name, name)} killed after --timeout")
        elif not run["ok"]:
            lines.append(f"  {LABELS.get(name, name)} FAILED: {run['stderr_tail'].strip()[-400:]}")
    return "\n".join(lines)


def format_report(results: dict[str, Any]) -> str:
    machine = results["machine"]
    load = machine.get("load_average")
    header = [
        f"feed-exporter benchmark · {machine['cpus']} CPUs ({machine['usable_cpus']} usable) · "
        f"Python {machine['python']}"
        + ("" if load is None else f" · load average {' '.join(f'{v:.1f}' for v in load)}"),
        "Wall times of fresh processes (start-up included); noisy on a shared machine.",
        "max RSS: largest single process (wait4); "
        "tree: sampled sum over the process and its workers.",
    ]
    header += [f"note: {note}" for note in results["notes"]]
    blocks = ["\n".join(header)] + [format_size(size) for size in results["sizes"]]
    return "\n\n".join(blocks)
