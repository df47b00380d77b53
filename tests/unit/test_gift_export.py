"""GIFT export, to_dict/from_dict, and round trips: parse(export(questions)) == questions."""

import ast
import random
from pathlib import Path

import pytest

from lms.quizzes.gift import Answer, NumericalAnswer, Pair, Question, export, from_dict, parse, to_dict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gift"
PACKAGE = Path(__file__).resolve().parents[2] / "lms" / "quizzes"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def moodle() -> list[Question]:
    return parse(read("moodle_examples.gift"), "moodle_examples.gift")


# --- to_dict / from_dict -------------------------------------------------------------------------------------


def test_to_dict_has_exactly_the_documented_keys_for_every_type(moodle):
    keys = {"type", "name", "category", "format", "text", "answers", "correct", "feedback_true", "feedback_false",
            "numerical", "pairs", "general_feedback", "line", "tags", "id_number", "feedback_true_format",
            "feedback_false_format", "general_feedback_format"}  # fmt: skip
    for question in moodle:
        data = to_dict(question)
        assert set(data) == keys
        assert from_dict(data) == question and from_dict(data).line == question.line
    tf = to_dict(moodle[0])
    assert (tf["answers"], tf["numerical"], tf["pairs"], tf["correct"]) == ([], [], [], True)
    assert to_dict(moodle[1])["answers"][0] == {
        "text": "yellow", "fraction": 1.0, "feedback": "right; good!", "format": None, "feedback_format": None
    }
    assert to_dict(moodle[3])["numerical"] == [
        {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": None, "feedback_format": None}
    ]
    assert to_dict(moodle[16])["pairs"][0] == {"question": "subquestion1", "answer": "subanswer1", "format": None}
    # Questions stored before per-part formats existed still read.
    old = {"type": "multichoice", "text": "x", "answers": [{"text": "a", "fraction": 1.0, "feedback": None}]}
    assert from_dict(old).answers == [Answer("a", 1.0)]


def test_from_dict_refuses_malformed_data():
    with pytest.raises(ValueError, match="unknown question type"):
        from_dict({"type": "poll", "text": "x"})
    with pytest.raises(ValueError, match="not a finite number"):
        from_dict({"type": "multichoice", "text": "x", "answers": [{"text": "a", "fraction": float("nan")}]})
    with pytest.raises(ValueError, match="unknown text format"):
        from_dict({"type": "multichoice", "text": "x", "answers": [{"text": "a", "fraction": 1, "format": "rtf"}]})
    # Moodle keeps weights past 100%: so does a stored question.
    assert from_dict({"type": "multichoice", "text": "x", "answers": [{"text": "a", "fraction": 1.5}]}).answers[0].fraction == 1.5
    with pytest.raises(ValueError, match="malformed"):
        from_dict({"type": "essay"})


# --- export and round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["moodle_examples.gift", "chinese.gift"])
def test_fixture_files_survive_a_round_trip(name):
    questions = parse(read(name))
    text = export(questions)
    assert parse(text) == questions
    assert export(parse(text)) == text  # and the exporter is stable


def test_export_writes_moodle_style_gift():
    questions = [
        Question("truefalse", "Sky {blue}?", name="t:1", category="a/b", correct=True, feedback_false="No."),
        Question("multichoice", "Pick _____ now", category="a/b", tags=["skill:x", "p]q"], id_number="7",
                 answers=[Answer("=one", 1.0, "#good"), Answer("two", 0.0), Answer("three", -0.5)]),
    ]  # fmt: skip
    assert export(questions) == (
        "$CATEGORY: a/b\n\n"
        "::t\\:1::Sky \\{blue\\}?{TRUE#No.}\n\n"
        "// [id:7] [tag:skill:x] [tag:p\\]q]\n"
        "Pick {\n\t=\\=one#\\#good\n\t~two\n\t~%-50%three\n} now\n"
    )
    assert parse(export(questions)) == questions


def test_export_refuses_what_gift_cannot_say():
    with pytest.raises(ValueError, match="at least 3 items"):
        export([Question("ordering", "Sort", answers=[Answer("a", 1.0), Answer("b", 1.0)])])
    with pytest.raises(ValueError, match="worth 100%"):
        export([Question("ordering", "Sort", answers=[Answer(t, 0.0) for t in "abc"])])
    with pytest.raises(ValueError, match="'->'"):
        export([Question("ordering", "Sort", answers=[Answer(t, 1.0) for t in ("a->b", "c", "d")])])
    with pytest.raises(ValueError, match="like a weight"):
        export([Question("ordering", "Sort", answers=[Answer(t, 1.0) for t in ("%50% off", "c", "d")])])
    with pytest.raises(ValueError, match="is the question type"):
        export([Question("shortanswer", "S", tags=["type:ordering"], answers=[Answer("a", 1.0)])])
    with pytest.raises(ValueError, match="no category"):
        export([Question("essay", "A", category="c"), Question("essay", "B")])
    with pytest.raises(ValueError, match="'->'"):
        export([Question("matching", "M", pairs=[Pair("a->b", "1"), Pair("c", "2"), Pair("d", "3")])])
    with pytest.raises(ValueError, match="general feedback"):
        export([Question("description", "D", general_feedback="lost")])
    with pytest.raises(ValueError, match="needs an answer worth 100%"):
        export([Question("multichoice", "M", answers=[Answer("a", 0.5), Answer("b", 0.0)])])
    with pytest.raises(ValueError, match="would read as matching"):
        export([Question("shortanswer", "S", answers=[Answer("a", 1.0, "see 1 -> 2")])])


def test_ordering_exports_as_a_tagged_short_answer_block_and_reads_back():
    steps = Question("ordering", "把处理退货的步骤按顺序排列", name="steps", tags=["skill:compliance"],
                     answers=[Answer("确认收货日期", 1.0), Answer("检查商品是否完好", 1.0, "先看包装"),
                              Answer("办理退款", 1.0)],
                     general_feedback="《消费者权益保护法》第二十五条。")  # fmt: skip
    text = export([steps])
    assert text == (
        "// [tag:type:ordering] [tag:skill:compliance]\n"
        "::steps::把处理退货的步骤按顺序排列{\n\t=确认收货日期\n\t=检查商品是否完好#先看包装\n\t=办理退款\n"
        "\t####《消费者权益保护法》第二十五条。\n}\n"
    )
    assert parse(text) == [steps]
    plain = Question("ordering", "无标签", id_number="o-1", answers=[Answer(t, 1.0) for t in "甲乙丙"])
    assert export([plain]).startswith("// [id:o-1] [tag:type:ordering]\n") and parse(export([plain])) == [plain]
    # The documented example in docs/course-format.md reads as this very question.
    assert to_dict(parse(text)[0])["answers"][1] == {
        "text": "检查商品是否完好", "fraction": 1.0, "feedback": "先看包装", "format": None, "feedback_format": None
    }


TRICKY = "~=#{}:\\ \n/%[]->_中文，。！"


def tricky_questions() -> list[Question]:
    """Hand-made questions aimed at every place where export and parse could disagree."""
    every = "All of " + TRICKY + " and \\n too"
    return [
        Question("description", every, name="n" + TRICKY.strip(), tags=["t]\\x", "skill:s"], id_number="i]d"),
        Question("essay", "//looks like a comment", general_feedback="[html]<b>literal marker</b>"),
        Question("essay", "[markdown] literal marker in moodle text"),
        Question("essay", "$CATEGORY: not a category"),
        Question("essay", "::not a name:: text"),
        Question(
            "shortanswer", "Blank at the end _____", answers=[Answer("%50% off", 1.0), Answer("x", 0.5)]
        ),
        Question(
            "shortanswer", "_____ at the start", format="html", answers=[Answer("[html]a", 1.0, "[plain]f")]
        ),
        Question("multichoice", "a _____ b _____ c", answers=[Answer("%10%", 1.0), Answer("%20% y", 0.0)]),
        Question(
            "multiresponse",
            "中文：选两个。",
            answers=[Answer("甲", 0.5, "对！"), Answer("乙", 0.5), Answer("丙 #", -1.0, every)],
        ),
        Question("multiresponse", "Thirds", answers=[Answer(f"t{i}", 0.3333333) for i in range(3)]),
        Question("truefalse", every, correct=False, feedback_true=every, feedback_false="#right#"),
        Question("truefalse", "Only right feedback", correct=True, feedback_true="yes"),
        Question(
            "numerical",
            "Any number",
            numerical=[
                NumericalAnswer(-1.5e-7, 1e-9, 1.0, "tiny"),
                NumericalAnswer(3.0, 0.5, 0.25),
                NumericalAnswer(None),
            ],
        ),
        Question(
            "numerical", "Weighted catch-all", numerical=[NumericalAnswer(1.0), NumericalAnswer(None, 0, 0.5)]
        ),
        Question(
            "matching", "Match " + every, pairs=[Pair("a-", ">b"), Pair("", "c -> d"), Pair("e", every)]
        ),
        Question(
            "ordering", "Order _____ " + every, format="html", tags=["t"],
            answers=[Answer("[html]x", 1.0, every.replace("->", "")), Answer("a-", 1.0),
                     Answer(">b #~=", 1.0, "[plain]f")],
        ),  # fmt: skip
    ]


def test_tricky_questions_survive_a_round_trip():
    questions = tricky_questions()
    assert parse(export(questions)) == questions


ALPHABET = "ab 中文~=#{}:\\\n%[]_/-> ，。"


def random_text(rng: random.Random, allow_arrow: bool = True) -> str:
    while True:
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))).strip()
        if text and (allow_arrow or "->" not in text):
            return text


