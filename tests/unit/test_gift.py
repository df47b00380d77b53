"""The GIFT parser: Moodle's documented examples, Chinese files, escapes, syntax details, errors with lines."""

from pathlib import Path

import pytest

from lms.quizzes.gift import (
    GiftError,
    GiftProblem,
    NumericalAnswer,
    Pair,
    Question,
    parse,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gift"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def one(source: str) -> Question:
    (question,) = parse(source)
    return question


def problems(source: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse(source, "q.gift")
    return [(p.line, p.message) for p in caught.value.problems]


def warned(source: str) -> list[tuple[int, str]]:
    """The warnings of a source that imports."""
    found: list = []
    parse(source, "q.gift", found)
    return [(p.line, p.message) for p in found]


def answers(question: Question) -> list[tuple[str, float, str | None]]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


# --- Moodle's documentation page, example by example -------------------------------------------------------


@pytest.fixture(scope="module")
def moodle() -> list[Question]:
    return parse(read("moodle_examples.gift"), "moodle_examples.gift")


def test_every_documented_example_gets_its_type(moodle):
    assert [q.type for q in moodle] == [
        # quick examples Q1..Q8 without Q4
        "truefalse", "multichoice", "shortanswer", "numerical", "numerical", "numerical", "essay",
        # multiple choice, multiple right answers, true-false, short answer
        "multichoice", "multichoice", "multichoice", "multichoice", "multiresponse", "truefalse", "truefalse",
        "shortanswer", "shortanswer",
        # matching, numerical, essay, description
        "matching", "matching", "numerical", "numerical", "numerical", "numerical", "essay", "description",
        # options: comments, names, feedback, general feedback
        "numerical", "shortanswer", "multichoice", "multichoice", "shortanswer", "truefalse", "multichoice",
        # weights, multiple answers, special characters
        "multichoice", "multichoice", "shortanswer", "multiresponse", "multichoice", "multichoice",
        # formats, categories, id and tags
        "shortanswer", "truefalse", "truefalse", "shortanswer", "shortanswer", "numerical",
    ]  # fmt: skip


def test_quick_examples(moodle):
    q1, q2, q3, q5, q6, q7, q8 = moodle[:7]
    assert (q1.name, q1.text, q1.correct, q1.line) == ("Q1", "1+1=2", True, 8)
    assert answers(q2) == [("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"),
                           ("blue", 0.0, "wrong, it's yellow")]  # fmt: skip
    assert q3.text == "Two plus _____ equals four." and answers(q3) == [("two", 1.0, None), ("2", 1.0, None)]
    assert q5.numerical == [NumericalAnswer(3.0, 2.0, 1.0, None)]
    assert q6.numerical == q5.numerical  # "translated on import to the same as Q5"
    assert q7.numerical == [
        NumericalAnswer(1822.0, 0.0, 1.0, "Correct! Full credit."),
        NumericalAnswer(1822.0, 2.0, 0.5, "He was born in 1822. Half credit for being close."),
    ]
    assert (q8.type, q8.text, q8.general_feedback) == ("essay", "How are you?", None)


def test_multiple_choice_and_missing_word(moodle):
    tomb, missing, thanksgiving, japanese = moodle[7:11]
    assert answers(tomb) == [("Grant", 0.0, None), ("Jefferson", 0.0, None), ("no one", 1.0, None)]
    assert missing.text == "Grant is _____ in Grant's tomb."
    assert [a.text for a in missing.answers] == ["buried", "entombed", "living"]
    assert (
        thanksgiving.text
        == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert [a.fraction for a in thanksgiving.answers] == [0.0, 0.0, 1.0]
    assert (
        japanese.text == "Japanese characters originally came from what country?"
    )  # block at the end: no blank
    assert [a.text for a in japanese.answers if a.fraction == 1.0] == ["China"]


def test_multiple_right_answers_true_false_and_short_answers(moodle):
    entombed, grant_nyc, sun, buried, two = moodle[11:16]
    assert answers(entombed) == [("No one", -1.0, None), ("Grant", 0.5, None), ("Grant's wife", 0.5, None),
                                 ("Grant's father", -1.0, None)]  # fmt: skip
    assert (grant_nyc.correct, sun.correct) == (True, False)
    assert answers(buried) == [("no one", 1.0, None), ("nobody", 1.0, None)]
    assert two.text == "Two plus two equals _____." and [a.text for a in two.answers] == ["four", "4"]


def test_matching_numerical_essay_description(moodle):
    generic, capitals, born, pi, pi_range, born_weighted, essay, description = moodle[16:24]
    assert generic.pairs == [Pair(f"subquestion{i}", f"subanswer{i}") for i in (1, 2, 3)]
    assert capitals.pairs[-1] == Pair("India", "New Delhi") and len(capitals.pairs) == 4
    assert capitals.general_feedback == "It's good to know the capitals"
    assert born.numerical == [NumericalAnswer(1822.0, 5.0, 1.0, None)]
    assert pi.text == "What is the value of pi (to 3 decimal places)? _____."  # a "." after the block
    assert pi.numerical == [NumericalAnswer(3.14159, 0.0005, 1.0, None)]
    (middle,) = pi_range.numerical  # min..max becomes midpoint and half-width
    assert middle.value == pytest.approx(3.1415) and middle.tolerance == pytest.approx(0.0005)
    assert [(a.value, a.tolerance, a.fraction) for a in born_weighted.numerical] == [
        (1822, 0, 1.0),
        (1822, 2, 0.5),
    ]
    assert essay.text == "Write a short biography of Dag Hammarskjöld." and essay.answers == []
    assert description.text == "You can use your pencil and paper for these next math questions."


def test_options_comments_names_feedback(moodle):
    plus, kanji, thanks, feedback_mc, feedback_short, tf_feedback, general = moodle[24:31]
    assert plus.text == "What's 2 plus 2?" and plus.numerical[0].value == 4.0
    assert (kanji.name, kanji.text) == (
        "Kanji Origins",
        "Japanese characters originally\ncame from what country?",
    )
    assert answers(kanji) == [("China", 1.0, None)]
    assert thanks.name == "Thanksgiving Date" and thanks.text.endswith("on the _____ Thursday of November.")
    assert answers(feedback_mc) == [
        ("wrong answer", 0.0, "feedback comment on the wrong answer"),
        ("another wrong answer", 0.0, "feedback comment on this wrong answer"),
        ("right answer", 1.0, "Very good!"),
    ]
    assert answers(feedback_short) == [
        ("no one", 1.0, "excellent answer!"),
        ("nobody", 1.0, "excellent answer!"),
    ]
    # {FALSE#...}: the first feedback is for the wrong answer, i.e. for whoever answers "true".
    assert (tf_feedback.correct, tf_feedback.feedback_true, tf_feedback.feedback_false) == (
        False,
        "No one is buried in Grant's tomb.",
        None,
    )
    assert general.general_feedback == "Paris has been the capital since the 10th century."


def test_options_weights_and_multiple_answers(moodle):
    difficult, hometown_mc, hometown_short, entombed = moodle[31:35]
    assert difficult.type == "multichoice"  # exactly one answer at 100%: partial credit is allowed
    assert [a.fraction for a in difficult.answers] == [0.0, 0.5, 1.0]
    assert hometown_mc.text == "Jesus Christ was from _____."
    assert [a.fraction for a in hometown_mc.answers] == [0.0, 0.25, 0.5, 1.0]
    assert hometown_mc.answers[1].feedback == "He was born here, but not raised here."
    assert hometown_short.type == "shortanswer" and hometown_short.text == "Jesus Christ was from"
    assert answers(hometown_short)[1] == ("Nazereth", 0.75, "Right, but misspelled.")
    assert [a.fraction for a in entombed.answers] == [-0.5, 0.5, 0.5, -0.5]


def test_options_special_characters(moodle):
    equals, control = moodle[35:37]
    assert [a.text for a in equals.answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert equals.answers[1].fraction == 1.0
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answers[0].feedback == "~ is a control character."
    assert control.answers[5].fraction == 1.0
    assert control.answers[5].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\nit is used to escape the control characters."
    )


def test_options_formats_categories_ids_and_tags(moodle):
    markdown, html, plain, harry, seven, tagged = moodle[37:]
    assert (markdown.format, markdown.text) == ("markdown", "Who's buried in **Grant's tomb**?")
    assert (html.format, html.text) == ("html", "<p>Is the sky <b>blue</b>?</p>")
    assert (plain.format, plain.text, plain.correct) == ("plain", "1 < 2 is a plain-text statement.", True)
    assert all(q.category is None for q in moodle[:40])
    assert harry.category == "tom/dick/harry"
    assert seven.category == tagged.category == "$course$/top/Default for Maths"
    assert (tagged.id_number, tagged.tags, tagged.text) == ("Q-101", ["addition", "easy"], "1 + 1 =")


def test_the_two_pair_quick_example_imports_as_in_moodle_with_a_warning():
    source = "// matching\n::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }\n"
    assert one(source).pairs == [Pair("cat", "cat food"), Pair("dog", "dog food")]
    assert warned(source) == [
        (2, "matching question with 2 pairs: Moodle imports it, but its documentation asks for at least 3")
    ]


# --- Chinese, BOM, CRLF --------------------------------------------------------------------------------------


def test_chinese_question_bank():
    qs = parse(read("chinese.gift"), "chinese.gift")
    assert [q.type for q in qs] == [
        "multichoice", "truefalse", "shortanswer", "numerical", "matching", "multiresponse", "shortanswer",
        "description", "essay", "truefalse",
    ]  # fmt: skip
    opening, lowest, gmv, peak, pairs, prep, blank, _, essay, escaped = qs
    assert {q.category for q in qs} == {"直播电商/基础"}
    assert (opening.name, opening.id_number, opening.line) == ("开场", "zb-001", 6)
    assert opening.text == "直播开场时，主播首先应该做什么？"
    assert answers(opening)[0] == ("欢迎观众并介绍本场主题", 1.0, "对！先建立联系，再讲商品。")
    assert opening.general_feedback == "开场三分钟决定观众是否留下。"
    assert (opening.skills, opening.difficulty) == (["content"], 1)
    assert (lowest.correct, lowest.feedback_true, lowest.feedback_false) == (
        False,
        '错了：无法证明的"最低价"属于虚假宣传。',
        "对，这种说法需要有依据。",
    )
    assert (gmv.skills, gmv.difficulty) == (["data-analysis"], 2)  # no difficulty tag: 2
    assert answers(gmv)[1] == ("成交额", 0.5, "接近了，但 GMV 还包括未付款订单。")
    assert (
        peak.numerical == [NumericalAnswer(3.0, 0.1, 1.0, None)] and peak.general_feedback == "1200÷400＝3。"
    )
    assert "１２００人" in peak.text and peak.difficulty == 3
    assert pairs.pairs[-1] == Pair("", "退货率")  # a distractor
    assert [a.fraction for a in prep.answers] == [0.5, 0.5, -1.0]
    assert blank.text == "讲解商品时要突出产品的_____，而不是只报价格。"
    assert essay.general_feedback == "可以从灯光、话术、互动三个方面回答。"
    assert escaped.text == "在 GIFT 里，大括号写作 { 和 }，井号写作 #，冒号写作 :。这句话对吗？"


def test_bom_and_crlf_change_nothing():
    text = read("chinese.gift")
    plain = parse(text)
    windows = parse("\ufeff" + text.replace("\n", "\r\n"))
    assert windows == plain
    assert [q.line for q in windows] == [q.line for q in plain]
    assert parse("\ufeff::a::Q {T}\r\n\r\n::b::R {F}\r") == parse("::a::Q {T}\n\n::b::R {F}\n")


def test_full_width_braces_import_as_moodle_reads_them_with_a_warning():
    assert one("直播间可以说最低价吗？｛=可以 ~不可以｝").type == "description"
    assert warned("直播间可以说最低价吗？｛=可以 ~不可以｝") == [
        (1, "full-width brace '｛' found: read as a description; answer blocks need ASCII '{' and '}'")
    ]
    assert answers(one("GMV 是什么？{＝商品交易总额}")) == [("＝商品交易总额", 1.0, None)]
    assert warned("GMV 是什么？{＝商品交易总额}") == [
        (1, "full-width '＝' or '～' does not start an answer: it is read as text; use ASCII '=' and '~'")
    ]
    assert one("说明：括号｛这样｝可以出现在说明里。").type == "description"


# --- escapes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "char"), [("\\~", "~"), ("\\=", "="), ("\\#", "#"), ("\\{", "{"), ("\\}", "}"), ("\\:", ":"),
                          ("\\\\", "\\"), ("\\n", "\n")]
)  # fmt: skip
def test_every_escape_everywhere(escaped, char):
    q = one(f"::n{escaped}m::a{escaped}b {{=c{escaped}d#e{escaped}f =x}}")
    assert (q.name, q.text, q.answers[0].text, q.answers[0].feedback) == (
        f"n{char}m",
        f"a{char}b",
        f"c{char}d",
        f"e{char}f",
    )
    assert len(q.answers) == 2  # an escaped '=' does not start an answer, an escaped '#' no feedback


def test_escapes_never_act_as_syntax():
    q = one("1 \\{ 2 \\} 3 \\= \\~ \\# \\:\\: {\n~a\\~b\n=c\\#d\n}")
    assert (q.type, q.text) == ("multichoice", "1 { 2 } 3 = ~ # ::")
    assert [a.text for a in q.answers] == ["a~b", "c#d"]
    assert one("::a\\:\\:b::text{T}").name == "a::b"
    assert one("a \\\\n b{}").text == "a \\n b"  # an escaped backslash, then a plain "n"
    assert one("first\\nsecond {}").text == "first\nsecond"


def test_other_backslashes_are_kept_as_written_like_moodle():
    assert one("::e::\nline two\nsee \\q here {T}").text == "line two\nsee \\q here"
    assert one("ends with a backslash \\\n{T}").text == "ends with a backslash \\"
    assert warned("see \\q here {T}") == []


# --- details of the syntax -------------------------------------------------------------------------------------


def test_single_or_multiple_answers_follow_moodles_rule():
    # Any '=' makes a single choice, and every '=' answer is worth 100% (Moodle: either answer is fully right).
    two_right = one("Pick two {=a =b ~c ~d}")
    assert two_right.type == "multichoice" and [a.fraction for a in two_right.answers] == [1, 1, 0, 0]
    equals_with_weight = one("Pick {=%50%a =%50%b ~%-100%c}")  # after '=' a weight is text
    assert equals_with_weight.type == "multichoice"
    assert answers(equals_with_weight) == [("%50%a", 1.0, None), ("%50%b", 1.0, None), ("c", -1.0, None)]
    thirds = one("Pick {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert thirds.type == "multiresponse" and thirds.answers[0].fraction == 0.3333333
    # Without '=', several may be chosen, even when one answer is worth 100%.
    several = one("Pick {~%100%a ~b ~%-50%c}")
    assert several.type == "multiresponse" and [a.fraction for a in several.answers] == [1.0, 0.0, -0.5]


def test_short_answer_forms():
    assert answers(one("1 + 2 \\= {3}")) == [("3", 1.0, None)]  # a single answer may omit '='
    assert answers(one("Say it {=yes#good =%25%yeah}")) == [("yes", 1.0, "good"), ("yeah", 0.25, None)]
    lower = one("Written in lower case {true}")
    assert (lower.type, answers(lower)) == (
        "shortanswer",
        [("true", 1.0, None)],
    )  # Moodle: T/TRUE/F/FALSE only


def test_true_false_forms_and_feedback():
    for mark, correct in (("T", True), ("TRUE", True), ("F", False), ("FALSE", False)):
        assert one(f"Statement.{{{mark}}}").correct is correct
    right_true = one("Sky is blue {TRUE#No, look up.#Yes.####Rayleigh scattering.}")
    assert (right_true.feedback_true, right_true.feedback_false) == ("Yes.", "No, look up.")
    assert right_true.general_feedback == "Rayleigh scattering."
    right_only = one("Sun is cold {F##Right, it is hot.}")
    assert (right_only.feedback_true, right_only.feedback_false) == (None, "Right, it is hot.")


def test_numerical_forms():
    assert one("x? {#-5..-1}").numerical == [NumericalAnswer(-3.0, 2.0, 1.0, None)]
    assert one("x? {#1e3:5}").numerical == [NumericalAnswer(1000.0, 5.0, 1.0, None)]
    catch_all = one("Year? {#=1822#Yes ~#Look it up.}")
    assert catch_all.numerical == [
        NumericalAnswer(1822.0, 0.0, 1.0, "Yes"),
        NumericalAnswer(None, 0.0, 0.0, "Look it up."),
    ]
    assert one("Year? {#1822####Born 1822.}").general_feedback == "Born 1822."


def test_matching_with_distractors_formats_and_feedback():
    q = one("Match {\n=[html]<b>a</b> -> 1\n=b -> 2\n= -> 3\n####Well.\n}")
    assert q.pairs == [Pair("<b>a</b>", "1", "html"), Pair("b", "2"), Pair("", "3")]
    assert q.general_feedback == "Well."
    assert one("Arrows {=x -> y -> z =p -> q =r -> s}").pairs[0] == Pair("x", "y -> z")


def test_formats_and_markers():
    assert (one("[html]<i>x</i>{}").format, one("[markdown] *x* {}").format) == ("html", "markdown")
    assert one("::n:: [plain] x {}").format == "plain"
    note = one("[Note] not a format {}")
    assert (note.format, note.text) == ("moodle", "[Note] not a format")
    q = one("[html]Q {=[html]<b>A</b>#[html]<i>good</i> ~[moodle]B}")
    assert answers(q) == [("<b>A</b>", 1.0, "<i>good</i>"), ("B", 0.0, None)]
    # A part's marker is kept when it differs from the question's format (None: the question's).
    assert [(a.format, a.feedback_format) for a in q.answers] == [(None, None), ("moodle", None)]


def test_tags_ids_and_platform_helpers():
    q = one(
        "// question: 1  name: x\n// [id:a\\]b] [tag:skill:compliance]\n// [tag:skill:aigc] [tag:x\\]y]\nQ{T}"
    )
    assert (q.id_number, q.tags) == ("a]b", ["skill:compliance", "skill:aigc", "x]y"])
    assert (q.skills, q.difficulty) == (["compliance", "aigc"], 2)
    assert one("// [tag:difficulty:3]\nQ{T}").difficulty == 3
    separated = parse("// [tag:skill:lost]\n\nQ{T}")  # a blank line separates the comment from the question
    assert separated[0].tags == []


def test_categories_apply_until_the_next_one():
    qs = parse("A{T}\n\n$CATEGORY: one\n\nB{T}\n\nC{T}\n\n$CATEGORY: two\nD{T}")
    assert [q.category for q in qs] == [None, "one", "one", "two"]


def test_comments_inside_a_question_are_skipped_and_lines_counted():
    q = one("\n\n// heading\n::n::Text\n// aside\n{\n=a\n// not an answer\n=b\n}")
    assert (q.line, q.text, [a.text for a in q.answers]) == (4, "Text", ["a", "b"])
    assert one("See http://example.com {T}").text == "See http://example.com"  # '//' mid-line is text


# --- errors: each kind, with its exact line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("::q::\nWho?\n{\n=me\n~you", 3, "unclosed answer block '{' opened here"),
        ("Who? =me}", 1, "'}' without a matching '{'"),
        ("Who? {\n=a {b}\n}", 2, "'{' inside the answer block opened on line 1"),
        ("One {T}\nTwo {F}", 2, "a second answer block in the same question"),
        ("Empty {=}", 1, "answer block without answers"),
        ("One choice {\n~a}", 1, "multiple-choice question needs at least 2 answers, found 1"),
        ("Q {\n=a -> 1\n}", 1, "matching question needs at least 2 pairs, found 1"),
        ("One choice {\n~a\n~\n}", 1, "multiple-choice question needs at least 2 answers, found 1"),
        ("Q {#5..x}", 1, "range maximum 'x' is not a number"),
        ("Q {#5:x}", 1, "tolerance 'x' is not a number"),
        ("Q {#5:}", 1, "tolerance is missing after ':'"),
        ("Q {=a -> 1 =b -> 2 =c 3}", 1, "matching pair 3 has no '->'"),
        ("Q {=a -> 1 =b -> 2 =c ->}", 1, "matching pair 3 has no answer after '->'"),
        ("Q {=a -> 1 =b -> 2 =c ->}", 1, "matching pair 3 has no answer after '->'"),
        ("Q {= -> 1 = -> 2 = -> 3}", 1, "matching question needs a pair with a question"),
        ("Q\n{#}", 2, "numerical answer block '{#' without answers"),
        ("Q {#5..1}", 1, "range minimum 5 is greater than maximum 1"),
        ("Q {#5:-1}", 1, "tolerance -1 must not be negative"),
        ("Q {#~#only feedback}", 1, "numerical question needs at least one numeric answer"),
        ("$CATEGORY:   \n\nQ{T}", 1, "empty category after '$CATEGORY:'"),
        ("// [tag:difficulty:hard]\nQ{T}", 1, "difficulty tag must be 1, 2 or 3, found 'hard'"),
        ("// [tag:difficulty:1]\n// [tag:difficulty:2]\nQ{T}", 2, "more than one difficulty tag"),
        ("// [tag:skill:]\nQ{T}", 1, "skill tag without a skill id"),
    ],
)
def test_each_problem_is_reported_at_its_line(source, line, message):
    found = problems(source)
    assert len(found) == 1, found
    assert found[0][0] == line and found[0][1].startswith(message), found


