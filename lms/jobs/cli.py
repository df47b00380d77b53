"""``lms worker``: runs the background jobs (production: one or more, beside the web instances, under systemd)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.jobs.queue import IMMEDIATE, current_queue


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Jobs run at the same time (threads).")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run background jobs until stopped (SIGINT: finish the jobs in hand, then exit; SIGTERM: exit at once)."""
    queue = current_queue()
    if queue.url == IMMEDIATE:
        raise click.ClickException("LMS_JOB_QUEUE=immediate runs jobs inside the web requests: there is no queue to work on")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Worker for {_where(queue.url)} with {workers} thread(s); the sweep runs every minute.")
    current_app.logger.info("worker started")
    queue.consumer(workers).run()


def _where(url: str) -> str:
    return url.split("@")[-1] if url.startswith("redis") else url  # never print a password
