"""Certificates: earned automatically and exactly once, frozen, checked by anyone without leaking PII."""

import json
import threading
from datetime import timedelta

import jsonschema
import pytest
from sqlalchemy import func, select

from lms import certnumbers
from lms.accounts.models import User
from lms.accounts.realname import save_real_name
from lms.certificates.models import Certificate
from lms.certificates.openapi import OPENAPI
from lms.certificates.services import try_issue
from lms.db import get_session, utcnow
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.quizzes import services as quizzes
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

VALID_ID = "11010519491231002X"
RULES = learning.StudyRules()


def study_and_pass(app, user_id: int, *, real_name: bool = True) -> None:
    """Do everything the completion rule asks, through the services, with the clock under control."""
    with app.app_context():
        session = get_session()
        user = session.get(User, user_id)
        if real_name:
            save_real_name(session, app.extensions["lms.pii"], user, legal_name="林小美", id_number=VALID_ID, consent=True)
        from lms.catalogue.models import Course

        enrollment = learning.enroll(session, user_id, session.scalar(select(Course)))
        start = utcnow() - timedelta(hours=1)
        lessons = learning.course_progress(session, enrollment).lessons
        for i in range(25):  # 12 minutes of reading, split over the two lessons
            lesson = lessons[0 if i < 13 else 1].lesson
            learning.heartbeat(session, user_id, lesson.id, RULES, now=start + timedelta(seconds=30 * i))
        for state in lessons:
            learning.finish_lesson(session, enrollment, state.lesson, RULES)
        quiz = quizzes.quiz_of(session, enrollment, "final")
        attempt = quizzes.start_attempt(session, user_id, quiz)
        for response_position, item in enumerate(quizzes.review_items(attempt)):
            q = item.question
            value = {
                "multichoice": lambda: next(i for i, a in enumerate(q.answers) if a.fraction == 1),
                "truefalse": lambda: q.correct,
                "multiresponse": lambda: [i for i, a in enumerate(q.answers) if a.fraction > 0],
                "shortanswer": lambda: "9",
                "matching": lambda: {str(i): p.answer for i, p in enumerate(q.pairs)},
            }[q.type]()
            quizzes.save_answers(session, attempt, {response_position: value})
        quizzes.finish_attempt(session, attempt)
        session.commit()


@pytest.fixture
def graduate(app, example, make_user):  # noqa: F811
    user_id = make_user("host@example.com", "小林")
    study_and_pass(app, user_id)
    with app.app_context():
        certificate = get_session().scalar(select(Certificate))
        assert certificate is not None, "the certificate was issued automatically"
        return user_id, certnumbers.format(certificate.number)


def test_issued_automatically_with_a_frozen_record(app, graduate):
    user_id, number = graduate
    with app.app_context():
        c = get_session().scalar(select(Certificate))
        assert c.holder_name == "林小美" and c.holder_id_masked == "110105********002X"
        assert c.course_version == 1 and len(c.content_hash) == 64 and c.score == 100.0
        assert c.study_seconds >= 600 and c.status == "valid"
        assert certnumbers.check(number).ok and len(c.number) == 15


def test_frozen_fields_do_not_follow_a_name_change(app, graduate):
    user_id, number = graduate
    with app.app_context():
        session = get_session()
        user = session.get(User, user_id)
        save_real_name(session, app.extensions["lms.pii"], user, legal_name="林晓美", id_number=VALID_ID, consent=True)
        session.commit()
    body = json.loads(app.test_client().get(f"/api/v1/certificates/{number}").data)
    assert body["holder"]["name_masked"] == "林*美"
    with app.app_context():
        assert get_session().scalar(select(Certificate.holder_name)) == "林小美"


