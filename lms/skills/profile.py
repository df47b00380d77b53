"""The T-shaped skill profile: depth in the host's product vertical(s), breadth across the horizontal skills.

Pure: masteries in (from lms.skills.mastery), a profile, a shape and course recommendations out. The rules are
documented with examples in docs/skills.md:

- depth: the mastery and level of each chosen vertical (one, or two for a pi shape); a vertical is *deep* at a
  working level, i.e. proficient or above.
- breadth: the number of horizontal skills at a working level; the profile is *broad* when at least half of the
  horizontal skills are (4 of 8).
- shape: pi = two deep verticals + broad; T = one deep vertical + broad; I = deep but not broad;
  dash = broad but no deep vertical; none = no shape yet (no evidence, or neither deep nor broad).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lms.skills.mastery import LEVELS, SkillMastery, level_rank, unmeasured

Shape = Literal["none", "I", "dash", "T", "pi"]

# Proficient (熟练) is the first level at which a host can do the job unaided, so depth and breadth count from it.
WORKING_RANK = LEVELS.index("proficient")
EXPERT_RANK = LEVELS.index("expert")
MAX_VERTICALS = 2
MAX_RECOMMENDATIONS = 2


@dataclass(frozen=True)
class CourseInfo:
    """What recommend() needs to know about a course: ``level`` is the course's 1..3 difficulty."""

    slug: str
    skills: tuple[str, ...]
    vertical: str | None
    level: int

    def __post_init__(self) -> None:
        # Accept any iterable (course files give lists) but keep the dataclass hashable.
        object.__setattr__(self, "skills", tuple(self.skills))


@dataclass(frozen=True)
class TProfile:
    vertical: tuple[SkillMastery, ...]
    horizontal: tuple[SkillMastery, ...]
    shape: Shape
    breadth: int
    broad_min: int

    @property
    def deep(self) -> tuple[str, ...]:
        """The chosen verticals held at a working level."""
        return tuple(m.skill for m in self.vertical if level_rank(m.level) >= WORKING_RANK)

    @property
    def depth(self) -> float:
        """The mastery of the deepest chosen vertical (0 without one)."""
        return max((m.mastery for m in self.vertical), default=0.0)

    @property
    def broad(self) -> bool:
        return self.breadth >= self.broad_min


def broad_minimum(horizontal_count: int) -> int:
    # Half of the horizontal skills, rounded up: a host is broad when most of the job's common ground is covered.
    return max(1, math.ceil(horizontal_count / 2))


def shape_of(vertical: Sequence[SkillMastery], horizontal: Sequence[SkillMastery], broad_min: int) -> Shape:
    if not any(m.evidence_count for m in (*vertical, *horizontal)):
        return "none"
    deep = sum(1 for m in vertical if level_rank(m.level) >= WORKING_RANK)
    broad = sum(1 for m in horizontal if level_rank(m.level) >= WORKING_RANK) >= broad_min
    if deep >= 2 and broad:
        return "pi"
    if deep >= 1 and broad:
        return "T"
    if deep >= 1:
        return "I"
    if broad:
        return "dash"
    # Evidence, but nothing at a working level yet: no shape to name.
    return "none"


def build_profile(
    masteries: Mapping[str, SkillMastery],
    horizontal: Sequence[str],
    verticals: Sequence[str],
    broad_min: int | None = None,
) -> TProfile:
    """The profile for the framework's ``horizontal`` skill ids and the host's chosen ``verticals`` (0 to 2)."""
    if len(verticals) > MAX_VERTICALS:
        raise ValueError(f"at most {MAX_VERTICALS} verticals, got {len(verticals)}")
    if len(set(verticals)) != len(verticals) or len(set(horizontal)) != len(horizontal):
        raise ValueError("skill ids must not repeat")
    if set(verticals) & set(horizontal):
        raise ValueError("a skill cannot be both vertical and horizontal")
    # Skills without evidence appear at the prior, so every profile lists the whole framework in order.
    v = tuple(masteries.get(s) or unmeasured(s) for s in verticals)
    h = tuple(masteries.get(s) or unmeasured(s) for s in horizontal)
    minimum = broad_minimum(len(h)) if broad_min is None else broad_min
    breadth = sum(1 for m in h if level_rank(m.level) >= WORKING_RANK)
    return TProfile(v, h, shape_of(v, h, minimum), breadth, minimum)


