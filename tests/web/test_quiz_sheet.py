"""The light attempt page and autosave (lms.quizzes.sheet, lms.quizzes.filling): question HTML kept for everyone
holds no key and no answer, the answers filled in are exactly what the template renders with them, and one host's
saved answers never show in another attempt or to another host."""

from dataclasses import replace
from datetime import timedelta

from flask import get_template_attribute

from lms.db import get_session, utcnow
from lms.quizzes import sheet as sheets
from lms.quizzes import views
from lms.quizzes.filling import Fill, Marks, answer_fill
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD, Browserish
from tests.web.test_quizzes import host, ordering_at, paper_questions, right_answers, start, submit  # noqa: F401

ANSWERED = (" checked", " selected", 'value="９"', "15.2")


def _answers(app, attempt_id):
    form = right_answers(app, attempt_id)
    for pos, q, _item in paper_questions(app, attempt_id):
        if q.type == "essay":
            form[f"q{pos}"] = 'Tags <b>stay</b> "text" & so on'
    return form


def _autosave(web, attempt_id, form):
    url = f"/quiz-attempts/{attempt_id}"
    return web.post(f"{url}/save", {**form, "autosave": "1"}, form_page=url)


def test_question_html_kept_for_everyone_holds_no_key_and_no_answer(app, host):
    attempt_id = start(host)
    assert _autosave(host, attempt_id, _answers(app, attempt_id)).status_code == 200
    page = host.get(f"/quiz-attempts/{attempt_id}").get_data(as_text=True)
    assert page.count(" checked") >= 3 and 'value="９"' in page  # the answers are on the page...
    kept = [*views.BLANK_QUESTIONS.values(), *views.BLANK_PAPERS.values()]
    kept += [str(part) for shown in sheets.SHOWN.values() for q in shown
             for part in (q.text, *q.answers, *q.answers_plain, *q.pairs, *q.choices)]  # fmt: skip
    assert len(kept) > 20
    for html in kept:  # ...but not in what is kept for everyone (a marker is on for no one: an empty Fill)
        html = Fill().into(html)
        assert "SECRET" not in html and "九条秘密" not in html and "fraction" not in html
        assert not any(answered in html for answered in ANSWERED), html
        assert "stay" not in html and "&amp; so on" not in html


def test_filled_questions_are_what_the_template_renders_with_the_answers(app, host):
    attempt_id = start(host)
    form = _answers(app, attempt_id)
    pos, _q, _shown = ordering_at(app, attempt_id)
    drafts = {pos: [form[f"q{pos}_{k}"] for k in range(4)]}
    assert _autosave(host, attempt_id, form).status_code == 200
    with app.app_context():
        user_id = get_session().get(QuizAttempt, attempt_id).user_id
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        sheet = sheets.load_sheet(get_session(), attempt_id, user_id)
        macro = get_template_attribute("quizzes/_question.html", "question_form")
        answered = 0
        for item in sheet.items("/assets/"):
            saved = item.response.response if item.response else None
            for draft in (None, drafts.get(item.position)):
                fill = answer_fill(item.question, item.paper_item, item.position, saved, draft)
                blank = str(macro(replace(item, response=None), False, Marks, None, "/assets/"))
                filled = fill.into(blank)
                assert filled == macro(item, False, fill, None, "/assets/"), item.question.type
                assert "\x00" not in filled and "\x02" not in filled
                essay = "&lt;b&gt;stay&lt;/b&gt; &#34;text&#34; &amp;" in filled  # typed text, escaped
                answered += any(a in filled for a in ANSWERED) or essay
        assert answered >= 2 * 7


def test_a_second_attempt_and_another_host_never_see_saved_answers(app, host, make_user):
    first = start(host)
    assert _autosave(host, first, _answers(app, first)).status_code == 200
    assert any(a in host.get(f"/quiz-attempts/{first}").get_data(as_text=True) for a in ANSWERED)
    make_user("other@example.com")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    other.post("/courses/all-types/enrol", {}, form_page="/courses/all-types")
    theirs = start(other)
    page = other.get(f"/quiz-attempts/{theirs}").get_data(as_text=True)
    assert 'class="question card"' in page and not any(a in page for a in ANSWERED) and "stay" not in page
    # Neither can read, save into or reach the other's attempt: the same 404 as an attempt that does not exist.
    for web, attempt_id in ((other, first), (host, theirs), (host, 999999)):
        assert web.get(f"/quiz-attempts/{attempt_id}").status_code == 404
        assert _autosave(web, attempt_id, {"q0": "1"}).status_code == 404
    submit(host, first, {})
    with app.app_context():  # the cool-down passes
        get_session().get(QuizAttempt, first).submitted_at = utcnow() - timedelta(minutes=6)
        get_session().commit()
    second = start(host)
    assert second != first
    page = host.get(f"/quiz-attempts/{second}").get_data(as_text=True)
    assert 'class="question card"' in page and not any(a in page for a in ANSWERED) and "stay" not in page


def test_autosave_changes_nothing_once_submitted_and_keeps_a_checked_answer(app, host):
    attempt_id = start(host, "instant")
    positions = {q.name: pos for pos, q, _item in paper_questions(app, attempt_id)}
    tf = positions["i1"]
    url = f"/quiz-attempts/{attempt_id}"
    host.post(f"{url}/save", {f"q{tf}": "true", "check": str(tf)}, form_page=url)
    r = _autosave(host, attempt_id, {f"q{tf}": "false"})
    assert r.status_code == 200 and r.get_json()["saved"] == 0  # checked: locked
    with app.app_context():
        kept = {r.position: (r.response, r.score) for r in get_session().get(QuizAttempt, attempt_id).responses}
        assert kept[tf] == (True, 1.0)
    submit(host, attempt_id, {})
    with app.app_context():
        before = {r.position: r.response for r in get_session().get(QuizAttempt, attempt_id).responses}
    r = _autosave(host, attempt_id, {f"q{p}": "true" for p in positions.values()})
    assert r.status_code == 409 and r.get_json() == {"closed": True}
    with app.app_context():
        assert {r.position: r.response for r in get_session().get(QuizAttempt, attempt_id).responses} == before
