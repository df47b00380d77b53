"""Quiz review options (as in Moodle) and the lesson lock, as a host sees them on a certificate quiz."""

import shutil
from datetime import timedelta

from sqlalchemy import select

from lms.catalogue.loader import load_catalogue
from lms.db import get_session, utcnow
from lms.learning import services as learning
from lms.quizzes import services as quizzes
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD
from tests.unit.test_course_loader import EXAMPLE, problems_of
from tests.web.test_catalogue import example  # noqa: F401 - fixture

QUIZ = "/courses/first-live-room/quizzes/final"


def _enrolled(app, web, make_user):
    user_id = make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    return user_id


def _lessons_done(app, user_id):
    with app.app_context():
        session = get_session()
        learning.enrollments_of(session, user_id)[0].lessons_completed_at = utcnow()
        session.commit()


def test_a_certificate_quiz_opens_only_after_the_lessons(app, example, web, make_user):  # noqa: F811
    user_id = _enrolled(app, web, make_user)
    page = web.get(QUIZ).get_data(as_text=True)
    assert "opens when you have completed every lesson" in page and "Start the quiz" not in page
    r = web.post(QUIZ + "/start", {}, form_page=QUIZ, follow_redirects=True)
    assert "opens when you have completed every lesson" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(QuizAttempt)) is None
    _lessons_done(app, user_id)
    assert "Start the quiz" in web.get(QUIZ).get_data(as_text=True)


def _attempt(app, user_id, right: bool, at):
    with app.app_context():
        session = get_session()
        enrollment = learning.enrollments_of(session, user_id)[0]
        quiz = quizzes.quiz_of(session, enrollment, "final")
        attempt = quizzes.start_attempt(session, user_id, quiz, at)
        answers = {}
        if right:
            for i, item in enumerate(quizzes.review_items(attempt)):
                q = item.question
                answers[i] = {"multichoice": lambda: next(k for k, a in enumerate(q.answers) if a.fraction == 1),
                              "truefalse": lambda: q.correct,
                              "multiresponse": lambda: [k for k, a in enumerate(q.answers) if a.fraction > 0],
                              "shortanswer": lambda: q.answers[0].text,
                              "matching": lambda: {str(k): p.answer for k, p in enumerate(q.pairs)}}[q.type]()  # fmt: skip
        quizzes.finish_attempt(session, attempt, at, answers)
        session.commit()
        return attempt.id


def test_a_failed_attempt_shows_the_score_but_not_the_key_until_passed(app, example, web, make_user):  # noqa: F811
    user_id = _enrolled(app, web, make_user)
    _lessons_done(app, user_id)
    failed = _attempt(app, user_id, right=False, at=utcnow() - timedelta(hours=1))
    page = web.get(f"/quiz-attempts/{failed}").get_data(as_text=True)
    assert "Score: 0%" in page and "Not passed" in page
    assert "Right answer:" not in page and "shown once you have passed this quiz" in page
    assert 'class="general-feedback"' not in page and "Your answer:" in page
    passed = _attempt(app, user_id, right=True, at=utcnow() - timedelta(minutes=30))
    page = web.get(f"/quiz-attempts/{passed}").get_data(as_text=True)
    assert "Passed" in page and "Right answer:" in page and "shown once you have passed" not in page
    # Once passed, the earlier attempt's review opens too.
    assert "Right answer:" in web.get(f"/quiz-attempts/{failed}").get_data(as_text=True)


def test_review_options_are_read_and_a_wrong_value_is_named_at_its_line(tmp_path):
    root = tmp_path / "catalogue"
    shutil.copytree(EXAMPLE, root)
    course = root / "first-live-room" / "course.yaml"
    text = course.read_text(encoding="utf-8").replace(
        "    required: true\n", "    required: true\n    review_answers: sometimes\n    open_after_lessons: maybe\n")
    course.write_text(text, encoding="utf-8")
    found = problems_of(root)
    line = text.splitlines().index("    review_answers: sometimes") + 1
    assert any(p.startswith(f"first-live-room/course.yaml:{line}: 'review_answers' must be one of immediately, "
                            "after_passing, after_last_attempt, never") for p in found), found
    assert f"first-live-room/course.yaml:{line + 1}: 'open_after_lessons' must be true or false" in found
    course.write_text(text.replace("sometimes", "after_last_attempt").replace("maybe", "false"), encoding="utf-8")
    quiz = load_catalogue(root).courses[0].quizzes[0]
    assert quiz.review == {"answers": "after_last_attempt"} and quiz.open_after_lessons is False