def recommend(
    profile: TProfile, courses: Iterable[CourseInfo], taken: set[str], limit: int = MAX_RECOMMENDATIONS
) -> list[str]:
    """Up to ``limit`` course slugs: one for the weakest horizontal skill, one to deepen the weakest vertical.

    The larger gap (lower level) goes first; a tie favours breadth. When one course serves both, or one side has
    nothing left to offer, the free slot goes to the next-weakest horizontal skill.
    """
    available = [c for c in courses if c.slug not in taken]
    weak = {m.skill for m in (*profile.horizontal, *profile.vertical) if level_rank(m.level) < WORKING_RANK}
    picks: list[CourseInfo] = []

    def best_for(goal: SkillMastery, vertical: bool) -> CourseInfo | None:
        chosen = {c.slug for c in picks}
        candidates = [
            c
            for c in available
            if c.slug not in chosen and (goal.skill in c.skills or (vertical and c.vertical == goal.skill))
        ]
        if not candidates:
            return None
        target = min(level_rank(goal.level) + 1, EXPERT_RANK)

        # A course mainly about the goal (listed first, or its vertical) beats one touching it in passing; then
        # the course at the host's next level up, the easier one, the one that also helps other weak skills.
        def key(c: CourseInfo) -> tuple[int, int, int, int, str]:
            focus = (
                0 if c.vertical == goal.skill else c.skills.index(goal.skill) if goal.skill in c.skills else 9
            )
            return (focus, abs(c.level - target), c.level, -len(weak & set(c.skills)), c.slug)

        return min(candidates, key=key)

    horizontal_goals = _weakest_first(profile.horizontal)
    vertical_goals = _weakest_first(profile.vertical)
    h_goal, h_pick = _first_served(horizontal_goals, lambda g: best_for(g, False))
    if h_pick:
        picks.append(h_pick)
    # A vertical the first pick already deepens needs no second course.
    vertical_left = [g for g in vertical_goals if not (h_pick and _serves(h_pick, g))]
    v_goal, v_pick = _first_served(vertical_left, lambda g: best_for(g, True))
    if v_pick and v_goal:
        vertical_first = h_goal is None or level_rank(v_goal.level) < level_rank(h_goal.level)
        picks.insert(0 if vertical_first else len(picks), v_pick)
    # Fill a free slot from the next-weakest horizontal skills.
    for goal in horizontal_goals:
        if len(picks) >= limit:
            break
        if any(goal.skill in c.skills for c in picks):
            continue
        extra = best_for(goal, False)
        if extra:
            picks.append(extra)
    return [c.slug for c in picks[:limit]]


def profile_json(profile: TProfile, next_courses: Sequence[str] = ()) -> dict[str, Any]:
    """The API shape: {"vertical": [...], "horizontal": [...], "shape": ..., "next": [slugs]}."""
    return {
        "vertical": [_entry(m) for m in profile.vertical],
        "horizontal": [_entry(m) for m in profile.horizontal],
        "shape": profile.shape,
        "next": list(next_courses),
    }


def _entry(m: SkillMastery) -> dict[str, Any]:
    return {
        "skill": m.skill,
        "mastery": round(m.mastery, 3),
        "confidence": round(m.confidence, 3),
        "level": m.level,
    }


def _weakest_first(skills: Sequence[SkillMastery]) -> list[SkillMastery]:
    # Experts have nothing left to strengthen; among the rest, lowest level, then lowest mastery, then the
    # framework's order so the answer is deterministic.
    order = {m.skill: i for i, m in enumerate(skills)}
    open_goals = [m for m in skills if level_rank(m.level) < EXPERT_RANK]
    return sorted(open_goals, key=lambda m: (level_rank(m.level), m.mastery, order[m.skill]))


def _first_served(
    goals: Sequence[SkillMastery], pick: Callable[[SkillMastery], CourseInfo | None]
) -> tuple[SkillMastery | None, CourseInfo | None]:
    for goal in goals:
        course = pick(goal)
        if course is not None:
            return goal, course
    return None, None


def _serves(course: CourseInfo, goal: SkillMastery) -> bool:
    return course.vertical == goal.skill or goal.skill in course.skills
