"""``lms courses check|sync|stats PATH``: tools for course authors and operators."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.catalogue.loader import SKILLS_FILE, LoadResult, find_course_folders, load_catalogue
from lms.catalogue.services import shipped_skills
from lms.resources import shipped


def load(path: Path, skills: Path | None) -> LoadResult:
    """Load with the folder's own skills.yaml, or the shipped framework when the folder has none."""
    if skills is None and path.exists():
        root, _folders = find_course_folders(path)
        if not (root / SKILLS_FILE).is_file():
            skills = shipped_skills()
    return load_catalogue(path, skills)


skills_option = click.option(
    "--skills", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="skills.yaml to check against (default: the one beside the courses, else the shipped one).",
)


@click.group("courses")
def courses() -> None:
    """Check, import and measure course folders."""


@courses.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@skills_option
def check(path: Path, skills: Path | None) -> None:
    """Print every problem as FILE:LINE: message; exit 1 if there is any. Never touches the database.

    Warnings (FILE:LINE: warning: message) name what imports, as in Moodle, but may not mean what was meant."""
    from lms.catalogue.fairness import quiz_fairness

    result = load(path, skills)
    for warning in result.warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}")
    for problem in result.problems:
        click.echo(str(problem))
    # Fairness is a warning: a quiz a test-wise host can pass by guessing still imports, but its author is told.
    for spec in result.courses:
        for quiz in spec.quizzes:
            for reason in quiz_fairness(quiz.questions).problems():
                click.echo(f"{quiz.path}: warning: quiz fairness: {reason}")
    if result.problems:
        click.echo(f"{len(result.problems)} problem(s); {len(result.courses)} course(s) without problems.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(result.courses)} course(s), no problems.")


@courses.command("sync")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@skills_option
@with_appcontext
def sync(path: Path | None, skills: Path | None) -> None:
    """Import or update courses (default: the catalogue shipped with the site): a course with any problem is not
    imported and nothing about it changes."""
    from lms.catalogue.services import sync_catalogue
    from lms.db import get_session

    started = time.perf_counter()
    result = load(path or shipped("courses"), skills)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    session = get_session()
    report = sync_catalogue(session, result)
    session.commit()
    elapsed = time.perf_counter() - started
    for slug in report.created:
        click.echo(f"created   {slug} (version 1)")
    for slug, number in report.new_versions:
        click.echo(f"updated   {slug} (now version {number})")
    for slug in report.rejected:
        why = "the id belongs to an organisation's own course" if slug in report.foreign else "has problems"
        click.echo(f"rejected  {slug} ({why}; nothing changed)")
    if not report.changed:
        click.echo(f"Nothing changed: {len(report.unchanged)} course(s) already up to date.")
    click.echo(f"Done in {elapsed:.2f} s.")
    if report.rejected or (result.problems and not result.courses):
        sys.exit(1)


@courses.command("stats")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@skills_option
def stats(path: Path, as_json: bool, skills: Path | None) -> None:
    """Per-course figures: lessons with their Chinese character counts, questions, questions with feedback."""
    from lms.catalogue.services import catalogue_stats

    result = load(path, skills)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    data = catalogue_stats(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for row in data:
            chars = sum(lesson["chars"] for lesson in row["lessons"])
            click.echo(f"{row['slug']:<28} {len(row['lessons'])} lessons {chars:>6} chars {row['questions']:>3} questions")