def random_question(rng: random.Random) -> Question:
    kind = rng.choice(["multichoice", "multiresponse", "truefalse", "shortanswer", "numerical", "matching",
                       "ordering", "essay", "description"])  # fmt: skip

    def feedback(allow_arrow: bool = True) -> str | None:
        return rng.choice([None, random_text(rng, allow_arrow)])

    q = Question(
        kind, random_text(rng), name=rng.choice([None, random_text(rng)]), general_feedback=feedback()
    )
    q.format = rng.choice(["moodle", "html", "markdown", "plain"])
    q.tags = [random_text(rng).replace("\n", " ") for _ in range(rng.randint(0, 2))]
    q.tags = [t for t in q.tags if not t.startswith(("difficulty:", "skill:"))]
    if kind == "description":
        q.general_feedback = None
    elif kind in ("multichoice", "multiresponse"):
        weights = [1.0, 0.0, -0.5, 0.25] if kind == "multichoice" else [0.5, 0.5, -1.0, 0.0]
        q.answers = [Answer(random_text(rng), w, feedback()) for w in weights[: rng.randint(2, 4)]]
        if kind == "multiresponse" and len(q.answers) < 2:
            q.answers.append(Answer(random_text(rng), 0.5))
    elif kind == "truefalse":
        q.correct, q.feedback_true, q.feedback_false = rng.random() < 0.5, feedback(), feedback()
    elif kind == "shortanswer":
        q.answers = [Answer(random_text(rng, False), w, feedback(False)) for w in (1.0, 0.5)[: rng.randint(1, 2)]]
    elif kind == "numerical":
        q.numerical = [
            NumericalAnswer(rng.uniform(-1e4, 1e4), rng.choice([0.0, rng.random()]), 1.0, feedback())
        ]
    elif kind == "matching":
        q.pairs = [Pair(random_text(rng, False), random_text(rng)) for _ in range(rng.randint(3, 5))]
    elif kind == "ordering":
        q.answers = [Answer(random_text(rng, False), 1.0, feedback(False)) for _ in range(rng.randint(3, 5))]
    return q


def test_random_questions_survive_a_round_trip():
    rng = random.Random(20240611)
    for _ in range(300):
        batch = [random_question(rng) for _ in range(rng.randint(1, 4))]
        text = export(batch)
        assert parse(text) == batch, text


# --- purity --------------------------------------------------------------------------------------------------


# The web layer of the package (models, services, views, CLI) may use Flask and the database; the quiz logic
# (parser, exporter, graders, paper drawing, statistics) may not.
WEB_LAYER = {"models.py", "services.py", "views.py", "cli.py", "answers.py", "trainer.py", "trainer_views.py",
             "sheet.py"}  # sheet: the attempt page's one statement and its kept question HTML


def test_quiz_modules_import_neither_flask_nor_the_database_nor_the_rest_of_lms():
    for path in PACKAGE.glob("*.py"):
        if path.name in WEB_LAYER:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                root = name.split(".")[0]
                assert root not in ("flask", "sqlalchemy", "flask_sqlalchemy"), (path.name, name)
                # lms.messages is pure too: it marks problem messages for translation later; lms.memo is the
                # worker's bounded LRU (cachetools only), which the kept question renderings use.
                assert root != "lms" or name.startswith("lms.quizzes") or name in ("lms.messages", "lms.memo"), (path.name, name)
