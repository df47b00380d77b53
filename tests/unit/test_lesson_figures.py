"""The lesson page reads the host's per-lesson figures from one text column of its statement
(lms.learning.services.lesson_figures): what each lesson shows comes out of that text unchanged."""

from lms.catalogue.outlines import LessonLine
from lms.learning.services import lesson_states

LINES = tuple(LessonLine(id=n, slug=f"l{n}", position=n, title_zh="课", title_en="Lesson", estimated_minutes=10)
              for n in (7, 8, 9))  # fmt: skip


def shown(states):
    return [(s.lesson.id, s.seconds, s.completed, s.reached_end) for s in states]


def test_no_figures_is_nothing_studied_or_opened():
    for figures in (None, ""):
        states, opened = lesson_states(figures, LINES)
        assert shown(states) == [(7, 0, False, False), (8, 0, False, False), (9, 0, False, False)]
        assert opened == set()


def test_seconds_and_openings_are_read_per_lesson_in_any_order():
    figures = "8:0:1:0:1,7:125:0:0:0,7:0:1:1:1,9:3600:0:0:0"
    states, opened = lesson_states(figures, LINES)
    assert shown(states) == [(7, 125, True, True), (8, 0, False, True), (9, 3600, False, False)]
    assert opened == {7, 8}


def test_figures_of_lessons_not_in_the_outline_are_ignored():
    states, opened = lesson_states("42:60:0:0:0", LINES)
    assert [s.seconds for s in states] == [0, 0, 0] and opened == set()
