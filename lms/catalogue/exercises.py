"""Read a course's rewrite exercises (``exercises/NN-slug.yaml``) and check them with the script checker, reporting
every problem at its file and line. Pure: no Flask, no database. The format is in docs/course-format.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lms.catalogue.fields import FieldReader
from lms.catalogue.skillsfile import relative_name as _rel
from lms.catalogue.spec import ExerciseSpec
from lms.catalogue.yamlines import line_of
from lms.messages import N_
from lms.scriptcheck.rewrite import grade_rewrite, missing_facts
from lms.scriptcheck.rules import CATEGORIES

FOLDER = "exercises"
_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.yaml$")
MAX_KEEP = 12
MAX_SCRIPT_CHARS = 3000


def read_exercises(reader: Any) -> list[ExerciseSpec]:
    """The exercises of ``reader.folder`` (a course reader that collects problems), in file order."""
    folder = reader.folder / FOLDER
    if not folder.is_dir():
        return []
    exercises: list[ExerciseSpec] = []
    positions: dict[int, str] = {}
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        match = _FILE.match(path.name)
        if not match:
            reader.problem(path, 1, N_("exercise files are named NN-slug.yaml (two digits, lowercase slug)"))
            continue
        position = int(match.group(1))
        if position in positions:
            reader.problem(path, 1, N_("duplicate exercise number %(number)s (also %(other)s)",
                                       number=f"{position:02d}", other=positions[position]))
            continue
        positions[position] = path.name
        exercise = _exercise(reader, path, position, match.group(2))
        if exercise is not None:
            exercises.append(exercise)
    return exercises


def _script(get: FieldReader, key: str) -> str:
    value = get.text(key) or ""
    if len(value) > MAX_SCRIPT_CHARS:
        get._bad(key, N_("'%(field)s' has %(n)s characters; at most %(max)s", field=key, n=len(value),
                         max=MAX_SCRIPT_CHARS))
    return value.strip()


def _keep(reader: Any, path: Path, data: dict, lines: dict) -> list[str]:
    value = data.get("keep")
    if (not isinstance(value, list) or not value or len(value) > MAX_KEEP
            or not all(isinstance(v, (str, int)) and str(v).strip() for v in value)):
        reader.problem(path, line_of(lines, "keep"), N_(
            "'keep' must list 1 to %(max)s facts the rewrite must still contain (product name, price, …)",
            max=MAX_KEEP))
        return []
    return [str(v).strip() for v in value]


def _exercise(reader: Any, path: Path, position: int, slug: str) -> ExerciseSpec | None:
    data, lines = reader._yaml(path, path.read_bytes())
    if data is None:
        return None
    if not isinstance(data, dict):
        reader.problem(path, 1, N_("an exercise file is a mapping (title, category, sample, keep, model_answer …)"))
        return None
    get = FieldReader(reader, path, data, lines)
    category = get.choice("category", tuple(CATEGORIES))
    spec = ExerciseSpec(
        key=slug, position=position, title=get.localised("title"), instruction=get.localised("instruction"),
        category=category or "", sample=_script(get, "sample"), keep=_keep(reader, path, data, lines),
        model_answer=_script(get, "model_answer"), explanation=(get.text("explanation") or "").strip(),
        skills=get.skills("skills", required=True), path=_rel(path, reader.root),
    )  # fmt: skip
    if category and spec.sample:
        _check_sample(reader, path, lines, spec)
    if category and spec.model_answer:
        _check_model_answer(reader, path, lines, spec)
    return spec


def _check_sample(reader: Any, path: Path, lines: dict, spec: ExerciseSpec) -> None:
    if not grade_rewrite(spec.sample, spec.category, []).report.has_violation:
        reader.problem(path, line_of(lines, "sample"), N_(
            "the sample has no violation for category '%(category)s': there is nothing to rewrite",
            category=spec.category))
    lost = set(missing_facts(spec.sample, spec.keep))
    for i, fact in enumerate(spec.keep):
        if fact in lost:
            reader.problem(path, line_of(lines, "keep", i),
                           N_("the fact '%(fact)s' is not in the sample", fact=fact))


def _check_model_answer(reader: Any, path: Path, lines: dict, spec: ExerciseSpec) -> None:
    grade = grade_rewrite(spec.model_answer, spec.category, spec.keep)
    where = line_of(lines, "model_answer")
    for finding in grade.report.findings + grade.report.missing:
        if finding.severity == "violation":
            reader.problem(path, where, N_("the model answer does not pass: '%(text)s' (%(rule)s)",
                                           text=finding.text or finding.explanation, rule=finding.rule_id))
    if grade.missing_facts:
        reader.problem(path, where, N_("the model answer lost the facts %(facts)s",
                                       facts="、".join(grade.missing_facts)))
