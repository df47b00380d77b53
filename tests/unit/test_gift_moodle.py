"""GIFT read as Moodle reads it: the import assertions of Moodle's own tests (qformat_gift's giftformat_test.php),
restated as facts about behaviour, and the rules of Moodle's importer (format.php) that decide how a bank grades.

A bank exported from Moodle must import here and grade the same way; where Moodle's result may surprise, the
parser warns at the line and still imports.
"""

import random

import pytest

from lms.quizzes.gift import Answer, GiftError, NumericalAnswer, Pair, Question, export, parse
from lms.quizzes.grading import grade


def one(source: str) -> Question:
    (question,) = parse(source)
    return question


def warned(source: str) -> list[tuple[int, str]]:
    found: list = []
    parse(source, "q.gift", found)
    return [(p.line, p.message) for p in found]


def refused(source: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse(source, "q.gift")
    return [(p.line, p.message) for p in caught.value.problems]


# --- Moodle's import tests, one by one --------------------------------------------------------------------------


def test_moodle_import_essay():
    q = one("\n// essay\n::Q8:: How are you? {}")
    assert (q.name, q.text, q.format, q.type, q.general_feedback) == ("Q8", "How are you?", "moodle", "essay", None)


def test_moodle_import_match_with_a_format_per_item_and_a_distractor():
    q = one(
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n}"
    )
    assert (q.name, q.type, q.format) == ("Moodle activities", "matching", "html")
    assert q.text == "Match the <b>activity</b> to the description."
    # Each item keeps its own format; None means "the question's" (html), as Moodle's FORMAT_HTML there.
    assert q.pairs == [
        Pair("An activity supporting asynchronous discussions.", "Forum", None),
        Pair("A teacher asks a question and specifies a choice of multiple responses.", "Choice", "moodle"),
        Pair("A bank of record entries which participants can add to.", "Database", "plain"),
        Pair("A collection of web pages that anyone can add to or edit.", "Wiki", "markdown"),
        Pair("", "Chat", None),
    ]


def test_moodle_import_multichoice_keeps_answer_and_feedback_formats_apart():
    q = one(
        "\n// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n    ~[plain]blue # wrong, it's yellow\n}"
    )
    assert (q.name, q.type) == ("Q2", "multichoice")  # Moodle: single = 1
    assert q.answers == [
        Answer("yellow", 1.0, "right; good!"),
        Answer("red", 0.0, "wrong, it's yellow", None, "html"),
        Answer("blue", 0.0, "wrong, it's yellow", "plain", None),
    ]


def test_moodle_import_multichoice_multi():
    q = one(
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    assert q.type == "multiresponse"  # Moodle: single = 0
    assert [(a.text, a.fraction, a.feedback, a.format, a.feedback_format) for a in q.answers] == [
        ("yellow", 0.5, "right; good!", None, None),
        ("red", -1.0, "wrong", None, "html"),
        ("off-beige", 0.5, "right; good!", None, None),
        ("blue", -1.0, "wrong", "plain", None),
    ]


def test_moodle_import_multichoice_multi_tricky_is_multiple_response_although_one_answer_is_100():
    q = one(
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}"
    )
    assert q.type == "multiresponse"
    assert [(a.text, a.fraction) for a in q.answers] == [("yellow", 1.0), ("red", -0.5), ("blue", -0.5)]


def test_moodle_import_numerical_with_feedback_for_other_answers():
    q = one("\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    assert (q.name, q.text) == ("Q5", "What is a number from 1 to 5?")
    assert q.numerical == [NumericalAnswer(3.0, 2.0, 1.0), NumericalAnswer(None, 0.0, 0.0, "Completely wrong")]


def test_moodle_import_shortanswer_with_and_without_general_feedback():
    source = (
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n}"
    )
    q = one(source)
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("Frog", 1.0, "Good!"),
        ("Cat", 0.5, "What is it with Moodlers and cats?"),
        ("*", 0.0, "Completely wrong"),
    ]
    with_general = one(source.replace("wrong\n}", "wrong\n    ####[html]Here is some general feedback!\n}"))
    assert (with_general.general_feedback, with_general.general_feedback_format) == (
        "Here is some general feedback!",
        "html",
    )
    assert with_general.answers == q.answers


