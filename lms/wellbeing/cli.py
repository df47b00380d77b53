"""``lms instruments check [PATH]``: check self-check instrument files before the site offers them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lms.resources import shipped
from lms.wellbeing.instruments import read_folder, read_instrument


@click.group("instruments")
def instruments() -> None:
    """Self-check instruments (身心自查问卷) as data files."""


@instruments.command("check")
@click.argument("path", type=click.Path(path_type=Path), required=False)
def check(path: Path | None) -> None:
    """Print every problem of the instrument files in PATH (a folder or one .yaml file; default: the shipped
    instruments/) as FILE:LINE: message; exit 1 if there is any. Never touches the database."""
    path = path or shipped("instruments")
    if path.is_file():
        instrument, problems = read_instrument(path)
        found = {instrument.id: instrument} if instrument else {}
    else:
        found, problems = read_folder(path)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s); {len(found)} instrument(s) without problems.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(found)} instrument(s), no problems: {', '.join(sorted(found))}.")
