"""`lms gift parse|export|import` as an author uses them."""

import json
import shutil


from lms.catalogue.loader import load_catalogue
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.quizzes.gift import parse
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "example-course"
SKILLS = ROOT / "courses" / "skills.yaml"
QUIZ = EXAMPLE / "first-live-room" / "quizzes" / "final.gift"


def test_parse_json_has_the_documented_keys(app):
    result = app.test_cli_runner().invoke(args=["gift", "parse", str(QUIZ), "--json"])
    assert result.exit_code == 0
    questions = json.loads(result.output)
    assert [q["type"] for q in questions] == ["multichoice", "truefalse", "multiresponse", "shortanswer", "matching"]
    first = questions[0]
    for key in ("type", "name", "category", "format", "text", "answers", "correct", "feedback_true",
                "feedback_false", "numerical", "pairs", "general_feedback", "line"):  # fmt: skip
        assert key in first
    assert first["answers"][0] == {"text": "《广告法》", "fraction": 1.0, "feedback": '第九条禁止使用"最佳"等绝对化用语。',
                                   "format": None, "feedback_format": None}
    assert questions[2]["answers"][2]["fraction"] == -1.0
    assert questions[4]["pairs"][0] == {"question": "全网最低价", "answer": "违规，除非能证明", "format": None}


def test_parse_json_reports_ordering_items_in_the_right_order(app):
    quiz = ROOT / "tests" / "fixtures" / "quiz-courses" / "all-types" / "quizzes" / "final.gift"
    result = app.test_cli_runner().invoke(args=["gift", "parse", str(quiz), "--json"])
    assert result.exit_code == 0
    (ordering,) = [q for q in json.loads(result.output) if q["type"] == "ordering"]
    assert [(a["text"], a["fraction"], a["feedback"]) for a in ordering["answers"]] == [
        ("确认收货日期", 1.0, "SECRET-ORD-FIRST"),
        ("检查商品是否完好", 1.0, None),
        ("办理退款", 1.0, None),
        ("回访顾客", 1.0, None),
    ]
    assert ordering["tags"] == [] and ordering["pairs"] == [] and ordering["general_feedback"] == "SECRET-GENERAL-ORD"
    plain = app.test_cli_runner().invoke(args=["gift", "parse", str(quiz)])
    assert f"{quiz}:16: ordering ord" in plain.output


def test_parse_reports_syntax_errors_with_file_and_line(app, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::ok:: 好问题 {T}\n\n::bad:: 坏问题 {=没有结束\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gift", "parse", str(bad), "--json"])
    assert result.exit_code == 1
    assert f"{bad}:3: unclosed answer block" in result.output


def test_export_then_import_gives_the_same_questions(app, tmp_path):
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(EXAMPLE, SKILLS))
        session.commit()
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["gift", "export", "--course", "first-live-room", "--quiz", "final"])
    assert exported.exit_code == 0
    assert [q for q in parse(exported.output)] == parse(QUIZ.read_text(encoding="utf-8"))

    course = tmp_path / "first-live-room"
    shutil.copytree(EXAMPLE / "first-live-room", course)
    bank = tmp_path / "bank.gift"
    bank.write_text(exported.output, encoding="utf-8")
    imported = runner.invoke(args=["gift", "import", str(bank), "--course-dir", str(course), "--quiz", "final"])
    assert imported.exit_code == 0 and "5 question(s) imported" in imported.output
    assert parse((course / "quizzes" / "final.gift").read_text(encoding="utf-8")) == parse(QUIZ.read_text(encoding="utf-8"))


def test_import_of_a_broken_file_changes_nothing(app, tmp_path):
    course = tmp_path / "first-live-room"
    shutil.copytree(EXAMPLE / "first-live-room", course)
    before = (course / "quizzes" / "final.gift").read_bytes()
    bad = tmp_path / "bad.gift"
    bad.write_text("::a:: 问题 {=答案\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gift", "import", str(bad), "--course-dir", str(course), "--quiz", "final"])
    assert result.exit_code == 1 and f"{bad}:1:" in result.output
    assert (course / "quizzes" / "final.gift").read_bytes() == before


def test_import_checks_the_whole_course_before_writing(app, tmp_path):
    """A bank whose pools no longer match the course's draws is refused; `courses check` would have failed."""
    shipped = ROOT / "courses"
    catalogue = tmp_path / "courses"
    catalogue.mkdir()
    shutil.copy(shipped / "skills.yaml", catalogue / "skills.yaml")
    course = catalogue / "data-metrics"
    shutil.copytree(shipped / "data-metrics", course)
    target = course / "quizzes" / "final.gift"
    before = target.read_bytes()
    renamed = tmp_path / "renamed.gift"
    renamed.write_text(before.decode("utf-8").replace("$CATEGORY: reading", "$CATEGORY: 读图"), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["gift", "import", str(renamed), "--course-dir", str(course), "--quiz", "final"])
    assert result.exit_code == 1
    assert "data-metrics/course.yaml:" in result.output
    assert "no question pool '$CATEGORY: reading' in the quiz file" in result.output
    assert "nothing was imported" in result.output
    assert target.read_bytes() == before and sorted(p.name for p in target.parent.iterdir()) == ["final.gift"]

    # The same bank with a surprising (but importable) question: a warning, and it is imported.
    warned = tmp_path / "warned.gift"
    warned.write_text(before.decode("utf-8") + "\n\n::extra:: 选两个 {=甲 =乙 ~丙}\n", encoding="utf-8")
    result = runner.invoke(args=["gift", "import", str(warned), "--course-dir", str(course), "--quiz", "final"])
    assert result.exit_code == 0, result.output
    assert f"{warned}:" in result.output and ": warning: 2 answers are marked '='" in result.output
    assert target.read_bytes() == warned.read_bytes()
    check = runner.invoke(args=["courses", "check", str(course)])
    assert check.exit_code == 0 and "warning: 2 answers are marked '='" in check.output