def test_moodle_import_truefalse_feedbacks_and_answer_spellings():
    q = one(
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert (q.correct, q.feedback_true, q.feedback_false) == (
        False,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    for mark in ("T", "TRUE"):
        tsl = one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{mark}}}")
        assert (tsl.name, tsl.text, tsl.correct, tsl.feedback_true) == ("2-08 TSL", "TSL is blablabla.", True, None)


def test_moodle_import_backslash():
    q = one("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert q.text == "A \\ B \\\\ C"


def test_moodle_import_pre_content_with_escaped_braces():
    q = one(
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
        "    public void test() \\{\n        method1();\n    \\}\n</pre>\n{}"
    )
    assert (q.type, q.format) == ("essay", "html")
    assert q.text == (
        "<p>What would running the test method print?</p>\n<pre>\npublic void test() {\nmethod1();\n}\n</pre>"
    )  # lines are stripped: Moodle's lines come trimmed from its file reader


def test_moodle_import_question_with_tags_and_idnumber():
    q = one(
        "// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n::Question name:: How are you? {}"
    )
    assert (q.name, q.text, q.tags, q.id_number) == ("Question name", "How are you?", ["tag", "other-tag"], "myid")


@pytest.mark.parametrize(
    ("comment", "id_number", "tags"),
    [
        ("// A basic comment.", None, []),
        ("// A comment with [id:frog] <-- an idnumber.", "frog", []),
        ("// Look tags: [tag:frog] [tag:toad].", None, ["frog", "toad"]),
        ("// [tag:add] [tag:basic] [id:four]", "four", ["add", "basic"]),
        ("// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.", "four", ["basic", "add"]),
        ("// Ceci n'est pas une [tag:\n// \\ frog].", None, []),
        ("// [id:i\\]d].", "i]d", []),
        ("// [tag:t\\]ag].", None, ["t]ag"]),
    ],
)
def test_moodle_extract_idnumber_and_tags_from_comment(comment, id_number, tags):
    q = one(comment + "\nQ{T}")
    assert (q.id_number, q.tags) == (id_number, tags)


# --- Moodle's exporter's output reads back the same ----------------------------------------------------------


def test_what_moodles_exporter_writes_reads_back_with_its_per_part_formats():
    exported = (
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
        "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "\t= -> Chat\n}\n\n"
        "// question: 666  name: Q8\n::Q8::What's between orange and green in the spectrum?{\n"
        "\t=yellow#right; good!\n\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n\n"
        "// question: 666  name: Q5\n::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}\n\n"
        "// question: 666  name: Q1\n"
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}\n"
    )
    match, colours, number, statement = parse(exported)
    assert match.pairs[0] == Pair('<div class="frog">An activity supporting asynchronous discussions.</div>', "Forum")
    assert colours.answers[1].feedback_format == "html" and colours.answers[2].format == "plain"
    assert number.numerical == [NumericalAnswer(3.0, 2.0, 1.0), NumericalAnswer(None, 0.0, 0.0, "Completely wrong")]
    assert (statement.feedback_false, statement.feedback_false_format) == ("42 is the Ultimate Answer.", "html")
    # Our exporter writes the same markers back: the round trip is exact.
    assert parse(export([match, colours, number, statement])) == [match, colours, number, statement]
    assert "~red#[html]wrong" in export([colours]) and "~[plain]blue#" in export([colours])
    assert "{TRUE#[html]42 is" in export([statement])


def test_general_feedback_format_is_written_back():
    q = one("Q {=a ####[html]<b>Why</b>}")
    assert (q.general_feedback, q.general_feedback_format) == ("<b>Why</b>", "html")
    assert "####[html]<b>Why</b>" in export([q]) and parse(export([q])) == [q]
    same = one("[html]Q {=a ####[html]<b>Why</b>}")  # the question's own format: no marker needed
    assert same.general_feedback_format is None and "####<b>Why</b>" in export([same])


