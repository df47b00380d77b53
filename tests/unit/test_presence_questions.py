"""Presence questions from the lesson (pure): a question the course declares, or "which heading is in this lesson",
with the answer kept on the server as the position of the right choice; and how a lesson declares them."""

import random
import shutil

from lms.catalogue.loader import load_catalogue
from lms.evidence import presence
from tests.unit.test_course_loader import EXAMPLE, SHIPPED_SKILLS, problems_of

DECLARED = {"question": "七日无理由退货从哪天起算？", "answer": "收到商品之日", "wrong": ["下单之日", "发货之日", "付款之日"]}
MATERIAL = presence.LessonMaterial(
    questions=[DECLARED],
    headings=["先看一个直播间场景", "规则的四个要点"],
    other_headings=["明码标价", "先看一个直播间场景", "三倍赔偿怎么算", "投诉怎么处理", "一个标题长得远远超过了一个手机按钮能放下的三十个汉字的长度限制呀"],
)


def lesson_prompts(material, count=60, seed=3):
    rng = random.Random(seed)
    previous, prompts = None, []
    for _ in range(count):
        prompt = presence.make_prompt(previous, rng, material)
        prompts.append(prompt)
        previous = prompt.public()
    return prompts


def test_a_lesson_with_material_asks_its_questions_and_headings_as_well_as_numbers():
    kinds = {p.kind for p in lesson_prompts(MATERIAL)}
    assert kinds == {presence.TAP, presence.QUESTION, presence.LESSON, presence.HEADING}


def test_a_declared_question_shows_its_answer_among_the_wrong_ones_and_keeps_only_a_position():
    for prompt in (p for p in lesson_prompts(MATERIAL) if p.kind == presence.LESSON):
        assert prompt.params == {"q": DECLARED["question"]}
        assert sorted(prompt.choices) == sorted([DECLARED["answer"], *DECLARED["wrong"]])
        assert prompt.choices[int(prompt.answer)] == "收到商品之日"
        assert "收到商品之日" not in str(prompt.public().get("params")) and "answer" not in prompt.public()


def test_a_heading_question_offers_one_heading_of_the_lesson_and_three_of_other_lessons():
    headings = [p for p in lesson_prompts(MATERIAL) if p.kind == presence.HEADING]
    assert headings
    for prompt in headings:
        right = prompt.choices[int(prompt.answer)]
        assert right in MATERIAL.headings and len(prompt.choices) == 4 and len(set(prompt.choices)) == 4
        wrong = [c for c in prompt.choices if c != right]
        assert all(c not in MATERIAL.headings for c in wrong)  # a heading both lessons share is never "wrong"
        assert all(len(c) <= presence.MAX_CHOICE_CHARS for c in prompt.choices)


def test_prompts_still_change_each_time_with_a_single_declared_question():
    prompts = lesson_prompts(presence.LessonMaterial(questions=[DECLARED]), count=200, seed=11)
    assert all(a.public() != b.public() for a, b in zip(prompts, prompts[1:]))


def test_without_enough_other_headings_only_numbers_and_declared_questions_are_asked():
    few = presence.LessonMaterial(headings=["账号与实名"], other_headings=["绝对化用语"])
    assert {p.kind for p in lesson_prompts(few)} == {presence.TAP, presence.QUESTION}


def test_the_answer_to_a_choice_is_the_tapped_text_checked_against_the_kept_position():
    prompt = next(p for p in lesson_prompts(MATERIAL) if p.kind == presence.LESSON)
    right = prompt.choices[int(prompt.answer)]
    check = lambda given: presence.is_right_answer(prompt.kind, prompt.choices, prompt.answer, given)  # noqa: E731
    assert check(right) and check(f"  {right} ")
    assert not check(prompt.answer)  # the position itself is not an answer
    assert not any(check(c) for c in prompt.choices if c != right)
    assert not check(None) and not check(0) and not check(["收到商品之日"]) and not check("收到商品之日" * 40)
    assert presence.is_right_answer(presence.QUESTION, [], "7", "７")  # numbers are checked as before


def test_a_lesson_declares_presence_questions_in_its_front_matter():
    course = load_catalogue(EXAMPLE, SHIPPED_SKILLS).courses[0]
    first = course.lessons[0].presence_questions
    assert first == [{"question": "开播前，直播账号要先完成什么？", "answer": "实名认证",
                      "wrong": ["粉丝满一万", "购买推广", "开通会员"]}]  # fmt: skip


def test_bad_presence_questions_are_reported_at_their_line(tmp_path):
    root = tmp_path / "cat"
    shutil.copytree(EXAMPLE, root)
    lesson = root / "first-live-room" / "lessons" / "02-words-to-avoid.md"
    text = lesson.read_text(encoding="utf-8")
    head, body = text.split("presence_questions:\n", 1)
    body = body.split("---\n", 1)[1]
    lesson.write_text(head + "presence_questions:\n"
                      "  - question: 问题？\n    answer: 对\n    wrong: []\n"
                      "  - question: 问题？\n    answer: 对\n    wrong: [对]\n"
                      "  - question: 问题？\n    answer: " + "长" * 31 + "\n    wrong: [错]\n"
                      "---\n" + body, encoding="utf-8")  # fmt: skip
    found = problems_of(root, SHIPPED_SKILLS)
    assert any(p.endswith("02-words-to-avoid.md:6: a presence question needs 'question', 'answer' and 1 to 3 "
                          "'wrong' answers, all text") for p in found), found  # fmt: skip
    assert any(p.endswith("02-words-to-avoid.md:9: the answers of a presence question must all differ") for p in found)
    assert any(p.endswith("02-words-to-avoid.md:12: a presence question has at most 80 characters and each answer "
                          "at most 30") for p in found)  # fmt: skip
