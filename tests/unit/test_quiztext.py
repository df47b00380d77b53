"""What in a question would not reach hosts as written: images from outside the course, words read as HTML."""

import pytest

from lms.catalogue.quiztext import lost_text, markup_problems
from lms.quizzes.gift import parse


@pytest.mark.parametrize("text, near", [
    ("价格<100元，满 3 件 < 5 折", None),  # "<" before a digit or a space is text
    ("<p>哪句是<b>绝对化用语</b>？</p>", None),
    ('<font color="red">红字</font>', None),  # a dropped tag keeps its words
    ("a &lt;b&gt; c", None),
    ("价格<B档 和 C档", "<B档 和 C档"),  # read as a tag: the words vanish
    ("选<A或<B", "<A或<B"),
    ("看<script>alert(1)</script>", "<script>aler"),  # a script's words are never shown
])  # fmt: skip
def test_lost_text_finds_where_words_would_vanish(text, near):
    assert lost_text(text, "moodle") == near
    assert lost_text(text, "html") == near


def test_markup_problems_by_format():
    (moodle, plain, markdown, html) = parse(
        "::a:: 价格<B档 {T}\n\n::b::[plain]价格<B档 {T}\n\n::c::[markdown]![图](https://example.com/a.png) 价格<B档 {T}\n\n"
        '::d::[html]<img src="../assets/a.png"> {=<i>对</i> ~错#<span>看<B站</span>}\n'
    )  # fmt: skip
    lost = "part of the text reads as HTML and would not be shown (at '%s'): write '&lt;' for a '<' meant as text, " \
           "or mark the question [plain]"
    assert [str(p) for p in markup_problems(moodle, {})] == [lost % "<B档"]
    assert markup_problems(plain, {}) == []  # shown exactly as written
    assert [str(p) for p in markup_problems(markdown, {})] == ["images must come from the course's assets/, not the web"]
    assert [str(p) for p in markup_problems(html, {"a.png": b""})] == [lost % "<B站</span>"]  # in a feedback too
