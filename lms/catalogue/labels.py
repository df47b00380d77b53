"""Display names for areas, levels and skills, in the page's language."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from lms.catalogue.skillsfile import load_skills
from lms.resources import shipped

AREA_LABELS = {
    "product": _l("Product knowledge"),
    "compliance": _l("Laws and platform rules"),
    "aigc": _l("AIGC tools"),
    "wellbeing": _l("Wellbeing"),
    "data": _l("Live-room data"),
    "supply": _l("Supply chain and quality"),
}
LEVEL_LABELS = {1: _l("Beginner"), 2: _l("Proficient"), 3: _l("Expert")}


@lru_cache(maxsize=1)
def skills_framework():
    # The shipped framework file; read once per process (it is part of the code release, not live data).
    framework, _problems = load_skills(shipped("courses") / "skills.yaml", shipped("courses").parent)
    return framework


def _locale_key() -> str:
    return "en" if str(get_locale()) == "en" else "zh-CN"


def skill_names() -> dict[str, str]:
    framework = skills_framework()
    if framework is None:
        return {}
    key = _locale_key()
    return {skill.id: skill.name.get(key, skill.id) for skill in framework.skills.values()}


def vertical_labels() -> dict[str, str]:
    framework = skills_framework()
    if framework is None:
        return {}
    names = skill_names()
    return {sid: names[sid] for sid in sorted(framework.vertical_ids)}
