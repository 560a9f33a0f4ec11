"""The `feed-exporter` command group; each subcommand lives in its own module."""

from __future__ import annotations

import click

from exporter import __version__
from exporter.cli.check_cmd import check
from exporter.cli.export_cmd import export
from exporter.cli.validate_cmd import schema, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feed-exporter")
def cli() -> None:
    """Turn article records into RSS 2.0, Atom 1.0 and JSON Feed 1.1 files,
    and prove records and feeds valid before anything is published."""


cli.add_command(validate)
cli.add_command(export)
cli.add_command(check)
cli.add_command(schema)


def main() -> None:
    cli()
