"""The `feed-exporter` command group; each subcommand lives in its own module.

Subcommands are imported only when run: `validate` runs in pre-commit on every
commit, and should not pay for importing feedgen, lxml and Markdown.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

import click

from exporter import __version__
from exporter.interrupts import EXIT_CODE, written

_COMMANDS = {
    "init": "exporter.cli.init_cmd:init",
    "validate": "exporter.cli.validate_cmd:validate",
    "export": "exporter.cli.export_cmd:export",
    "check": "exporter.cli.check_cmd:check",
    "diff": "exporter.cli.diff_cmd:diff",
    "schema": "exporter.cli.validate_cmd:schema",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Ctrl-C: exit 130 with one line that says what was left as it was
        (click's own "Aborted!" exits 1, the code for invalid records)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            self._exit_interrupted(ctx)
        except click.Abort as abort:
            # click.prompt (init) turns Ctrl-C into Abort, the KeyboardInterrupt
            # kept as its context; Abort for end of input stays click's.
            if not isinstance(abort.__context__, KeyboardInterrupt):
                raise
            click.echo(err=True)  # the prompt's line is left open
            self._exit_interrupted(ctx)

    def _exit_interrupted(self, ctx: click.Context) -> NoReturn:
        name = ctx.invoked_subcommand or ""
        click.echo(f"feed-exporter {name}: {_interrupted(name)}", err=True)
        ctx.exit(EXIT_CODE)


def _interrupted(command: str) -> str:
    if command != "export":
        return "interrupted"
    if written():
        return "interrupted after the feeds were written"
    return "interrupted: nothing written, the previous feeds are untouched"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feed-exporter")
def cli() -> None:
    """Turn article records into RSS 2.0, Atom 1.0 and JSON Feed 1.1 files,
    and prove records and feeds valid before anything is published."""


def main() -> None:
    cli()
