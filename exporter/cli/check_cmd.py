"""`feed-exporter check` (being written; see the issue tracker)."""

from __future__ import annotations

import click


@click.command()
def check() -> None:
    """Not written yet."""
    raise click.ClickException("'check' is not implemented yet")