def test_host_sees_it_at_once_and_downloads_the_pdf(app, graduate):
    _user_id, number = graduate
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    page = web.get("/certificates/").get_data(as_text=True)
    assert number in page and "Valid" in page
    pdf = web.get(f"/certificates/{number}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    stranger = Browserish(app.test_client())
    with app.app_context():
        from lms.accounts.services import register_user

        register_user(get_session(), display_name="x", login="x@example.com", password=PASSWORD)
        get_session().commit()
    stranger.login("x@example.com", PASSWORD)
    assert stranger.get(f"/certificates/{number}.pdf").status_code == 404


def test_public_page_and_api_never_show_full_pii(app, graduate):
    _user_id, number = graduate
    client = app.test_client()
    page = client.get(f"/verify/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Valid certificate" in page and "林*美" in page and "**************002X" in page and "110105" not in page
    for secret in ("林小美", VALID_ID, "19491231"):
        assert secret not in page
    api = client.get(f"/api/v1/certificates/{number.replace('-', '').lower()}")
    body = json.loads(api.data)
    assert api.status_code == 200
    assert set(body) >= {"number", "status", "holder", "course", "hours", "score", "issued_at", "issuer", "revocation"}
    assert body["holder"] == {"name_masked": "林*美", "id_masked": "**************002X"}
    assert body["course"]["version"] == "v1" and body["revocation"] is None
    assert "林小美" not in api.get_data(as_text=True) and VALID_ID not in api.get_data(as_text=True)
    schema = {**OPENAPI["components"]["schemas"]["Certificate"], "$defs": {}}
    jsonschema.validate(body, schema)


def test_typos_and_unknown_numbers(app, graduate):
    _user_id, number = graduate
    client = app.test_client()
    typo = number[:-1] + ("2" if number[-1] != "2" else "3")
    page = client.get(f"/verify/{typo}", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "typing mistake" in page.get_data(as_text=True)
    page = client.get("/verify/OOOOO-11111-22222", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "is never used in certificate numbers" in page
    fresh = certnumbers.new_number()
    assert "Unknown certificate" in client.get(f"/verify/{fresh}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/{fresh}")
    assert api.status_code == 404 and json.loads(api.data)["error"]["status"] == 404
    jsonschema.validate(json.loads(api.data), OPENAPI["components"]["schemas"]["Error"])


def test_revocation_and_reissue_are_shown_everywhere(app, graduate, make_user):
    _user_id, number = graduate
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    r = admin.post(f"/certificates/{number}/manage", {"action": "revoke", "reason": "代考，经核实撤销"}, follow_redirects=True)
    assert "Choose what everyone who checks the certificate is told." in r.get_data(as_text=True)  # no category
    r = admin.post(f"/certificates/{number}/manage", {"action": "revoke", "category": "misconduct",
                                                      "reason": "代考，经核实撤销"})  # fmt: skip
    assert r.status_code == 302
    page = app.test_client().get(f"/verify/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Revoked: misconduct" in page and "代考" not in page  # the public sees the category, not the reason
    zh = app.test_client().get(f"/verify/{number}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "撤销：违规" in zh and "代考" not in zh
    assert "代考，经核实撤销" in admin.get(f"/verify/{number}").get_data(as_text=True)  # staff still read it
    assert "代考，经核实撤销" in admin.get(f"/certificates/{number}/manage").get_data(as_text=True)
    body = json.loads(app.test_client().get(f"/api/v1/certificates/{number}").data)
    assert body["status"] == "revoked" and body["revocation"]["category"] == "misconduct"
    assert "reason" not in body["revocation"] and "代考" not in json.dumps(body, ensure_ascii=False)
    assert admin.post(f"/certificates/{number}/manage", {"action": "reissue"}, follow_redirects=True).status_code == 200
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Certificate)) == 1  # a revoked one is not re-issued


def test_reissue_supersedes(app, graduate, make_user):
    _user_id, number = graduate
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    r = admin.post(f"/certificates/{number}/manage", {"action": "reissue"})
    new_number = r.headers["Location"].rsplit("/", 1)[1]
    assert new_number != number and certnumbers.check(new_number).ok
    old = json.loads(app.test_client().get(f"/api/v1/certificates/{number}").data)
    assert old["status"] == "superseded" and old["superseded_by"] == new_number
    assert json.loads(app.test_client().get(f"/api/v1/certificates/{new_number}").data)["status"] == "valid"


def test_only_admins_concerned_may_manage(app, graduate, make_user):
    _user_id, number = graduate
    make_user("someone@example.com")
    other = Browserish(app.test_client())
    other.login("someone@example.com", PASSWORD)
    assert other.get(f"/certificates/{number}/manage").status_code == 403
    r = other.post(f"/certificates/{number}/manage", {"action": "revoke", "reason": "no reason at all"})
    assert r.status_code == 403
    assert json.loads(app.test_client().get(f"/api/v1/certificates/{number}").data)["status"] == "valid"


def test_waiting_for_real_name_then_issued_when_it_is_saved(app, example, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    study_and_pass(app, user_id, real_name=False)
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    page = web.get("/certificates/").get_data(as_text=True)
    assert "No certificate yet" in page and "real-name information provided" in page
    web.post("/account/real-name", {"legal_name": "林小美", "id_number": VALID_ID, "consent": "y"})
    assert "Download PDF" in web.get("/certificates/").get_data(as_text=True)


def test_cli_list_show_revoke(app, graduate):
    _user_id, number = graduate
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(args=["certificates", "list", "--json"]).output)
    assert listed[0]["number"] == number and listed[0]["holder"]["name_masked"] == "林*美"
    shown = json.loads(runner.invoke(args=["certificates", "show", number, "--json"]).output)
    assert shown["holder"]["name"] == "林小美"  # the operator's full record
    revoked = runner.invoke(args=["certificates", "revoke", number, "--reason", "测试撤销原因"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert runner.invoke(args=["certificates", "revoke", number, "--reason", "再次撤销原因"]).exit_code == 1


def test_openapi_describes_every_v1_route(app):
    spec = app.test_client().get("/api/openapi.json")
    assert spec.status_code == 200 and json.loads(spec.data)["openapi"].startswith("3.1")
    described = set(OPENAPI["paths"])
    routes = {r.rule.replace("<", "{").replace(">", "}") for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert routes == described


@pytest.mark.postgres
def test_issued_exactly_once_under_concurrency(app, example, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    study_and_pass(app, user_id, real_name=False)  # everything but the real name: nothing issued yet
    with app.app_context():
        session = get_session()
        from lms.accounts.models import RealNameProfile

        # Written directly, without the "real name saved" event: the racing workers below do the issuing.

        cipher = app.extensions["lms.pii"]
        session.add(RealNameProfile(user_id=user_id, legal_name="林小美",
                                    id_number_ciphertext=cipher.encrypt(VALID_ID, context=f"real_name:id_number:user:{user_id}"),
                                    id_number_hash=cipher.lookup_hash(VALID_ID), id_number_masked="110105********002X",
                                    consent_version="2026-11"))  # fmt: skip
        session.commit()
        enrollment_id = session.scalar(select(Enrollment.id))
    barrier = threading.Barrier(8)
    issued = []

    def worker():
        with app.app_context():
            session = get_session()
            enrollment = session.get(Enrollment, enrollment_id)
            barrier.wait()
            certificate = try_issue(session, enrollment, app.config["LMS"])
            session.commit()
            issued.append(certificate.number)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Certificate)) == 1
    assert len(set(issued)) == 1 and len(issued) == 8


def test_api_is_rate_limited_per_client(database_url, tmp_path, app_factory):
    from lms.extensions import limiter
    from tests.conftest import make_config

    limited = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    limiter.reset()
    client = limited.test_client()
    statuses = [client.get(f"/api/v1/certificates/{certnumbers.new_number()}").status_code for _ in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429
    body = json.loads(client.get("/api/v1/certificates/x").data)
    assert body["error"]["status"] == 429  # still JSON under /api/
    limiter.reset()
