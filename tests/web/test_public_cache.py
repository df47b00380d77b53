"""The public pages cached for everyone (lms.cache): a certificate's check page and API answer, the catalogue and a
course page. Each shows a change at once on a warm cache, answers a client that has it with a 304, and never
shows one person's view to another."""

from __future__ import annotations

from sqlalchemy import select

from lms import cache, certnumbers
from lms.certificates.models import Certificate
from lms.certificates.services import reissue, revoke
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role
from lms.transparency.models import Cosignature, WitnessKey
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def warm(client, path: str, headers=None):
    """Ask three times: the first reader after a change starts the topics' generations, the second keeps the
    answer, the third is answered from the cache (and must be the same)."""
    answers = [client.get(path, headers=headers or EN) for _ in range(3)]
    if answers[0].is_json:  # (a page carries a fresh CSRF token each time)
        assert answers[0].get_data() == answers[2].get_data()
    return answers[2]


def _certificate(app, number: str) -> Certificate:
    return get_session().scalar(select(Certificate).where(Certificate.number == certnumbers.normalise(number)))


def test_a_revocation_shows_at_once_on_the_warm_page_and_api_in_each_language(app, graduate):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    assert "Valid certificate" in warm(client, f"/verify/{number}", EN).get_data(as_text=True)
    assert warm(client, f"/api/v1/certificates/{number}", EN).get_json()["status"] == "valid"
    assert "证书有效" in warm(client, f"/verify/{number}", ZH).get_data(as_text=True)
    assert warm(client, f"/api/v1/certificates/{number}", ZH).get_json()["status"] == "valid"
    with app.app_context():
        session = get_session()
        revoke(session, _certificate(app, number), None, "测试：信息有误，撤销。", app.config["LMS"],
               category="incorrect")  # fmt: skip
        session.commit()
    page = client.get(f"/verify/{number}", headers=EN).get_data(as_text=True)
    assert "Revoked: the information on it is incorrect" in page and "Valid certificate" not in page
    assert "测试：信息有误" not in page  # the staff-only reason stays off the public page
    assert "信息有误" in client.get(f"/verify/{number}", headers=ZH).get_data(as_text=True)
    english = client.get(f"/api/v1/certificates/{number}", headers=EN).get_json()
    chinese = client.get(f"/api/v1/certificates/{number}", headers=ZH).get_json()
    assert english["status"] == chinese["status"] == "revoked"
    assert english["revocation"]["label"] != chinese["revocation"]["label"]  # each language its own cached answer