# --- single versus multiple answers: Moodle's rule, and how it grades ---------------------------------------


def test_any_equals_makes_a_single_choice_where_each_equals_answer_is_fully_right():
    q = one("Who is buried in Grant's tomb? {=Grant =Julia ~Jefferson}")
    assert q.type == "multichoice"
    assert [grade(q, i).score for i in range(3)] == [1.0, 1.0, 0.0]
    assert warned("Q {=Grant =Julia ~Jefferson}") == [
        (1, "2 answers are marked '=': hosts choose one, and each of them earns full marks (Moodle's rule); "
            "to let hosts choose several, weight them like '~%50%'")
    ]  # fmt: skip


def test_without_equals_several_may_be_chosen_and_weights_add_up():
    q = one("Colour? {~%100%yellow ~%-50%red ~%-50%blue}")
    assert q.type == "multiresponse"
    assert grade(q, {0}).score == 1.0 and grade(q, {0, 1}).score == 0.5 and grade(q, {1, 2}).score == 0.0


def test_a_weight_after_equals_is_text_worth_100():
    q = one("Q {=%50%half ~other}")
    assert (q.type, q.answers[0]) == ("multichoice", Answer("%50%half", 1.0))
    assert grade(q, 0).score == 1.0
    assert warned("Q {=%50%half ~other}")[0][1].startswith("answer '%50%half' starts like a weight")
    assert parse(export([q])) == [q]


def test_weights_over_100_and_sums_not_100_import_with_warnings():
    over = one("Q {=a ~%150%b}")
    assert over.answers[1].fraction == 1.5 and grade(over, 1).score == 1.0  # a score never exceeds 100%
    assert warned("Q {\n=a\n~%150%b}") == [
        (3, "answer weight 150% is outside -100%..100%: Moodle keeps it, and a score never goes below 0 or above 100%")
    ]
    short = one("Pick {~%50%a ~%30%b ~%-100%c}")
    assert short.type == "multiresponse" and grade(short, {0, 1}).score == 0.8
    assert warned("Pick {~%50%a ~%30%b ~%-100%c}") == [
        (1, "multiple-response weights of correct answers add up to 80%, not 100%: the best possible score is 80%")
    ]
    nothing = one("Pick {~a ~b}")
    assert nothing.type == "multiresponse" and grade(nothing, {0, 1}).score == 0.0
    assert warned("Pick {~a ~b}")[0][1].startswith("no answer is marked '=' and none has a positive weight")
    assert parse(export([over, short, nothing])) == [over, short, nothing]


# --- what Moodle imports, this parser imports --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Where is C:\\temp? {}", "Where is C:\\temp?"),
        ("Solve \\(x^2 = 4\\) {#2}", "Solve \\(x^2 = 4\\)"),
        ("Display \\[\\sum_i i\\] please {}", "Display \\[\\sum_i i\\] please"),
        ("A \\q and a trailing \\\n{T}", "A \\q and a trailing \\"),
    ],
)
def test_unknown_escapes_are_kept_as_written(source, text):
    assert one(source).text == text
    assert warned(source) == []
    assert parse(export(parse(source))) == parse(source)


def test_latex_in_answers_and_feedback_is_kept():
    q = one("Root? {=\\(\\sqrt\\{4\\}\\)#\\(2^2 \\= 4\\) ~\\(3\\)}")
    assert [a.text for a in q.answers] == ["\\(\\sqrt{4}\\)", "\\(3\\)"]
    assert q.answers[0].feedback == "\\(2^2 = 4\\)"


def test_matching_with_two_pairs_and_a_hash_inside_a_pair():
    q = one("Match {=C# -> a language =Go -> another}")
    assert q.pairs == [Pair("C#", "a language"), Pair("Go", "another")]
    assert grade(q, {0: "a language", 1: "another"}).score == 1.0
    assert warned("Match {=C# -> a language =Go -> another}") == [
        (1, "matching question with 2 pairs: Moodle imports it, but its documentation asks for at least 3")
    ]
    assert parse(export([q])) == [q]


