"""``lms gift parse|export|import``: GIFT question banks from the command line."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.quizzes.gift import GiftError, export, parse, to_dict


@click.group("gift")
def gift() -> None:
    """Moodle GIFT question files."""


@gift.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the questions as a JSON array.")
def parse_command(file: Path, as_json: bool) -> None:
    """Parse FILE; print FILE:LINE: message for every syntax error and exit 1 (nothing is imported)."""
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        click.echo(f"{file}:{line}: file is not UTF-8 text")
        sys.exit(1)
    warnings: list = []
    try:
        questions = parse(text, str(file), warnings)
    except GiftError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        sys.exit(1)
    for warning in warnings:
        click.echo(f"{warning.filename}:{warning.line}: warning: {warning.message}", err=as_json)
    if as_json:
        click.echo(json.dumps([to_dict(q) for q in questions], ensure_ascii=False, indent=2))
    else:
        for q in questions:
            click.echo(f"{file}:{q.line}: {q.type} {q.name or ''}".rstrip())
        click.echo(f"{len(questions)} question(s).")


@gift.command("export")
@click.option("--course", "course_slug", required=True, help="Course id (slug).")
@click.option("--quiz", "quiz_key", default=None, help="Quiz id; default: every quiz of the course.")
@click.option("--version", "version_number", type=int, default=None, help="Course version; default: current.")
@with_appcontext
def export_command(course_slug: str, quiz_key: str | None, version_number: int | None) -> None:
    """Print a stored question bank as GIFT (import it again and you get the same questions)."""
    from sqlalchemy import select

    from lms.catalogue.models import Course, CourseVersion, Quiz
    from lms.db import get_session
    from lms.quizzes.gift import from_dict

    session = get_session()
    course = session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course '{course_slug}'")
    version_id = course.current_version_id
    if version_number is not None:
        version_id = session.scalar(
            select(CourseVersion.id).where(CourseVersion.course_id == course.id, CourseVersion.number == version_number)
        )
    stmt = select(Quiz).where(Quiz.version_id == version_id).order_by(Quiz.key)
    if quiz_key:
        stmt = stmt.where(Quiz.key == quiz_key)
    quizzes = session.scalars(stmt).all()
    if not quizzes:
        raise click.ClickException("no such quiz")
    for quiz in quizzes:
        click.echo(export([from_dict(q) for q in quiz.questions]), nl=False)


@gift.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course-dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The course folder (courses/<id>) whose quiz receives the questions.")
@click.option("--quiz", "quiz_key", required=True, help="The quiz id in course.yaml (quizzes/<id>.gift).")
def import_command(file: Path, course_dir: Path, quiz_key: str) -> None:
    """Check FILE and the whole course with it (draws against the file's categories, skills, markup) and, only
    if nothing is wrong, make it the course's quiz file. Warnings are printed and do not stop the import.

    Run `lms courses sync` afterwards: the edited course becomes a new version.
    """
    raw = file.read_bytes()
    warnings: list = []
    try:
        questions = parse(raw.decode("utf-8"), str(file), warnings)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise click.ClickException(f"{file}:{line}: file is not UTF-8 text") from None
    except GiftError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        sys.exit(1)
    for warning in warnings:
        click.echo(f"{warning.filename}:{warning.line}: warning: {warning.message}")
    target = course_dir / "quizzes" / f"{quiz_key}.gift"
    if not (course_dir / "course.yaml").is_file():
        raise click.ClickException(f"{course_dir} is not a course folder: it has no course.yaml")
    problems = course_problems_with(course_dir, target, raw)
    if problems:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(problems)} problem(s) in the course with this file: nothing was imported.", err=True)
        sys.exit(1)
    # Written through a temporary file and renamed: the old quiz file is never left half-overwritten.
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_suffix(".gift.tmp")
    tmp.write_bytes(raw)
    tmp.replace(target)
    click.echo(f"{len(questions)} question(s) imported into {target}; the course passes `lms courses check`.")


def course_problems_with(course_dir: Path, target: Path, raw: bytes) -> list:
    """Every problem ``lms courses check`` would report for the course if ``target`` held ``raw``: checked on a
    copy of the course, so nothing in ``course_dir`` changes."""
    from lms.catalogue.services import shipped_skills
    from lms.catalogue.loader import COURSE_FILE, SKILLS_FILE, find_course_folders, load_course, load_skills

    root, _folders = find_course_folders(course_dir)
    skills_file = root / SKILLS_FILE if (root / SKILLS_FILE).is_file() else shipped_skills()
    framework, problems = load_skills(skills_file, root)
    known = {p.name for p in root.iterdir() if (p / COURSE_FILE).is_file()}
    course_dir = course_dir.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / course_dir.name
        shutil.copytree(course_dir, copy)
        (copy / "quizzes").mkdir(exist_ok=True)
        (copy / "quizzes" / target.name).write_bytes(raw)
        _spec, course_problems = load_course(copy, Path(tmp), framework, known | {course_dir.name})
    return problems + course_problems