def test_all_problems_of_a_file_are_collected_with_file_and_line():
    with pytest.raises(GiftError) as caught:
        parse(read("errors.gift"), "errors.gift")
    error = caught.value
    assert [(p.line, p.message.split(" (")[0]) for p in error.problems] == [
        (3, "unclosed answer block '{' opened here"),
        (17, "numerical answer block '{#' without answers"),
        (19, "difficulty tag must be 1, 2 or 3, found 'hard'"),
    ]
    assert str(error.problems[1]) == "errors.gift:17: numerical answer block '{#' without answers"
    assert str(error).splitlines()[1] == str(error.problems[1])
    assert GiftProblem("f", 1, "m") == GiftProblem("f", 1, "m") and isinstance(error, ValueError)


def test_several_problems_in_one_question_are_all_reported():
    assert problems("Q {\n=%50%a\n=\n}\n\nR {#1..x\n=5:-1}") == [
        (6, "range maximum 'x' is not a number"),
        (7, "tolerance -1 must not be negative"),
    ]


# --- the ordering extension: [tag:type:ordering] on a short-answer block ------------------------------------

ORDERING = """// [tag:type:ordering] [tag:skill:compliance]
::steps:: 把处理退货的步骤按顺序排列 {
=确认收货日期
=检查商品是否完好#先看包装和吊牌
=办理退款
####《消费者权益保护法》第二十五条。
}
"""


