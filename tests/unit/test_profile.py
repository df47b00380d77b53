"""The T-shaped profile: shapes on hand-made profiles, recommendations and the JSON shape (docs/skills.md)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from lms.skills.mastery import PRIOR_MEAN, SkillMastery, answer, assessment, compute_mastery
from lms.skills.profile import CourseInfo, TProfile, build_profile, profile_json, recommend, shape_of

ROOT = Path(__file__).resolve().parents[2]
HORIZONTAL = [
    "compliance",
    "aigc",
    "data-analysis",
    "content",
    "supply-chain",
    "wellbeing",
    "platform-ops",
    "product-research",
]
TYPICAL = {"beginner": (0.5, 0.3, 3), "proficient": (0.7, 0.6, 10), "expert": (0.9, 0.85, 30)}


def sm(skill: str, level: str, mastery: float | None = None) -> SkillMastery:
    if level == "none":
        return SkillMastery(skill, PRIOR_MEAN if mastery is None else mastery, 0.0, 0, "none")
    m, c, n = TYPICAL[level]
    return SkillMastery(skill, m if mastery is None else mastery, c, n, level)  # type: ignore[arg-type]


def masteries(*items: SkillMastery) -> dict[str, SkillMastery]:
    return {m.skill: m for m in items}


def profile(broad: int, verticals: dict[str, str], level: str = "proficient") -> TProfile:
    """A host with ``broad`` horizontal skills at ``level`` and the rest at beginner."""
    h = [sm(s, level if i < broad else "beginner") for i, s in enumerate(HORIZONTAL)]
    v = [sm(s, lv) for s, lv in verticals.items()]
    return build_profile(masteries(*h, *v), HORIZONTAL, list(verticals))


def test_the_framework_ids_match_skills_yaml():
    framework = yaml.safe_load((ROOT / "courses" / "skills.yaml").read_text(encoding="utf-8"))
    assert [s["id"] for s in framework["horizontal"]] == HORIZONTAL
    assert [s["id"] for s in framework["vertical"]] == ["beauty", "food", "apparel"]


def test_no_evidence_is_no_shape():
    empty = build_profile({}, HORIZONTAL, ["beauty"])
    assert empty.shape == "none"
    assert empty.breadth == 0 and empty.deep == () and empty.depth == PRIOR_MEAN
    assert [m.skill for m in empty.horizontal] == HORIZONTAL
    assert all(m.evidence_count == 0 and m.level == "none" for m in (*empty.horizontal, *empty.vertical))


def test_evidence_below_working_level_is_no_shape_yet():
    assert profile(3, {"beauty": "beginner"}).shape == "none"
    assert profile(0, {}).shape == "none"


def test_deep_and_narrow_is_an_I():
    assert profile(0, {"beauty": "expert"}).shape == "I"
    assert profile(3, {"beauty": "proficient"}).shape == "I"
    # Two deep verticals without breadth are still an I: the pi needs the crossbar.
    assert profile(2, {"beauty": "expert", "food": "proficient"}).shape == "I"


def test_broad_and_shallow_is_a_dash():
    assert profile(4, {"beauty": "beginner"}).shape == "dash"
    assert profile(8, {}).shape == "dash"
    assert profile(8, {"beauty": "none", "food": "beginner"}, level="expert").shape == "dash"


def test_deep_and_broad_is_a_T():
    t = profile(4, {"beauty": "proficient"})
    assert t.shape == "T"
    assert t.breadth == 4 and t.broad_min == 4 and t.broad
    assert t.deep == ("beauty",) and t.depth == TYPICAL["proficient"][0]
    # Two verticals chosen, one deep: still a T.
    assert profile(6, {"beauty": "expert", "food": "beginner"}).shape == "T"


def test_two_deep_verticals_and_broad_is_a_pi():
    pi = profile(5, {"beauty": "proficient", "food": "expert"})
    assert pi.shape == "pi"
    assert pi.deep == ("beauty", "food")
    assert pi.depth == TYPICAL["expert"][0]


def test_breadth_counts_only_working_levels():
    mixed = [
        sm("compliance", "expert"),
        sm("aigc", "proficient"),
        sm("content", "beginner"),
        sm("wellbeing", "none"),
    ]
    p = build_profile(masteries(*mixed), HORIZONTAL, [])
    assert p.breadth == 2
    assert shape_of(p.vertical, p.horizontal, broad_min=2) == "dash"


def test_a_profile_from_real_evidence():
    now = datetime(2025, 6, 1, tzinfo=UTC)
    evidence = [assessment("beauty", 3, now, "trainer")]
    for skill in ("compliance", "content", "product-research", "platform-ops"):
        evidence += [answer(skill, 1.0, 2, now, f"{skill}-{i}") for i in range(10)]
    p = build_profile(compute_mastery(evidence, now), HORIZONTAL, ["beauty"])
    assert (p.shape, p.breadth, p.deep) == ("T", 4, ("beauty",))


@pytest.mark.parametrize(
    ("horizontal", "verticals"),
    [
        (HORIZONTAL, ["beauty", "food", "apparel"]),
        (HORIZONTAL, ["beauty", "beauty"]),
        (HORIZONTAL, ["compliance"]),
        (["aigc", "aigc"], ["beauty"]),
    ],
)
def test_bad_choices_are_refused(horizontal, verticals):
    with pytest.raises(ValueError):
        build_profile({}, horizontal, verticals)


# A catalogue shaped like courses/: level 1 and 2 courses, vertical courses also teach horizontal skills.
CATALOGUE = [
    CourseInfo("reg-host-conduct", ["compliance", "platform-ops"], None, 1),
    CourseInfo("reg-ads-claims", ["compliance", "content", "product-research"], None, 2),
    CourseInfo("data-metrics", ["data-analysis", "compliance"], None, 1),
    CourseInfo("data-review", ["data-analysis", "compliance"], None, 2),
    CourseInfo("wellbeing-voice-sleep", ["wellbeing"], None, 1),
    CourseInfo("wellbeing-stress", ["wellbeing", "platform-ops"], None, 1),
    CourseInfo("product-research", ["product-research", "content"], None, 1),
    CourseInfo("product-beauty", ["beauty", "compliance", "product-research"], "beauty", 2),
    CourseInfo("product-food", ["food", "compliance", "supply-chain"], "food", 2),
]


def host(levels: dict[str, str], verticals: dict[str, str]) -> TProfile:
    h = [sm(s, levels.get(s, "proficient")) for s in HORIZONTAL]
    v = [sm(s, lv) for s, lv in verticals.items()]
    return build_profile(masteries(*h, *v), HORIZONTAL, list(verticals))


def test_recommend_picks_the_weakest_skills_course_then_the_vertical():
    p = host({"data-analysis": "none", "aigc": "beginner"}, {"beauty": "proficient"})
    assert recommend(p, CATALOGUE, set()) == ["data-metrics", "product-beauty"]


def test_recommend_prefers_a_course_mainly_about_the_skill():
    # Both data courses also teach compliance, but the reg- courses are about it.
    p = host({"compliance": "none"}, {})
    assert recommend(p, CATALOGUE, set())[0] == "reg-host-conduct"
    p = host({"compliance": "beginner"}, {})
    assert recommend(p, CATALOGUE, set())[0] == "reg-ads-claims"


def test_recommend_breaks_level_ties_by_mastery():
    p = host({"aigc": "beginner", "data-analysis": "beginner"}, {})
    p = build_profile(masteries(*p.horizontal, sm("data-analysis", "beginner", mastery=0.42)), HORIZONTAL, [])
    assert recommend(p, CATALOGUE, set())[0] == "data-review"


def test_recommend_matches_the_course_level_to_the_next_level():
    beginner = host({"data-analysis": "beginner"}, {})
    newcomer = host({"data-analysis": "none"}, {})
    assert recommend(beginner, CATALOGUE, set())[0] == "data-review"
    assert recommend(newcomer, CATALOGUE, set())[0] == "data-metrics"


def test_recommend_skips_taken_courses_and_falls_back():
    p = host({"data-analysis": "none"}, {})
    assert recommend(p, CATALOGUE, {"data-metrics"})[0] == "data-review"
    # Nothing left for the weakest skill: the next-weakest skill is served instead.
    p = host({"data-analysis": "none", "wellbeing": "beginner"}, {})
    first = recommend(p, CATALOGUE, {"data-metrics", "data-review"})[0]
    assert first in {"wellbeing-voice-sleep", "wellbeing-stress"}


def test_recommend_deepens_a_shallow_vertical_first_when_it_is_the_biggest_gap():
    dash = host({"data-analysis": "beginner"}, {"food": "none"})
    assert dash.shape == "dash"
    assert recommend(dash, CATALOGUE, set()) == ["product-food", "data-review"]
    # A tie in level favours breadth.
    even = host({"data-analysis": "beginner"}, {"food": "beginner"})
    assert recommend(even, CATALOGUE, set()) == ["data-review", "product-food"]


def test_one_course_serving_both_gaps_frees_the_second_slot():
    # product-beauty teaches product-research and beauty: one pick closes both gaps.
    p = host({"product-research": "none", "wellbeing": "beginner"}, {"beauty": "none"})
    assert recommend(p, CATALOGUE, {"product-research"}) == ["product-beauty", "wellbeing-stress"]
    # With a course mainly about product research on offer, each gap gets its own course.
    assert recommend(p, CATALOGUE, set()) == ["product-research", "product-beauty"]


def test_recommend_for_a_pi_host_deepens_the_weaker_vertical():
    p = host({s: "expert" for s in HORIZONTAL}, {"beauty": "expert", "food": "proficient"})
    assert p.shape == "pi"
    assert recommend(p, CATALOGUE, set()) == ["product-food"]


def test_recommend_returns_at_most_two_and_nothing_when_all_is_expert_or_taken():
    p = host({s: "none" for s in HORIZONTAL}, {"beauty": "none"})
    assert len(recommend(p, CATALOGUE, set())) == 2
    assert recommend(p, CATALOGUE, {c.slug for c in CATALOGUE}) == []
    assert recommend(p, [], set()) == []
    expert = host({s: "expert" for s in HORIZONTAL}, {"beauty": "expert"})
    assert recommend(expert, CATALOGUE, set()) == []


def test_recommend_with_the_real_catalogue():
    courses = []
    for path in sorted((ROOT / "courses").glob("*/course.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        courses.append(CourseInfo(data["id"], data["skills"], data.get("vertical"), int(data["level"])))
    p = build_profile({}, HORIZONTAL, ["apparel"])
    picks = recommend(p, courses, set())
    assert len(picks) == 2 and "product-apparel" in picks
    assert set(picks) <= {c.slug for c in courses}
    assert recommend(p, courses, set(picks)) != picks


def test_profile_json_has_exactly_the_api_shape():
    p = build_profile(
        masteries(SkillMastery("beauty", 0.123456, 0.654321, 7, "beginner")), HORIZONTAL[:2], ["beauty"]
    )
    data = profile_json(p, ["product-beauty"])
    assert set(data) == {"vertical", "horizontal", "shape", "next"}
    assert data["vertical"] == [
        {"skill": "beauty", "mastery": 0.123, "confidence": 0.654, "level": "beginner"}
    ]
    assert [e["skill"] for e in data["horizontal"]] == HORIZONTAL[:2]
    assert all(set(e) == {"skill", "mastery", "confidence", "level"} for e in data["horizontal"])
    assert data["shape"] == "none" and data["next"] == ["product-beauty"]
    assert profile_json(p)["next"] == []
