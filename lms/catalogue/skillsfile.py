"""Read the skills framework (``courses/skills.yaml``) and report problems with file and line. Pure."""

from __future__ import annotations

import re
from pathlib import Path

from lms.catalogue.spec import LOCALES, Problem, Skill, SkillsFramework
from lms.catalogue.yamlines import YamlSyntaxError, line_of, load_with_lines
from lms.messages import N_

SKILLS_FILE = "skills.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def relative_name(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def load_skills(path: Path, base: Path) -> tuple[SkillsFramework | None, list[Problem]]:
    rel = relative_name(path, base)
    if not path.is_file():
        return None, [Problem(rel, 1, N_("skills framework file not found"))]
    try:
        data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [Problem(rel, 1, N_("file is not UTF-8 text"))]
    except YamlSyntaxError as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem(rel, 1, N_("expected a mapping with 'levels', 'horizontal' and 'vertical'"))]
    levels = tuple(lv.get("id") for lv in data.get("levels") or [] if isinstance(lv, dict))
    skills: dict[str, Skill] = {}
    for kind in ("horizontal", "vertical"):
        entries = data.get(kind)
        if not isinstance(entries, list) or not entries:
            problems.append(
                Problem(rel, line_of(lines, kind), N_("'%(kind)s' must be a non-empty list of skills", kind=kind))
            )
            continue
        for i, entry in enumerate(entries):
            where = line_of(lines, kind, i)
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("id"), str)
                or not ID_PATTERN.match(entry["id"])
            ):
                problems.append(
                    Problem(rel, where, N_("a skill needs an 'id' of lowercase letters, digits and '-'"))
                )
                continue
            if entry["id"] in skills:
                problems.append(Problem(rel, where, N_("duplicate skill id '%(skill)s'", skill=entry["id"])))
                continue
            name = entry.get("name") or {}
            if not all(isinstance(name.get(loc), str) and name[loc].strip() for loc in LOCALES):
                problems.append(Problem(rel, where, N_("skill '%(skill)s' needs a name in zh-CN and en", skill=entry["id"])))
            descriptors = entry.get("descriptors") or {}
            missing = [lv for lv in levels if not isinstance(descriptors.get(lv), dict)]
            if missing:
                problems.append(
                    Problem(
                        rel,
                        where,
                        N_("skill '%(skill)s' has no descriptor for level(s) %(levels)s", skill=entry["id"],
                           levels=", ".join(missing)),
                    )
                )
            skills[entry["id"]] = Skill(
                id=entry["id"],
                kind=kind,
                name=dict(name),
                descriptors={k: dict(v) for k, v in descriptors.items() if isinstance(v, dict)},
                work_areas=tuple(entry.get("work_areas") or ()),
            )
    if problems:
        return None, problems
    return SkillsFramework(skills=skills, levels=levels), []
