"""`feed-exporter export` (being written; see the issue tracker)."""

from __future__ import annotations

import click


@click.command()
def export() -> None:
    """Not written yet."""
    raise click.ClickException("'export' is not implemented yet")