def test_a_question_that_is_only_a_name():
    q = one("::Just a name::")
    assert (q.type, q.name, q.text) == ("description", "Just a name", "")
    assert warned("::Just a name::") == [(1, "question has only a name")]


def test_a_non_numeric_numerical_answer_becomes_any_number_with_a_warning():
    q = one("Year? {#\n=1822\n=%50%about then\n}")
    assert q.numerical == [NumericalAnswer(1822.0), NumericalAnswer(None, 0.0, 0.5)]
    assert grade(q, "1822").score == 1.0 and grade(q, "7").score == 0.5  # Moodle's '*': any number
    assert warned("Year? {#\n=1822\n=%50%about then\n}") == [
        (3, "numerical answer 'about then' is not a number: Moodle imports it as '*', which accepts any number")
    ]
    assert parse(export([q])) == [q]


def test_other_moodle_readings_import_with_a_warning():
    lead = one("Q {four =4}")  # text before the first '=' is one more answer
    assert [(a.text, a.fraction) for a in lead.answers] == [("four", 1.0), ("4", 1.0)]
    stray = one("Q {stray ~x =y}")  # ... and in a choice, one more wrong answer
    assert [(a.text, a.fraction) for a in stray.answers] == [("stray", 0.0), ("x", 0.0), ("y", 1.0)]
    third = one("Q {T#wrong#right#still right}")
    assert third.feedback_true == "right#still right"
    tilde = one("Q {#=5 ~4#no}")
    assert tilde.numerical == [NumericalAnswer(5.0), NumericalAnswer(None, 0.0, 0.0, "no")]
    unnamed = one("::name without end {T}")
    assert (unnamed.name, unnamed.text) == (None, "name without end")
    empty = one("Q {\n=a\n~\n~c}")
    assert [a.text for a in empty.answers] == ["a", "c"]
    half = one("Q {=%50%a =%20%b}")
    assert grade(half, "a").score == 0.5
    for source, line, start in [
        ("Q {four =4}", 1, "text 'four' before the first '=' is read as one more answer"),
        ("Q {stray ~x =y}", 1, "text 'stray' before the first '=' or '~' is read as one more (wrong) answer"),
        ("Q {T#wrong#right#still right}", 1, "a third '#' in a true/false block is kept as text"),
        ("Q {#=5 ~4#no}", 1, "'4' after '~' is ignored"),
        ("::name without end {T}", 1, "question name is not closed"),
        ("Q {\n=a\n~\n~c}", 3, "answer 2 is empty and is left out"),
        ("Q {=%50%a =%20%b}", 1, "no answer is worth 100%: the best possible score is 50%"),
        ("Q {#=%50%5}", 1, "no answer is worth 100%: the best possible score is 50%"),
    ]:
        found = warned(source)
        assert len(found) == 1 and found[0][0] == line and found[0][1].startswith(start), (source, found)


def test_what_moodle_cannot_import_is_still_refused():
    assert refused("Q {~a}") == [(1, "multiple-choice question needs at least 2 answers, found 1")]
    assert refused("Q {=a -> 1}") == [(1, "matching question needs at least 2 pairs, found 1")]
    assert refused("Q {=a -> 1 =b}") == [(1, "matching pair 2 has no '->'")]
    assert refused("Q {#}") == [(1, "numerical answer block '{#' without answers")]
    assert refused("Q {#=5:x}") == [(1, "tolerance 'x' is not a number")]
    assert refused("Q {=a") == [
        (1, "unclosed answer block '{' opened here (a blank line ends a question; escape a literal brace as '\\{')")
    ]


