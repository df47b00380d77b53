"""The 2026 regulation courses (issue 20 §4): they keep the catalogue numbers, pass the quiz-fairness thresholds, and
quote the single-source 部门规章 only as "据……" with a reminder to check the official text."""

import re
from pathlib import Path

import pytest

from lms.catalogue.fairness import quiz_fairness
from lms.catalogue.loader import load_catalogue
from tests.conftest import ROOT

COURSES = ROOT / "courses"
NEW_COURSES = ("reg-livestream-rules", "reg-special-products", "reg-minors-data", "reg-contracts-ip")

#: Texts in /work/shared/domain/laws/ that come from one unofficial source (marked ⚠️ there).
SINGLE_SOURCE = ("直播电商监督管理办法", "药品、医疗器械、保健食品、特殊医学用途配方食品广告审查管理暂行办法", "互联网广告管理办法")
_ARTICLE = "第[一二三四五六七八九十百]+条"
# An article of a single-source text, by full title or by the short names the courses use for them.
_QUOTE = re.compile(rf"(据)?(?:《(?:{'|'.join(SINGLE_SOURCE)})》|新办法|审查办法)({_ARTICLE})")
_CHECK_REMINDER = ("正式文本", "官方")


@pytest.fixture(scope="module")
def catalogue():
    result = load_catalogue(COURSES)
    assert result.problems == [], "\n".join(map(str, result.problems))
    return {course.id: course for course in result.courses}


@pytest.mark.parametrize("course_id", NEW_COURSES)
def test_new_course_meets_the_catalogue_numbers(catalogue, course_id):
    course = catalogue[course_id]
    assert len(course.lessons) >= 4
    for lesson in course.lessons:
        assert len(re.findall(r"[\u4e00-\u9fff]", lesson.markdown)) >= 800, lesson.slug
        assert "[^" in lesson.markdown, lesson.slug
    (quiz,) = course.quizzes
    assert len(quiz.questions) >= 15
    assert all((q.general_feedback or "").strip() for q in quiz.questions)
    assert len({q.type for q in quiz.questions}) >= 4


@pytest.mark.parametrize("course_id", NEW_COURSES)
def test_new_course_quiz_passes_the_fairness_thresholds(catalogue, course_id):
    (quiz,) = catalogue[course_id].quizzes
    assert quiz_fairness(quiz.questions).problems() == []


def _unhedged(text: str) -> list[str]:
    return [m.group(0) for m in _QUOTE.finditer(text) if not m.group(1)]


def test_single_source_articles_are_quoted_as_ju_in_lessons():
    for path in sorted(COURSES.glob("*/lessons/*.md")):
        text = path.read_text(encoding="utf-8")
        assert _unhedged(text) == [], path
        if _QUOTE.search(text):
            assert any(word in text for word in _CHECK_REMINDER), f"{path}: quotes a single-source text without saying to check the official one"


def test_single_source_articles_are_quoted_as_ju_in_quizzes():
    for path in sorted(COURSES.glob("*/quizzes/*.gift")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            assert _unhedged(block) == [], (path, block[:60])
            if _QUOTE.search(block):
                assert any(word in block for word in _CHECK_REMINDER), (path, block[:60])


def test_the_rule_catches_an_unhedged_quote():
    assert _unhedged("《直播电商监督管理办法》第二十六条要求……") == ["《直播电商监督管理办法》第二十六条"]
    assert _unhedged("据《直播电商监督管理办法》第二十六条，……") == []
    assert _unhedged("审查办法第十一条禁止……") == ["审查办法第十一条"]