def test_the_api_answers_a_client_that_has_it_with_304_until_the_certificate_changes(app, graduate):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    first = warm(client, f"/api/v1/certificates/{number}")
    assert first.headers["Cache-Control"] == "no-cache" and "Accept-Language" in first.headers["Vary"]
    etag = first.headers["ETag"]
    assert "Valid certificate" in warm(client, f"/verify/{number}").get_data(as_text=True)
    again = client.get(f"/api/v1/certificates/{number}", headers={**EN, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    with app.app_context():
        session = get_session()
        replacement = reissue(session, _certificate(app, number), None, app.config["LMS"])
        session.commit()
        new_number = certnumbers.format(replacement.number)
    changed = client.get(f"/api/v1/certificates/{number}", headers={**EN, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["status"] == "superseded" and changed.get_json()["superseded_by"] == new_number
    page = client.get(f"/verify/{number}", headers=EN).get_data(as_text=True)
    assert new_number in page and "Superseded" in page


def test_a_cosignature_and_a_log_entry_show_at_once(app, graduate, make_user):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    with app.app_context():  # as before the certificate's log entry was written
        session = get_session()
        log_index = _certificate(app, number).log_index
        _certificate(app, number).log_index = None
        session.commit()
    assert "not recorded" in warm(client, f"/verify/{number}").get_data(as_text=True)
    assert warm(client, f"/api/v1/certificates/{number}").get_json()["log"]["included"] is False
    with app.app_context():
        session = get_session()
        _certificate(app, number).log_index = log_index
        session.commit()
    page = warm(client, f"/verify/{number}").get_data(as_text=True)
    assert f"recorded as entry {log_index}" in page and "Witnessed by" not in page
    assert client.get(f"/api/v1/certificates/{number}").get_json()["log"]["index"] == log_index
    with app.app_context():
        session = get_session()
        bureau = orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        key = WitnessKey(org_id=bureau.id, vkey="city-bureau.example.cn+00000000+AAAA")
        session.add(key)
        session.flush()
        session.add(Cosignature(org_id=bureau.id, witness_key_id=key.id, tree_size=log_index + 1, root_hash="0" * 64,
                                timestamp=1_800_000_000, line="— city-bureau.example.cn test"))  # fmt: skip
        session.commit()
    assert "示例市人社局" in warm(client, f"/verify/{number}").get_data(as_text=True)
    with app.app_context():  # a renamed bureau is named by its new name
        session = get_session()
        orgs_row = session.get(type(bureau), bureau.id)
        orgs_row.name = "示例市人力资源和社会保障局"
        session.commit()
    assert "示例市人力资源和社会保障局" in client.get(f"/verify/{number}", headers=EN).get_data(as_text=True)


def test_staff_see_their_own_page_and_it_never_reaches_the_public(app, graduate, make_user):  # noqa: F811
    _user_id, number = graduate
    make_user("admin@example.com", "管理员", is_site_admin=True)
    with app.app_context():
        session = get_session()
        revoke(session, _certificate(app, number), None, "只给工作人员看的原因。", app.config["LMS"])
        session.commit()
    admin = Browserish(app.test_client())
    admin.login("admin@example.com", PASSWORD)
    public = app.test_client()
    for _ in range(3):  # staff first, then the public, then both again on the now warm cache
        staff_page = admin.get(f"/verify/{number}").get_data(as_text=True)
        assert "只给工作人员看的原因" in staff_page and "Manage certificate" in staff_page
        public_page = public.get(f"/verify/{number}", headers=EN).get_data(as_text=True)
        assert "Revoked" in public_page
        assert "只给工作人员看的原因" not in public_page and "Manage certificate" not in public_page


def test_an_unknown_number_answers_as_before_and_is_never_cached(app, graduate):  # noqa: F811
    unknown = certnumbers.format(certnumbers.new_number())
    client = app.test_client()
    for _ in range(3):
        page = client.get(f"/verify/{unknown}", headers=EN)
        assert page.status_code == 404 and "Unknown certificate" in page.get_data(as_text=True)
        api = client.get(f"/api/v1/certificates/{unknown}")
        assert api.status_code == 404 and api.get_json()["error"]["detail"] == "unknown certificate number"
        assert "ETag" not in api.headers
    typo = client.get("/api/v1/certificates/AAAAA-AAAAA-AAAAA")
    assert typo.status_code == 404 and typo.get_json()["error"]["detail"].startswith("malformed certificate number")
    normalised = certnumbers.normalise(unknown)
    with app.app_context():
        for kind in ("whole", "verdict", "api"):
            for locale in ("en", "zh_Hans_CN", "zh_CN"):
                assert cache._store().get_many([f"v:verify:{kind}:{normalised}:{locale}"]) == [None]


def test_a_visitors_pages_answer_304_until_their_content_changes(app, example, graduate, make_user):  # noqa: F811
    """Catalogue, course page and check page: a visitor's browser may keep them (private, never shared) and gets a
    304 while nothing changed; a publish or a revocation makes the next answer the new page."""
    _user_id, number = graduate
    visitor = app.test_client()
    paths = ("/courses/", "/courses/first-live-room", f"/verify/{number}")
    tags = {}
    for path in paths:
        first = warm(visitor, path)
        assert first.headers["Cache-Control"] == "private, no-cache" and "public" not in first.headers["Cache-Control"]
        assert {"Cookie", "Accept-Language"} <= set(first.vary)
        tags[path] = first.headers["ETag"]
        again = visitor.get(path, headers={**EN, "If-None-Match": tags[path]})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tags[path]
        # These pages hold nothing of the visitor's (no form that posts, so no token): another visitor's browser
        # that has the same copy may keep it too.
        assert app.test_client().get(path, headers={**EN, "If-None-Match": tags[path]}).status_code == 304
    make_user("member@example.com", "成员")
    member = Browserish(app.test_client())
    member.login("member@example.com", PASSWORD)
    for path in paths:  # nor a logged-in user's, whose menu is on the page
        answer = member.client.get(path, headers={**EN, "If-None-Match": tags[path]})
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    yaml = example / "first-live-room" / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("a checklist", "the list"), encoding="utf-8")
    with app.app_context():
        from lms.catalogue.loader import load_catalogue
        from lms.catalogue.services import sync_catalogue
        from tests.web.test_catalogue import SKILLS

        session = get_session()
        sync_catalogue(session, load_catalogue(example, SKILLS))
        revoke(session, _certificate(app, number), None, "测试：信息有误，撤销。", app.config["LMS"])
        session.commit()
    for path in paths:
        changed = visitor.get(path, headers={**EN, "If-None-Match": tags[path]})
        assert changed.status_code == 200 and changed.headers["ETag"] != tags[path]
        text = changed.get_data(as_text=True)
        assert ("Revoked" in text) if path.startswith("/verify") else ("first live stream: the list" in text)


def test_a_visitors_pages_carry_no_token_and_give_no_session(app, example, graduate):  # noqa: F811
    """Home, the catalogue, a course page and a certificate's check page have no form that posts: a visitor (a
    bureau officer scanning a QR code, say) leaves with no session cookie, and the language switch asks by GET. A
    page with a form still carries a token, and its visitor gets a session."""
    _user_id, number = graduate
    visitor = app.test_client()
    paths = ("/", "/courses/", "/courses/first-live-room", f"/verify/{number}", "/verify/")
    for path in paths:
        for answer in [visitor.get(path, headers=ZH) for _ in range(3)]:  # made, kept, then from the cache
            html = answer.get_data(as_text=True)
            assert answer.status_code == 200 and "Set-Cookie" not in answer.headers, path
            assert 'name="csrf_token"' not in html and '<meta name="csrf-token" content="">' in html, path
            assert '<form class="lang-switch" method="get" action="/language">' in html, path
            assert f'<input type="hidden" name="next" value="{path}">' in html, path
    assert not any(cookie.key == "session" for cookie in visitor._cookies.values())
    login = visitor.get("/account/login", headers=ZH)
    assert 'name="csrf_token"' in login.get_data(as_text=True) and "session=" in login.headers["Set-Cookie"]


def test_the_logged_in_catalogue_is_per_set_of_organisations_and_never_crosses(app, example, make_user):  # noqa: F811
    from lms.accounts.models import User
    from lms.catalogue.models import Course

    make_user("a@example.com", "甲")
    make_user("b@example.com", "乙")
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.scalars(select(User))}
        org_a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        org_b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        orgs.add_member(session, org=org_a, user=users["a@example.com"], role=Role.LEARNER)
        orgs.add_member(session, org=org_b, user=users["b@example.com"], role=Role.LEARNER)
        session.scalar(select(Course)).org_id = org_a.id  # the only course: MCN A's own
        session.commit()
    a, b = Browserish(app.test_client()), Browserish(app.test_client())
    a.login("a@example.com", PASSWORD)
    b.login("b@example.com", PASSWORD)
    for _ in range(3):  # each fills the cache in turn, then reads it warm
        assert "first live stream" in a.get("/courses/").get_data(as_text=True)
        assert "first live stream" not in b.get("/courses/").get_data(as_text=True)
        assert "first live stream" not in warm(app.test_client(), "/courses/").get_data(as_text=True)
        assert b.get("/courses/first-live-room").status_code == 404
        assert app.test_client().get("/courses/first-live-room").status_code == 404
