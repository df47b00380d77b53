"""``lms static collect DIR``: the static files under their content-hashed names, for nginx to serve."""

from __future__ import annotations

from pathlib import Path

import click

from lms.resources import shipped


@click.group("static")
def static_group() -> None:
    """Static files (CSS, JavaScript, icons)."""


@static_group.command("collect")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def collect_command(target: Path) -> None:
    """Copy the static files into TARGET under their plain and content-hashed names (run at every upgrade;
    older hashed names may stay for pages still open)."""
    from lms.site.assets import collect

    names = collect(shipped("static"), target)
    click.echo(f"{len(names)} static file(s) in {target}")