def test_the_two_deliberate_improvements_on_moodle():
    # A line with only "0" is text (PHP's empty("0") is true, so Moodle splits the question there).
    q = one("How many?\n0\n{=zero}")
    assert (q.text, q.answers[0].text) == ("How many?\n0", "zero")
    # "$CATEGORY:" without a blank line after it does not swallow the question that follows.
    (r,) = parse("$CATEGORY: pool\n::r:: Question {T}")
    assert (r.category, r.name, r.correct) == ("pool", "r", True)


# --- round trips with per-part formats --------------------------------------------------------------------------

FORMATS = [None, "moodle", "html", "markdown", "plain"]


def test_random_per_part_formats_survive_a_round_trip():
    rng = random.Random(19)
    for _ in range(200):
        fmt = rng.choice(["moodle", "html", "markdown", "plain"])

        def own() -> str | None:
            chosen = rng.choice(FORMATS)
            return None if chosen == fmt else chosen

        kind = rng.choice(["multichoice", "multiresponse", "shortanswer", "truefalse", "numerical", "matching", "essay"])
        q = Question(kind, "Q" + str(rng.random()), format=fmt, general_feedback=rng.choice([None, "g"]))
        q.general_feedback_format = own() if q.general_feedback else None
        if kind in ("multichoice", "multiresponse", "shortanswer"):
            weights = {"multichoice": [1.0, 0.0, 1.0], "multiresponse": [0.5, 0.5, -1.0], "shortanswer": [1.0, 0.5]}
            q.answers = [Answer(f"a{i}", w, f"f{i}", own(), own()) for i, w in enumerate(weights[kind])]
        elif kind == "truefalse":
            q.correct, q.feedback_true, q.feedback_false = rng.random() < 0.5, "t", "f"
            q.feedback_true_format, q.feedback_false_format = own(), own()
        elif kind == "numerical":
            q.numerical = [NumericalAnswer(1.0, 0.5, 1.0, "n", own()), NumericalAnswer(None, 0.0, 0.0, "o", own())]
        elif kind == "matching":
            q.pairs = [Pair(f"p{i}", f"m{i}", own()) for i in range(3)]
        assert parse(export([q])) == [q], export([q])


# --- a bank as Moodle's exporter writes it imports and grades as Moodle grades it ---------------------------------


def test_a_moodle_exported_bank_imports_and_grades_as_in_moodle():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "fixtures" / "gift" / "moodle_export.gift").read_text("utf-8")
    found: list = []
    two, several, blank, number, pairs, statement = parse(source, "moodle_export.gift", found)
    assert [w.line for w in found] == [9]  # the two '=' answers: Moodle's rule, said out loud
    assert {q.category for q in (two, several, blank, number, pairs, statement)} == {
        "$course$/top/直播合规"
    }
    # Two '=' answers: one choice, either is fully right; a '~%-50%' answer costs half (kept within 0..1).
    assert two.type == "multichoice" and [grade(two, i).score for i in range(4)] == [1.0, 1.0, 0.0, 0.0]
    assert two.answers[3].fraction == -0.5
    # No '=': several may be chosen, weights add up.
    assert several.type == "multiresponse"
    assert [grade(several, s).score for s in ({0, 1}, {0}, {0, 1, 2}, {2})] == [1.0, 0.5, 0.0, 0.0]
    assert [grade(blank, t).score for t in ("绝对化", "夸大", "别的")] == [1.0, 0.5, 0.0]
    assert grade(blank, "别的").feedback == ["再想想"]
    assert [grade(number, n).score for n in ("7", "6", "5", "3")] == [1.0, 0.5, 0.5, 0.0]
    assert grade(number, "3").feedback == ["看《消费者权益保护法》第二十五条"]
    assert pairs.pairs[1] == Pair("UV<B档>", "访客数", "plain") and pairs.general_feedback_format is None
    assert grade(pairs, {0: "成交总额", 1: "访客数"}).score == 1.0
    assert (statement.correct, statement.feedback_true, statement.feedback_true_format) == (
        False, "<b>错</b>：违反第二十五条", "html",
    )  # fmt: skip
    assert grade(statement, False).score == 1.0 and grade(statement, True).score == 0.0
    assert parse(export(parse(source))) == parse(source)
