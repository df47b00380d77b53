"""Taking quizzes: server-side timing, attempt limits, cool-down, resume, single grading, and no leaked keys."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Quiz
from lms.catalogue.services import sync_catalogue
from lms.db import get_session, utcnow
from lms.quizzes import services
from lms.quizzes.gift import from_dict
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD, ROOT, Browserish

FIXTURE = ROOT / "tests" / "fixtures" / "quiz-courses"


@pytest.fixture
def host(app, make_user):
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(FIXTURE))
        session.commit()
    make_user("host@example.com")
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    web.post("/courses/all-types/enrol", {}, form_page="/courses/all-types")
    return web


def start(web, key="final"):
    r = web.post(f"/courses/all-types/quizzes/{key}/start", {}, form_page=f"/courses/all-types/quizzes/{key}")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def paper_questions(app, attempt_id):
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        questions = [from_dict(q) for q in attempt.quiz.questions]
        return [(i, questions[item["question_index"]], item) for i, item in enumerate(attempt.paper)]


def right_answers(app, attempt_id) -> dict:
    """The form a host who knows every answer would send."""
    form = {}
    for pos, q, item in paper_questions(app, attempt_id):
        name = f"q{pos}"
        shown = item["option_order"] or list(range(len(q.answers)))  # forms send the displayed position
        if q.type == "multichoice":
            form[name] = str(shown.index(next(i for i, a in enumerate(q.answers) if a.fraction == 1)))
        elif q.type == "multiresponse":
            form[name + "_shown"] = "1"
            form[name] = [str(shown.index(i)) for i, a in enumerate(q.answers) if a.fraction > 0]
        elif q.type == "truefalse":
            form[name] = "true" if q.correct else "false"
        elif q.type == "shortanswer":
            form[name] = "９"  # full-width digit: normalised before comparing
        elif q.type == "numerical":
            form[name] = "15.2"
        elif q.type == "matching":
            choices = list(dict.fromkeys(p.answer for p in q.pairs))
            displayed = item["answer_order"] or list(range(len(choices)))
            for pi, pair in enumerate(q.pairs):
                form[f"{name}_{pi}"] = str(displayed.index(choices.index(pair.answer)))
        elif q.type == "ordering":  # the item shown k-th goes to its place in the bank order (1-based)
            for k, index in enumerate(shown):
                form[f"{name}_{k}"] = str(index + 1)
    return form


def ordering_at(app, attempt_id):
    """(paper position, question, display order) of the ordering question."""
    return next((pos, q, item["option_order"]) for pos, q, item in paper_questions(app, attempt_id)
                if q.type == "ordering")  # fmt: skip


def submit(web, attempt_id, form):
    return web.post(f"/quiz-attempts/{attempt_id}/save", {**form, "finish": "1"}, form_page=f"/quiz-attempts/{attempt_id}")


def test_no_answer_key_reaches_the_browser_before_submission(app, host):
    attempt_id = start(host)
    pages = [host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True),
             host.get("/courses/all-types/quizzes/final").get_data(as_text=True),
             host.get("/courses/all-types").get_data(as_text=True)]
    for html in pages:
        assert "SECRET" not in html  # no feedback, general feedback, accepted answer or matching key
        assert "fraction" not in html and "九条秘密" not in html
    attempt_page = pages[0]
    # Every question is on the paper, but the matching answers only as shuffled choices and no numerical key.
    assert attempt_page.count('class="question card"') == 8
    assert "15" not in re.sub(r"<[^>]+>", "", attempt_page).replace("200 单退 30 单", "")
    # Option values are display positions 0..n-1, so they say nothing about which option is right.
    for values in re.findall(r'name="(q\d+)" value="(\d+)"', attempt_page):
        assert int(values[1]) < 4
    # The ordering items are listed in the paper's shuffled order, never the right one, and nothing is chosen
    # yet; each select is named by display position and offers the positions 1..4, never an answer index.
    pos, q, shown = ordering_at(app, attempt_id)
    assert shown != sorted(shown)
    box = attempt_page[attempt_page.index(f'id="q{pos}"'):]
    box = box[: box.index("</fieldset>")]
    labels = re.findall(r'<label for="q\d+_\d+">([^<]+)</label>', box)
    assert labels == [q.answers[i].text for i in shown]
    assert re.findall(r'<select id="(q\d+_\d+)" name="\1" aria-label="([^"]+)"', box) == [
        (f"q{pos}_{k}", f"Position of {q.answers[i].text}") for k, i in enumerate(shown)]
    assert sorted(set(re.findall(r'<option value="(\d*)"', box))) == ["", "1", "2", "3", "4"]
    assert " selected" not in box


def test_right_answers_pass_and_review_shows_feedback(app, host):
    attempt_id = start(host)
    r = submit(host, attempt_id, right_answers(app, attempt_id))
    assert r.status_code == 302
    review = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert "Score: 100%" in review and "Passed" in review
    assert "SECRET-GENERAL-MC" in review  # after submission the explanation is shown (feedback: after_submit)
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        assert attempt.status == "finished" and attempt.score == 100 and attempt.passed


def test_wrong_answers_fail_and_cooldown_then_limit(app, host, monkeypatch):
    first = start(host)
    submit(host, first, {})
    overview = host.get("/courses/all-types/quizzes/final").get_data(as_text=True)
    assert "Not passed yet" in overview and "You can try again in 5 minute(s)." in overview
    r = host.post("/courses/all-types/quizzes/final/start", {}, form_page="/courses/all-types/quizzes/final",
                  follow_redirects=True)
    assert "after the waiting time" in r.get_data(as_text=True)
    with app.app_context():  # the cool-down passes
        get_session().get(QuizAttempt, first).submitted_at = utcnow() - timedelta(minutes=6)
        get_session().commit()
    second = start(host)
    assert second != first
    submit(host, second, right_answers(app, second))
    overview = host.get("/courses/all-types/quizzes/final").get_data(as_text=True)
    assert "Your result: 100%" in overview and "You have used all your attempts" in overview


def test_attempt_resumes_with_saved_answers(app, host):
    attempt_id = start(host)
    form = right_answers(app, attempt_id)
    host.post(f"/quiz-attempts/{attempt_id}/save", {**form, "save": "1"}, form_page=f"/quiz-attempts/{attempt_id}")
    # The connection drops; later the host starts again: the same attempt, the same paper, the answers kept.
    assert start(host) == attempt_id
    page = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert page.count(" checked") >= 3 and 'value="９"' in page
    pos, _q, shown = ordering_at(app, attempt_id)  # the saved order shows again, item by item
    for k, index in enumerate(shown):
        select = re.search(rf'<select id="q{pos}_{k}".*?</select>', page, re.S).group(0)
        assert re.findall(r'<option value="(\d+)" selected>', select) == [str(index + 1)]


def test_late_answers_do_not_count(app, host):
    attempt_id = start(host)
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(seconds=30)  # the time limit has passed
        get_session().commit()
    r = submit(host, attempt_id, right_answers(app, attempt_id))
    assert r.status_code == 302
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        assert attempt.status == "finished" and attempt.score == 0
        assert all(resp.response is None for resp in attempt.responses)
        assert attempt.submitted_at <= attempt.deadline_at + services.DEADLINE_GRACE


def test_answers_saved_in_time_count_after_the_deadline(app, host):
    attempt_id = start(host)
    form = right_answers(app, attempt_id)
    host.post(f"/quiz-attempts/{attempt_id}/save", {**form, "save": "1"}, form_page=f"/quiz-attempts/{attempt_id}")
    with app.app_context():
        get_session().get(QuizAttempt, attempt_id).deadline_at = utcnow() - timedelta(minutes=1)
        get_session().commit()
    # Coming back after the limit: the attempt is closed with what was saved in time.
    page = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert "Time is up" in page and "Score: 100%" in page


def test_double_submission_is_graded_once(app, host):
    attempt_id = start(host)
    with app.app_context():
        session = get_session()
        attempt = session.get(QuizAttempt, attempt_id)
        services.finish_attempt(session, attempt, utcnow(), {0: None})
        first_submitted = attempt.submitted_at
        session.commit()
        again = services.finish_attempt(session, attempt, utcnow() + timedelta(seconds=3), {})
        session.commit()
        assert again.submitted_at == first_submitted and again.number == 1
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_two_tabs_cannot_open_two_attempts(app, host):
    with app.app_context():
        session = get_session()
        quiz = session.scalar(select(Quiz).where(Quiz.key == "final"))
        from lms.accounts.models import User

        user_id = session.scalar(select(User.id))
        a = services.start_attempt(session, user_id, quiz, utcnow())
        b = services.start_attempt(session, user_id, quiz, utcnow())
        session.commit()
        assert a.id == b.id
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_immediate_feedback_checks_one_answer_and_locks_it(app, host):
    attempt_id = start(host, "instant")
    positions = {q.name: pos for pos, q, _item in paper_questions(app, attempt_id)}
    tf = positions["i1"]
    r = host.post(f"/quiz-attempts/{attempt_id}/save", {f"q{tf}": "true", "check": str(tf)},
                  form_page=f"/quiz-attempts/{attempt_id}")
    assert r.headers["Location"].endswith(f"#q{tf}")
    page = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert "即时解释一" in page and "即时解释二" not in page  # only the checked question is explained
    # The checked answer is locked: changing it later has no effect.
    host.post(f"/quiz-attempts/{attempt_id}/save", {f"q{tf}": "false", "finish": "1"},
              form_page=f"/quiz-attempts/{attempt_id}")
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        assert attempt.score == 50.0 and attempt.passed


def test_feedback_never_shows_only_the_score(app, host):
    attempt_id = start(host, "essay")
    submit(host, attempt_id, {"q0": "今天直播间下单比平时便宜二十元。"})
    page = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert "waiting for a trainer" in page
    assert "does not show answers or feedback" in page


def test_another_hosts_attempt_is_not_visible(app, host, make_user):
    attempt_id = start(host)
    make_user("other@example.com")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert other.get(f"/quiz-attempts/{attempt_id}").status_code == 404
    r = other.post(f"/quiz-attempts/{attempt_id}/save", {"finish": "1"}, form_page="/")
    assert r.status_code == 404


@pytest.fixture
def two_mcns(app, host, make_user):
    """The host belongs to MCN A with a trainer; MCN B has its own trainer."""
    from lms.accounts.models import User
    from lms.orgs import services as orgs
    from lms.orgs.models import Role

    make_user("trainer-a@example.com")
    make_user("trainer-b@example.com")
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.scalars(select(User))}
        a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        orgs.add_member(session, org=a, user=users["host@example.com"], role=Role.LEARNER)
        orgs.add_member(session, org=a, user=users["trainer-a@example.com"], role=Role.TRAINER)
        orgs.add_member(session, org=b, user=users["trainer-b@example.com"], role=Role.TRAINER)
        session.commit()
    trainer_a, trainer_b = Browserish(app.test_client()), Browserish(app.test_client())
    trainer_a.login("trainer-a@example.com", PASSWORD)
    trainer_b.login("trainer-b@example.com", PASSWORD)
    return trainer_a, trainer_b


def test_essay_goes_to_the_trainers_queue_and_the_grade_finishes_the_attempt(app, host, two_mcns):
    trainer_a, trainer_b = two_mcns
    attempt_id = start(host, "essay")
    submit(host, attempt_id, {"q0": "今天直播间下单比平时便宜二十元。"})
    queue_a = trainer_a.get("/orgs/mcn-a/grading").get_data(as_text=True)
    assert "今天直播间下单比平时便宜二十元。" in queue_a
    # Another organisation's trainer sees nothing of it and cannot grade it.
    assert trainer_b.get("/orgs/mcn-a/grading").status_code == 404
    assert "便宜二十元" not in trainer_b.get("/orgs/mcn-b/grading").get_data(as_text=True)
    with app.app_context():
        from lms.quizzes.models import QuizResponse

        response_id = get_session().scalar(select(QuizResponse.id))
    assert trainer_b.post(f"/orgs/mcn-b/grading/{response_id}", {"score": "100"}, form_page="/orgs/mcn-b/grading").status_code == 404
    r = trainer_a.post(f"/orgs/mcn-a/grading/{response_id}", {"score": "80", "comment": "改写得好，有依据。"},
                       form_page="/orgs/mcn-a/grading")
    assert r.status_code == 302
    review = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert "Score: 80%" in review and "Passed" in review
    assert "Nothing to grade right now." in trainer_a.get("/orgs/mcn-a/grading").get_data(as_text=True)


def test_question_statistics_for_the_trainer(app, host, two_mcns):
    trainer_a, trainer_b = two_mcns
    attempt_id = start(host)
    submit(host, attempt_id, right_answers(app, attempt_id))
    index = trainer_a.get("/orgs/mcn-a/quiz-statistics").get_data(as_text=True)
    assert "Every question type" in index and "1 attempt" in index
    assert "No finished attempts yet." in trainer_b.get("/orgs/mcn-b/quiz-statistics").get_data(as_text=True)
    with app.app_context():
        quiz_id = get_session().scalar(select(Quiz.id).where(Quiz.key == "final"))
    page = trainer_a.get(f"/orgs/mcn-a/quiz-statistics/{quiz_id}").get_data(as_text=True)
    assert "few attempts" in page and "Facility" in page and "1.00" in page
    assert "广告法" in page  # how often each option was chosen
    assert "确认收货日期 → 检查商品是否完好 → 办理退款 → 回访顾客" in page  # an ordering: the host's order
    # MCN B has no attempts on it: nothing to show, and nothing of MCN A's.
    assert trainer_b.get(f"/orgs/mcn-b/quiz-statistics/{quiz_id}").status_code == 404


def test_a_host_orders_items_right_and_wrong(app, host):
    attempt_id = start(host)
    from lms.quizzes.models import QuizResponse

    pos, q, shown = ordering_at(app, attempt_id)
    # The right order reversed: none of the four items is in its place.
    reversed_order = {f"q{pos}_{k}": str(len(shown) - index) for k, index in enumerate(shown)}
    host.post(f"/quiz-attempts/{attempt_id}/save", {**reversed_order, "save": "1"}, form_page=f"/quiz-attempts/{attempt_id}")
    with app.app_context():
        saved = get_session().scalar(select(QuizResponse).where(QuizResponse.position == pos)).response
        assert saved == [3, 2, 1, 0]  # answer indices in the host's order
    submit(host, attempt_id, reversed_order)
    review = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    section = review[review.index(f"Question {pos + 1}"):]
    section = section[: section.index("</section>")]
    assert "Not correct" in section
    assert "1. 回访顾客 → 2. 办理退款 → 3. 检查商品是否完好 → 4. 确认收货日期" in section  # the host's order
    assert "1. 确认收货日期 → 2. 检查商品是否完好 → 3. 办理退款 → 4. 回访顾客" in section  # the right order
    assert "SECRET-GENERAL-ORD" in section and "确认收货日期: SECRET-ORD-FIRST" in section
    with app.app_context():
        response = get_session().scalar(select(QuizResponse).where(QuizResponse.position == pos))
        assert response.score == 0.0

    with app.app_context():  # a second attempt, without waiting: the ordering is now put right
        get_session().get(QuizAttempt, attempt_id).submitted_at = utcnow() - timedelta(minutes=6)
        get_session().commit()
    second = start(host)
    pos, q, shown = ordering_at(app, second)
    right = {f"q{pos}_{k}": str(index + 1) for k, index in enumerate(shown)}
    submit(host, second, right)
    review = host.get(f"/quiz-attempts/{second}").get_data(as_text=True)
    section = review[review.index(f"Question {pos + 1}"):]
    assert "Correct" in section[: section.index("</section>")]
    with app.app_context():
        attempt = get_session().get(QuizAttempt, second)
        assert next(r.score for r in attempt.responses if r.position == pos) == 1.0
        assert attempt.score == 12.5  # the ordering question alone, 1 of 8


def test_an_incomplete_or_repeated_ordering_is_refused_on_its_question(app, host):
    attempt_id = start(host)
    from lms.quizzes.models import QuizResponse

    pos, q, shown = ordering_at(app, attempt_id)
    tf = next(p for p, question, _item in paper_questions(app, attempt_id) if question.type == "truefalse")
    url = f"/quiz-attempts/{attempt_id}"
    gap = {f"q{pos}_0": "1", f"q{pos}_1": "2", f"q{pos}_2": "3", f"q{tf}": "true"}  # the fourth has no place
    r = host.post(f"{url}/save", {**gap, "save": "1"}, form_page=url)
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Some answers could not be saved" in page
    box = page[page.index(f'id="q{pos}"'):]
    box = box[: box.index("</fieldset>")]
    assert "has-error" in page[page.index(f'id="q{pos}"') - 40:page.index(f'id="q{pos}"')]
    assert "Give every item a position from 1 to 4." in box
    assert len(re.findall(r" selected>", box)) == 3  # what the host chose is shown again
    twice = {f"q{pos}_{k}": "2" if k < 2 else str(k + 1) for k in range(4)}
    r = submit(host, attempt_id, twice)  # submitting the whole attempt is refused as well
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Not submitted yet" in page
    assert "Each position can be given only once; position 2 is given more than once." in page
    with app.app_context():  # the other answer is kept; nothing is stored for the ordering; nothing submitted
        attempt = get_session().get(QuizAttempt, attempt_id)
        assert attempt.status == "in_progress"
        assert get_session().scalar(select(QuizResponse).where(QuizResponse.position == pos)) is None
        assert get_session().scalar(select(QuizResponse).where(QuizResponse.position == tf)).response is True
    # Nothing chosen at all is simply not answered yet.
    r = host.post(f"{url}/save", {"save": "1"}, form_page=url)
    assert r.status_code == 302


def start_rich_quiz(app, make_user, key: str) -> tuple[Browserish, str]:
    """A host enrolled on the rich-quiz fixture course, with an attempt at quiz ``key`` started: (host, its URL)."""
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "tests" / "fixtures" / "rich-quiz"))
        session.commit()
    make_user("reader@example.com")
    web = Browserish(app.test_client())
    web.login("reader@example.com", PASSWORD)
    web.post("/courses/rich-text/enrol", {}, form_page="/courses/rich-text")
    r = web.post(f"/courses/rich-text/quizzes/{key}/start", {}, form_page=f"/courses/rich-text/quizzes/{key}")
    return web, r.headers["Location"]


def test_question_texts_are_shown_by_their_gift_format(app, make_user):
    web, attempt_url = start_rich_quiz(app, make_user, "formats")
    page = web.get(attempt_url).get_data(as_text=True)
    # [markdown]: markup and the course's own image; options inline in their labels.
    assert "标签上的 <strong>净含量</strong>" in page
    assert '<img alt="商品标签" src="/courses/rich-text/v1/assets/label.svg">' in page
    assert re.search(r'<label for="q\d-\d"><strong>右下角</strong></label>', page)  # no <p> inside a label
    # [html]: cleaned like a lesson.
    assert "哪句是<b>绝对化用语</b>" in page and "<i>全网最低</i>" in page
    assert "alert(" not in page and "onerror" not in page
    # [plain]: what was written, markup as text, line breaks kept; GIFT's default (Moodle's auto-format): HTML kept.
    assert "价格&lt;b&gt;不是&lt;/b&gt;标签" in page and '&lt;100元"，<br>换行后' in page
    assert "GIFT 默认格式：<b>粗体</b>照样显示，<br>换行保留，价格&lt;100元也照写。" in page
    # Feedback stays out of the page until the attempt is submitted, then shows in its format too.
    assert "净含量**在右下角" not in page and "计量监督管理办法" not in page
    web.post(attempt_url + "/save", {"finish": "1"})
    review = web.get(attempt_url).get_data(as_text=True)
    assert "<em>《定量包装商品计量监督管理办法》</em>" in review
    assert web.get("/courses/rich-text/v1/assets/label.svg").status_code == 200  # the image the page points to


def test_an_ordering_question_checked_at_once_explains_its_items(app, make_user):
    web, attempt_url = start_rich_quiz(app, make_user, "steps")
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    page = web.get(attempt_url).get_data(as_text=True)
    assert "先确认是否在七日内" not in page  # nothing before the check
    (_pos, _q, item), = paper_questions(app, attempt_id)
    answer = {f"q0_{k}": str(index + 1) for k, index in enumerate(item["option_order"])}
    web.post(f"{attempt_url}/save", {**answer, "check": "0"}, form_page=attempt_url)
    page = web.get(attempt_url).get_data(as_text=True)
    assert "确认收货日期: 先确认是否在七日内。" in page and "办理退款: 退款在检查之后。" in page
    assert "《消费者权益保护法》第二十五条。" in page


def test_the_attempt_page_saves_itself_and_nothing_more(app, host):
    attempt_id = start(host)
    url = f"/quiz-attempts/{attempt_id}"
    page = host.get(url).get_data(as_text=True)
    assert 'id="autosave-status"' in page and "js/autosave." in page
    form = right_answers(app, attempt_id)
    pos, _q, _shown = ordering_at(app, attempt_id)
    form[f"q{pos}_0"] = form[f"q{pos}_1"]  # one position given twice: that answer cannot be stored yet
    r = host.post(f"{url}/save", {**form, "autosave": "1"}, form_page=url)
    assert r.status_code == 200 and r.get_json() == {"saved": 7, "problems": [pos]}
    with app.app_context():
        attempt = get_session().get(QuizAttempt, attempt_id)
        assert attempt.status == "in_progress"  # saved, not submitted, nothing checked
        assert sum(1 for resp in attempt.responses if resp.response is not None) == 7
        assert all(resp.score is None for resp in attempt.responses)
    assert "Your answers are saved" not in host.get(url).get_data(as_text=True)  # quietly: no message queued
    # An autosave that arrives after the time limit stores nothing; the page is told to reload.
    with app.app_context():
        get_session().get(QuizAttempt, attempt_id).deadline_at = utcnow() - timedelta(seconds=30)
        get_session().commit()
    form = right_answers(app, attempt_id)
    r = host.post(f"{url}/save", {**form, "autosave": "1"}, form_page="/")
    assert r.status_code == 409 and r.get_json() == {"closed": True}
    page = host.get(url).get_data(as_text=True)
    assert "Time is up" in page
    with app.app_context():
        assert get_session().get(QuizAttempt, attempt_id).score < 100  # the late answers did not count


def test_a_weak_question_is_opened_in_the_editor_from_its_statistics(app, host, two_mcns):
    trainer_a, _trainer_b = two_mcns
    attempt_id = start(host)
    submit(host, attempt_id, right_answers(app, attempt_id))
    with app.app_context():
        session = get_session()
        quiz_id = session.scalar(select(Quiz.id).where(Quiz.key == "final"))
    stats_url = f"/orgs/mcn-a/quiz-statistics/{quiz_id}"
    assert "Fix this question" not in trainer_a.get(stats_url).get_data(as_text=True)  # a shared course: not theirs
    with app.app_context():
        from lms.catalogue.models import Course
        from lms.orgs.models import Organisation

        session = get_session()
        course = session.scalar(select(Course).where(Course.slug == "all-types"))
        course.org_id = session.scalar(select(Organisation.id).where(Organisation.slug == "mcn-a"))
        session.commit()
        quiz = session.get(Quiz, quiz_id)
        index, text = 2, from_dict(quiz.questions[2]).text
    page = trainer_a.get(stats_url).get_data(as_text=True)
    assert page.count("Fix this question in the course editor") == 8
    fix = {"quiz_id": str(quiz_id), "question": str(index)}
    r = trainer_a.post("/orgs/mcn-a/authoring/courses/all-types/edit", fix, form_page=stats_url)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/quizzes/final?edit={index}#new-question")
    editor = trainer_a.get(r.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert f"Edit question {index + 1}" in editor and text in editor, re.findall(r"<h[12][^>]*>(.*?)</h[12]>", editor)
    # Once the draft's questions have moved, the trainer lands on the quiz's list instead of the wrong question.
    trainer_a.post("/orgs/mcn-a/authoring/all-types/quizzes/final",
                   {"action": "delete-question", "index": "0"}, form_page="/orgs/mcn-a/authoring/all-types/quizzes/final")
    r = trainer_a.post("/orgs/mcn-a/authoring/courses/all-types/edit", fix, form_page=stats_url, follow_redirects=True)
    assert "have changed since the version your hosts answered" in r.get_data(as_text=True)
    assert "Edit question" not in r.get_data(as_text=True)


def test_odd_numbers_in_an_attempt_form_are_refused_not_errors(app, host):
    """Issue 14 §4: "²" passes str.isdigit() but not int(); 5,000 digits pass neither int() nor the database."""
    attempt_id = start(host)
    url = f"/quiz-attempts/{attempt_id}"
    fields = [key for key in right_answers(app, attempt_id)]
    for odd in ("²", "9" * 5000, "-1", "99999999999999999999", "1e999"):
        form = {key: odd for key in fields}
        r = host.post(f"{url}/save", {**form, "autosave": "1"}, form_page=url)
        assert r.status_code == 200 and set(r.get_json()) == {"saved", "problems"}, odd
        r = host.post(f"{url}/save", {**form, "check": odd}, form_page=url)
        assert r.status_code in (302, 400), (odd, r.status_code)
