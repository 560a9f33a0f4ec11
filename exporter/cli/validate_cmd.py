"""`feed-exporter validate` and `feed-exporter schema`: the record contract for CI."""

from __future__ import annotations

import json
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import click

from exporter.cli.options import (
    Progress,
    color_choice,
    color_option,
    config_option,
    exclude_option,
    jobs_option,
    jobs_or_default,
    load_bounds,
    output_format,
    project_settings,
    record_paths,
    settings_from,
    verbosity,
)
from exporter.collect import collect
from exporter.contract import schema as contract_schema
from exporter.problems import Problem
from exporter.report import Report, write_report
from exporter.timings import dump_if_requested
from exporter.workers import WORKER_DIED


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@config_option
@output_format
@load_bounds
@exclude_option
@jobs_option
@color_option
@verbosity
def validate(
    paths: tuple[str, ...],
    config_path: Path | None,
    output_format: str,
    max_file_size: int,
    max_depth: int,
    exclude: tuple[str, ...],
    jobs: int | None,
    color: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check article records against the contract (schemas/article.schema.json).

    PATHS are files or folders (walked recursively; .md, .markdown, .txt with
    YAML front matter, .json, .jsonl) or - for JSON Lines on standard input.
    Default: `inputs` of [export] in feed.toml (found here or in a folder
    above, up to the repository root), else seeds/; `exclude` there applies
    too. Exit 0 when every record is valid, 1 when any record or file is not,
    2 on usage errors, 130 when interrupted (Ctrl-C).

    \b
    Examples:
      feed-exporter validate
      feed-exporter validate records/ extra.jsonl
      feed-exporter validate content/ --exclude README.md --exclude 'drafts/*'
      feed-exporter validate --output-format github records/
      cat records.jsonl | feed-exporter validate -
    """
    found, defaults = project_settings(config_path, "validate")
    inputs = record_paths(paths, found, defaults)
    progress = Progress(enabled=not quiet, label="Validating")
    try:
        collection = collect(
            inputs,
            settings_from(max_file_size, max_depth),
            progress=progress,
            jobs=jobs_or_default(jobs),
            exclude=(*defaults.exclude, *exclude),
        )
    except BrokenProcessPool:
        progress.close()
        click.echo(f"feed-exporter validate: error: {WORKER_DIED}", err=True)
        sys.exit(1)  # not every record was checked: never a pass
    except KeyboardInterrupt:
        progress.close(finished=False)
        raise
    finally:
        progress.close()
    problems = list(collection.problems)
    if collection.records == 0 and collection.unreadable == 0:
        problems.append(
            Problem(path=" ".join(inputs), rule="no-records", message="no records found")
        )
    report = Report(
        command="validate",
        problems=problems,
        checked=collection.files,
        summary="" if quiet else collection.summary(),
        counts=collection.counts(),
    )
    if verbose and output_format == "text":
        failed = {p.path for p in problems}
        for name in collection.files:
            if name not in failed:
                click.echo(f"{name}: ok", err=True)
    write_report(report, output_format, sys.stdout, color_choice(color))
    dump_if_requested()
    sys.exit(1 if report.errors else 0)


@click.command()
def schema() -> None:
    """Print the record contract (JSON Schema draft 2020-12), for editors and tools.

    \b
    Example:
      feed-exporter schema > article.schema.json
    """
    click.echo(json.dumps(contract_schema(), indent=2, ensure_ascii=False))
