"""Rewrite exercises: grading a rewrite with the script checker, and the course checker's messages for broken
exercise files (each at its file and line)."""

import shutil
from pathlib import Path

import pytest

from lms.catalogue.loader import load_catalogue
from lms.scriptcheck.rewrite import grade_rewrite, missing_facts
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "example-course" / "first-live-room"
SKILLS = ROOT / "courses" / "skills.yaml"
KEEP = ["云朵保温杯", "59元"]


def test_a_compliant_rewrite_that_keeps_the_facts_passes():
    grade = grade_rewrite("今天的云朵保温杯，直播间价59元。\n杯身是不锈钢的，我自己天天在用。", "general", KEEP)
    assert grade.passed and grade.missing_facts == () and grade.report.findings == ()


def test_a_rewrite_with_an_absolute_term_fails_and_names_it():
    grade = grade_rewrite("今天的云朵保温杯是全网最低价，只要59元。", "general", KEEP)
    assert not grade.passed and grade.missing_facts == ()
    assert [(f.line, f.text, f.severity) for f in grade.report.findings] == [(1, "全网最低价", "violation")]


def test_deleting_everything_does_not_pass():
    grade = grade_rewrite("欢迎来到直播间！", "general", KEEP)
    assert not grade.report.has_violation and not grade.passed
    assert grade.missing_facts == ("云朵保温杯", "59元")


def test_facts_are_found_whatever_the_spaces():
    assert missing_facts("云朵 保温杯，直播间价 59 元", KEEP) == ()
    assert missing_facts("保温杯 59元", KEEP) == ("云朵保温杯",)


def test_the_category_decides_which_rules_apply():
    # A disease claim is a violation for a face cream (advertising law art. 17 and the cosmetics regulation).
    text = "水光修护面霜129元，坚持用两周，湿疹都能根治。"
    assert not grade_rewrite(text, "beauty", ["水光修护面霜", "129元"]).passed


# --- the course checker -------------------------------------------------------------------------------------

GOOD = (EXAMPLE / "exercises" / "01-opening-lines.yaml").read_text(encoding="utf-8")


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "catalogue" / "first-live-room"
    shutil.copytree(EXAMPLE, folder)
    return folder


def problems(course: Path) -> list[str]:
    return [str(p) for p in load_catalogue(course.parent, SKILLS).problems]


def write(course: Path, name: str, text: str) -> None:
    (course / "exercises" / name).write_text(text, encoding="utf-8")


def test_the_shipped_example_exercise_loads(course):
    result = load_catalogue(course.parent, SKILLS)
    assert result.problems == []
    [exercise] = result.courses[0].exercises
    assert (exercise.key, exercise.category, exercise.keep) == ("opening-lines", "general", KEEP)
    assert exercise.title["zh-CN"] == "改写开场话术"


def test_unknown_category_is_reported_at_its_line(course):
    write(course, "01-opening-lines.yaml", GOOD.replace("category: general", "category: gadgets"))
    found = problems(course)
    assert any(p.startswith("first-live-room/exercises/01-opening-lines.yaml:7: 'category' must be one of general, beauty")
               for p in found), found


def test_a_sample_without_violation_is_reported(course):
    text = GOOD.replace("今天的云朵保温杯是全网最低价，只要59元。", "今天的云朵保温杯只要59元。")
    text = text.replace("这是市面上最好的保温杯，买到就是赚到。", "杯子是不锈钢的。")
    write(course, "01-opening-lines.yaml", text)
    assert problems(course) == ["first-live-room/exercises/01-opening-lines.yaml:9: the sample has no violation for "
                                "category 'general': there is nothing to rewrite"]


def test_a_fact_missing_from_the_sample_is_reported_at_its_item(course):
    write(course, "01-opening-lines.yaml", GOOD.replace("keep: [云朵保温杯, 59元]", "keep:\n  - 云朵保温杯\n  - 69元"))
    found = problems(course)
    assert "first-live-room/exercises/01-opening-lines.yaml:14: the fact '69元' is not in the sample" in found
    assert "first-live-room/exercises/01-opening-lines.yaml:15: the model answer lost the facts 69元" in found


def test_a_model_answer_that_breaks_a_rule_is_reported(course):
    write(course, "01-opening-lines.yaml", GOOD.replace("直播间价59元", "全网最低价59元"))
    assert problems(course) == ["first-live-room/exercises/01-opening-lines.yaml:13: the model answer does not pass: "
                                "'全网最低价' (absolute.superlative)"]


def test_missing_fields_bad_names_and_keep_lists_are_reported(course):
    write(course, "01-opening-lines.yaml", GOOD.replace("keep: [云朵保温杯, 59元]\n", "keep: []\n"))
    write(course, "2-bad.yaml", GOOD)
    write(course, "02-no-title.yaml", "category: general\n")
    found = problems(course)
    assert "first-live-room/exercises/01-opening-lines.yaml:12: 'keep' must list 1 to 12 facts the rewrite must " \
           "still contain (product name, price, …)" in found
    assert "first-live-room/exercises/2-bad.yaml:1: exercise files are named NN-slug.yaml (two digits, lowercase slug)" in found
    assert "first-live-room/exercises/02-no-title.yaml:1: 'title' needs a zh-CN and an en text" in found
    assert "first-live-room/exercises/02-no-title.yaml:1: 'sample' is required" in found


def test_a_broken_exercise_keeps_the_whole_course_out(course):
    write(course, "01-opening-lines.yaml", GOOD.replace("category: general", "category: gadgets"))
    result = load_catalogue(course.parent, SKILLS)
    assert result.courses == [] and result.rejected == ["first-live-room"]
