"""The course checker: every kind of problem at the right file and line; good courses load whole."""

import shutil
from pathlib import Path

from lms.catalogue.loader import content_hash, load_catalogue
from tests.conftest import ROOT

BROKEN = ROOT / "tests" / "fixtures" / "broken-courses"
EXAMPLE = ROOT / "docs" / "example-course"
SHIPPED_SKILLS = ROOT / "courses" / "skills.yaml"


def problems_of(path: Path, skills: Path | None = None) -> list[str]:
    return [str(p) for p in load_catalogue(path, skills).problems]


def test_each_kind_of_problem_is_reported_at_its_place():
    found = problems_of(BROKEN)
    expected = [
        "broken-one/course.yaml:7: unknown skill id 'no-such-skill'",
        "broken-one/course.yaml:10: unknown prerequisite course 'nowhere-course'",
        "broken-one/lessons:1: lesson numbers must run from 01 without gaps; missing 02",
        "broken-one/lessons/01-good.md:1: duplicate lesson number 01 (also 01-again.md)",
        "broken-one/lessons/01-good.md:9: image or file not found in assets/: ../assets/missing.png",
        "broken-one/lessons/01-good.md:11: link points to no lesson of this course: 09-nowhere.md",
        "cycle-a/course.yaml:10: prerequisite cycle: cycle-a -> cycle-b -> cycle-a",
        "cycle-b/course.yaml:10: prerequisite cycle: cycle-b -> cycle-a -> cycle-b",
    ]
    for line in expected:
        assert line in found, f"missing: {line}\nfound: {found}"
    assert any(p.startswith("broken-one/lessons/03-bad-front-matter.md:3: YAML syntax error") for p in found)
    assert any(p.startswith("broken-one/quizzes/final.gift:6: unclosed answer block") for p in found)


def test_only_the_good_course_survives_a_broken_catalogue():
    result = load_catalogue(BROKEN)
    assert [c.id for c in result.courses] == ["good-one"]
    assert sorted(result.rejected) == ["broken-one", "cycle-a", "cycle-b"]


def test_the_documented_example_course_is_clean():
    result = load_catalogue(EXAMPLE, SHIPPED_SKILLS)
    assert result.problems == []
    course = result.courses[0]
    assert [lesson.slug for lesson in course.lessons] == ["before-you-start", "words-to-avoid"]
    assert course.quizzes[0].questions[0].skills == ["compliance"]
    assert "room.svg" in course.assets


def test_the_shipped_catalogue_is_clean():
    result = load_catalogue(ROOT / "courses")
    assert result.problems == [], "\n".join(map(str, result.problems))
    assert len(result.courses) >= 12


def test_more_problems(tmp_path):
    root = tmp_path / "cat"
    shutil.copytree(EXAMPLE, root)
    course = root / "first-live-room"
    (course / "course.yaml").write_text(
        (course / "course.yaml").read_text(encoding="utf-8").replace("area: compliance", "area: cooking")
        .replace("- {category: practice, count: 1}", "- {category: practice, count: 5}"),
        encoding="utf-8",
    )
    (course / "notes.txt").write_text("stray", encoding="utf-8")
    (course / "lessons" / "02-words-to-avoid.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe")
    found = problems_of(root, SHIPPED_SKILLS)
    assert any("course.yaml:8: 'area' must be one of" in p for p in found)
    assert any("draws 5 questions but the pool has only 2" in p for p in found)
    assert any(p.endswith("notes.txt:1: unexpected file: a course holds course.yaml, lessons/, quizzes/, exercises/ and assets/") for p in found)
    assert any("02-words-to-avoid.md:4: file is not UTF-8 text" in p for p in found)


def test_content_hash_changes_with_any_file(tmp_path):
    course = tmp_path / "first-live-room"
    shutil.copytree(EXAMPLE / "first-live-room", course)
    before = content_hash(course)
    assert content_hash(course) == before
    lesson = course / "lessons" / "01-before-you-start.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert content_hash(course) != before


QUIZ_COURSES = ROOT / "tests" / "fixtures" / "quiz-courses"


def test_ordering_questions_load_and_count_in_the_draw(tmp_path):
    result = load_catalogue(QUIZ_COURSES)
    assert result.problems == []
    final = result.courses[0].quizzes[0]
    (ordering,) = [q for q in final.questions if q.type == "ordering"]
    assert [a.text for a in ordering.answers] == ["确认收货日期", "检查商品是否完好", "办理退款", "回访顾客"]
    assert sum(rule.count for rule in final.draw) == 8  # every gradable question, the ordering one included
    # A broken ordering question is reported at its line like any GIFT problem.
    root = tmp_path / "cat"
    shutil.copytree(QUIZ_COURSES, root)
    gift = root / "all-types" / "quizzes" / "final.gift"
    text = gift.read_text(encoding="utf-8")
    gift.write_text(text.replace("=回访顾客\n", "~回访顾客\n"), encoding="utf-8")
    line = text.splitlines().index("::ord:: 把处理退货的步骤按顺序排列。{") + 1
    assert f"all-types/quizzes/final.gift:{line}: an ordering question takes no '~' answers" in " ".join(
        problems_of(root))


def test_images_in_markdown_and_html_questions_follow_the_lessons_rule(tmp_path):
    root = tmp_path / "cat"
    shutil.copytree(ROOT / "tests" / "fixtures" / "rich-quiz", root)
    assert problems_of(root) == []  # a markdown question showing an asset; an html one
    gift = root / "rich-text" / "quizzes" / "formats.gift"
    text = gift.read_text(encoding="utf-8")
    gift.write_text(text.replace("../assets/label.svg){", "../assets/missing.svg){")
                    .replace('<img src="../assets/label.svg"', '<img src="https://example.com/x.png"')
                    + '\n::md2::[markdown]图 ![x](pics/a.png) {T}\n\n::moodle:: 原样显示 ![x](https://example.com/x.png) {T}\n',
                    encoding="utf-8")  # fmt: skip
    assert problems_of(root) == [
        "rich-text/quizzes/formats.gift:1: image or file not found in assets/: ../assets/missing.svg",
        "rich-text/quizzes/formats.gift:7: images must come from the course's assets/, not the web",
        "rich-text/quizzes/formats.gift:18: images are referenced as ../assets/NAME, not pics/a.png",
    ]  # the moodle-format question has no markdown: its "![x](…)" is text, no image
