"""The benchmark's figures as a table people can read in a terminal or a CI log."""

from __future__ import annotations

from typing import Any

LABELS = {
    "baseline": "baseline",
    "validate": "validate",
    "export_cold": "export cold",
    "export_warm": "export warm",
}
COLUMNS = (
    ("run", "<", 12),
    ("exit", ">", 4),
    ("wall s", ">", 8),
    ("µs/record", ">", 10),
    ("CPU s", ">", 8),
    ("max RSS MiB", ">", 11),
    ("tree MiB", ">", 8),
    ("KiB/record", ">", 10),
    ("records", "<", 0),
)


def _row(cells: list[str]) -> str:
    parts = [
        f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, COLUMNS, strict=True)
    ]
    return "  ".join(parts).rstrip()


def _records(name: str, counts: dict[str, int]) -> str:
    if not counts:
        return "?"
    if name.startswith("export"):
        return f"{counts.get('exported', '?')} exported, {counts.get('skipped', '?')} skipped"
    return f"{counts.get('records', '?')} read, {counts.get('valid', '?')} valid"


def _cells(name: str, run: dict[str, Any]) -> list[str]:
    tree = run["tree_peak_mib"]
    exit_text = "kill" if run["timed_out"] else str(run["exit_code"])
    return [
        LABELS.get(name, name),
        exit_text,
        f"{run['wall_seconds']:.3f}",
        f"{run['us_per_record']:,.0f}",
        f"{run['cpu_seconds']:.2f}",
        f"{run['max_rss_mib']:.1f}",
        "-" if tree is None else f"{tree:.1f}",
        f"{run['kib_per_record']:.1f}",
        _records(name, run["counts"]),
    ]


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def _stage_line(name: str, run: dict[str, Any], records: int) -> str:
    label = f"  {LABELS.get(name, name):<12}"
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
    lines += [_row(_cells(name, run)) for name, run in runs.items()]
    ratios = size["ratios"]
    lines.append(
        "  faster than baseline (baseline wall / ours): "
        f"export cold {_times(ratios['export_cold'])}, "
        f"export warm {_times(ratios['export_warm'])}; "
        "validate vs baseline load+validate stages "
        + _times(ratios["validate_vs_baseline_load_validate"])
    )
    if "export_warm" in runs:
        same = runs["export_warm"].get("identical_to_cold")
        lines.append(f"  warm output byte-identical to cold: {'yes' if same else 'NO'}")
        if runs["export_warm"].get("sources_changed"):
            lines.append(
                "  note: exporter/ sources changed between a cold run and its warm re-run; "
                "a cache keyed by the code was rightly cold"
            )
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