def test_an_ordering_question_lists_its_items_in_the_right_order():
    q = one(ORDERING)
    assert q.type == "ordering" and q.name == "steps" and q.text == "把处理退货的步骤按顺序排列"
    assert answers(q) == [
        ("确认收货日期", 1.0, None),
        ("检查商品是否完好", 1.0, "先看包装和吊牌"),
        ("办理退款", 1.0, None),
    ]
    assert q.general_feedback == "《消费者权益保护法》第二十五条。"
    assert q.tags == ["skill:compliance"] and q.skills == ["compliance"] and q.line == 2  # the type is no tag
    # Without the tag, Moodle (and this parser) read the same block as a short answer.
    assert one(ORDERING.replace("[tag:type:ordering] ", "")).type == "shortanswer"
    # The tag may stand on any comment line of the question, and with its id.
    tagged = one("// [id:r-1]\n// [tag:type:ordering]\n::s:: 排序 {=甲 =乙 =丙}")
    assert (tagged.type, tagged.id_number) == ("ordering", "r-1")
    assert [a.text for a in tagged.answers] == ["甲", "乙", "丙"]


@pytest.mark.parametrize(
    "source, line, message",
    [
        ("// [tag:type:ordering]\n::s:: 排序 {\n=甲\n=乙\n}", 2, "an ordering question needs at least 3 items, found 2"),
        ("// [tag:type:ordering]\n::s:: 排序 {\n=甲\n~乙\n=丙\n}", 2, "an ordering question takes no '~' answers"),
        ("// [tag:type:ordering]\n::s:: 排序 {\n=甲\n=%50%乙\n=丙\n}", 2, "ordering item 2 (line 4) has a weight"),
        ("// [tag:type:ordering]\n::s:: 排序 {T}", 2, "[tag:type:ordering] on a true/false answer block"),
        ("// [tag:type:ordering]\n::s:: 排序 {#5}", 2, "[tag:type:ordering] on a numerical answer block"),
        ("// [tag:type:ordering]\n::s:: 排序 {}", 2, "[tag:type:ordering] on an essay answer block"),
        ("// [tag:type:ordering]\n::s::\n排序 {=a -> 1 =b -> 2 =c -> 3}", 2, "[tag:type:ordering] on a matching"),
        ("// [tag:type:ordering]\n::s:: 只是说明", 2, "[tag:type:ordering] (line 1) needs an answer block"),
        ("// [tag:type:ordering]\n::s:: 排序 {甲 =乙 =丙 =丁}", 2, "text '甲' before the first '='"),
        ("// [tag:type:ordering]\n::s:: 排序 {\n=甲\n=#只有反馈\n=丙\n}", 4, "ordering item 2 is empty"),
    ],
)
def test_ordering_rules_are_reported_at_the_question_line(source, line, message):
    found = problems(source)
    assert len(found) == 1, found
    assert found[0][0] == line and found[0][1].startswith(message), found
