"""`feed-exporter init`: write a commented feed.toml, asking on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exporter.config_file import DEFAULT_CONFIG_NAME, ConfigError
from exporter.init_file import InitAnswers, check_answers, default_inputs, render, verify_written
from exporter.iri import is_valid_absolute_iri, scheme

# (answer, flag, prompt) of each required value, in the order they are asked.
_REQUIRED = (
    ("title", "--title", "Feed title"),
    ("description", "--description", "One-line description of the feed"),
    ("site_url", "--site-url", "Site URL (https://...)"),
    ("author", "--author", "Author name (for records without a provider)"),
)


def _url(value: str) -> str:
    """A prompt's answer that must be a site or feed URL: asked again if not."""
    value = value.strip()
    if scheme(value) not in ("http", "https") or not is_valid_absolute_iri(value):
        raise click.UsageError(
            f"{value!r} must be an absolute http(s) URL, like https://example.org/"
        )
    return value


def _fail(message: str) -> None:
    click.echo(f"feed-exporter init: error: {message}", err=True)
    sys.exit(2)


@click.command()
@click.option("--title", help="Feed title.")
@click.option("--description", help="Feed description.")
@click.option("--site-url", help="The site the feed belongs to.")
@click.option("--base-url", help="Public folder URL the feed files are served from "
              "(default: the site URL).")  # fmt: skip
@click.option("--author", help="Feed author name (for records without one).")
@click.option("--language", help="Feed language tag, e.g. en or en-us.")
@click.option(
    "--inputs", multiple=True, metavar="PATH",
    help="Folder or file holding the records; repeatable (default: content/, _posts/, posts/, "
    "records/, articles/ or seeds/, whichever exists).",
)  # fmt: skip
@click.option("--out", default="output", show_default=True, help="Folder the feeds go to.")
@click.option(
    "--config", "path", type=click.Path(dir_okay=False, path_type=Path),
    default=Path(DEFAULT_CONFIG_NAME), show_default=True, help="The file to write.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option(
    "--interactive/--yes", "-i/-y", default=None,
    help="Ask for each value (default: when standard input is a terminal), or never ask.",
)  # fmt: skip
def init(
    title: str | None,
    description: str | None,
    site_url: str | None,
    base_url: str | None,
    author: str | None,
    language: str | None,
    inputs: tuple[str, ...],
    out: str,
    path: Path,
    force: bool,
    interactive: bool | None,
) -> None:
    """Write a commented feed.toml that `export` and `validate` use at once.

    On a terminal, asks for each value not given as a flag; otherwise (or with
    --yes) takes the flags and names every missing one. Never replaces an
    existing file without --force. Exit 0 written, 2 missing or bad values,
    130 interrupted (Ctrl-C; nothing written).

    \b
    Examples:
      feed-exporter init
      feed-exporter init --yes --title "My blog" --description "Posts" \\
        --site-url https://blog.example.com/ --author "Ann" --inputs content/posts
    """
    if path.exists() and not force:
        _fail(f"{path} already exists: pass --force to replace it")
    ask = sys.stdin.isatty() if interactive is None else interactive
    given = {"title": title, "description": description, "site_url": site_url, "author": author}
    if ask:
        for key, _flag, prompt in _REQUIRED:
            if not given[key]:
                check = _url if key == "site_url" else str.strip
                given[key] = click.prompt(prompt, err=True, value_proc=check)
        base_url = base_url or click.prompt(
            "Public URL of the folder the feeds are served from", default=given["site_url"],
            err=True, value_proc=_url,
        )  # fmt: skip
        shown = ", ".join(inputs or default_inputs(path.parent))
        if not inputs:
            answer = click.prompt("Record folders (comma-separated)", default=shown, err=True)
            inputs = tuple(part.strip() for part in answer.split(",") if part.strip())
    missing = [f"{flag}" for key, flag, _prompt in _REQUIRED if not given[key]]
    if missing:
        _fail(f"missing {', '.join(missing)}: pass them, or run init on a terminal to be asked")
    answers = InitAnswers(
        title=given["title"] or "",
        description=given["description"] or "",
        site_url=given["site_url"] or "",
        base_url=base_url or given["site_url"] or "",
        author=given["author"] or "",
        inputs=inputs or default_inputs(path.parent),
        out=out,
        language=language,
    )
    text = render(answers)
    try:
        check_answers(answers)
        verify_written(text, path)
    except ConfigError as error:
        _fail(str(error))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}")
    for each in answers.inputs:
        if not (path.parent / each).exists():
            click.echo(f"note: {each} does not exist yet: put your records there", err=True)
    click.echo(f"wrote {path}: run `feed-exporter export` to write the feeds", err=True)
