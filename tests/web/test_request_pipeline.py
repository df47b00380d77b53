"""What every request passes through: one guard hook (fail-closed forms, body checks, CSRF, access rule) and the
security headers on every kind of response, built once per app."""

from __future__ import annotations

import pytest

from tests.conftest import make_config

FORCED = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


def _assert_secure(response, cache_control: str | None = "no-store") -> None:
    for name, value in FORCED.items():
        assert response.headers.getlist(name) == [value], name
    assert len(response.headers.getlist("Content-Security-Policy")) == 1
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert len(response.headers.getlist("X-Request-ID")) == 1 and len(response.headers["X-Request-ID"]) >= 8
    if cache_control:
        assert response.headers.getlist("Cache-Control") == [cache_control]


def test_headers_on_pages_errors_api_errors_and_cached_documents(app):
    client = app.test_client()
    _assert_secure(client.get("/account/login"))
    _assert_secure(client.get("/no/such/page"))  # 404 page
    _assert_secure(client.get("/api/v1/nothing"))  # JSON error
    _assert_secure(client.post("/account/login", data={}), "no-store")  # CSRF refusal (400)
    _assert_secure(client.get("/healthz"))
    first = client.get("/.well-known/did.json")
    _assert_secure(first, "no-cache")  # the view's own cache policy is kept
    again = client.get("/.well-known/did.json")  # from the shared cache
    _assert_secure(again, "no-cache")
    assert again.data == first.data
    not_modified = client.get("/.well-known/did.json", headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304
    _assert_secure(not_modified, "no-cache")


def test_static_files_keep_their_cache_policy(app):
    r = app.test_client().get("/static/css/site.css")
    _assert_secure(r, cache_control=None)
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_a_views_own_header_values_are_kept_or_replaced_as_before(app):
    from flask import Response

    from lms.security.access import PUBLIC, rule

    def own():
        return Response("x", headers={"Permissions-Policy": "camera=(self)", "X-Frame-Options": "SAMEORIGIN",
                                      "X-Request-ID": "from-the-view", "Cache-Control": "private"})  # fmt: skip

    app.add_url_rule("/own-headers", "own_headers", rule(PUBLIC)(own))
    r = app.test_client().get("/own-headers", headers={"X-Request-ID": "proxy-id-1234"})
    assert r.headers.getlist("Permissions-Policy") == ["camera=(self)"]  # a view may widen it (identity snapshots)
    assert r.headers.getlist("X-Frame-Options") == ["DENY"]  # never weakened by a view
    assert r.headers.getlist("X-Request-ID") == ["proxy-id-1234"]
    assert r.headers.getlist("Cache-Control") == ["private"]


def test_request_ids_differ_and_a_newline_is_not_kept(app):
    client = app.test_client()
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(20)}
    assert len(ids) == 20
    kept = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": "abcdefgh\n"}).headers["X-Request-ID"]
    assert kept != "abcdefgh\n" and "\n" not in kept


def test_one_guard_hook_does_what_the_four_did(app):
    from lms.security.access import guard

    hooks = app.before_request_funcs[None]
    names = [getattr(f, "__name__", repr(f)) for f in hooks]
    assert "csrf_protect" not in names  # Flask-WTF's own hook is replaced by the guard, not run twice
    assert names == ["assign_request_id", "guard"] and hooks[-1] is guard  # rate limits are off in tests
    client = app.test_client()
    # CSRF: a POST without a token is refused; an exempt API (JSON, no cookies needed) is not.
    assert client.post("/account/login", data={"login": "a", "password": "b"}).status_code == 400
    api = client.post("/api/v1/verify", data=b"{}", content_type="application/json")
    assert api.is_json and b"CSRF" not in api.data
    # The body checks still come before CSRF: named as such, not as a missing token.
    r = client.post("/account/login", data=b"login=%ff", content_type="application/x-www-form-urlencoded",
                    headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "not valid UTF-8" in r.get_data(as_text=True)
    r = client.get("/courses/?q=a%00b", headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "not valid text" in r.get_data(as_text=True)
    r = client.head("/courses/?q=%00")
    assert r.status_code == 400
    # The access rule still runs after all that for GET and POST.
    assert client.get("/learning/").status_code == 302
    assert client.get("/admin/organisations").status_code == 302
    assert client.post("/admin/organisations", data={}).status_code == 400  # CSRF before the rule, as before


def test_with_rate_limits_on_the_limiter_runs_between_the_request_id_and_the_guard(database_url, tmp_path,
                                                                                  app_factory):
    app = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    names = [getattr(f, "__name__", repr(f)) for f in app.before_request_funcs[None]]
    assert names == ["assign_request_id", "_check_request_limit", "guard"]


def test_csrf_switch_is_still_honoured(database_url, tmp_path, app_factory):
    app = app_factory(make_config(database_url, tmp_path, flask={"WTF_CSRF_ENABLED": False}))
    r = app.test_client().post("/account/login", data={"login": "nobody@example.com", "password": "x" * 12},
                               headers={"Accept-Language": "en"})  # fmt: skip
    assert r.status_code == 200 and "CSRF" not in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/healthz", "/account/login"])
def test_hooks_and_views_are_not_re_inspected_each_request(app, path):
    # ensure_sync's answer is kept per function: the same object comes back, and the page still works.
    hooks = app.before_request_funcs[None]
    assert all(app.ensure_sync(f) is app.ensure_sync(f) for f in hooks)
    assert app.test_client().get(path).status_code == 200


@pytest.mark.postgres
def test_a_request_after_the_server_killed_the_connection_still_works(app, database_url):
    """No ping per checkout any more: a connection the server ended is noticed from what it wrote (its FATAL message
    and the end of the stream) and replaced before the request uses it."""
    import time

    from sqlalchemy import create_engine, text

    client = app.test_client()
    assert client.get("/healthz").get_json()["database"] == "ok"
    engine = app.extensions["lms.db"].engine
    with engine.connect() as conn:  # the pooled connection the next request will get
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        for _ in range(50):  # the backend is gone once it no longer shows
            if not conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first():
                break
            time.sleep(0.05)
    # The backend leaves pg_stat_activity a moment before its process exits and closes the socket: until then the
    # connection still looks alive to anyone (a ping included). The case under test is a connection already closed.
    time.sleep(0.5)
    killer.dispose()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["database"] == "ok"
    assert client.get("/courses/").status_code == 200
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


@pytest.mark.postgres
def test_pool_checks_connections_without_a_round_trip(app):
    from sqlalchemy import event, text

    from lms.db import get_session

    engine = app.extensions["lms.db"].engine
    assert engine.pool._pre_ping is False
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    with app.test_request_context():
        get_session().execute(text("SELECT 2"))
    assert seen == ["SELECT 2"]  # the statement itself, no ping before it


@pytest.mark.postgres
def test_healthz_asks_the_database_in_one_round_trip(app, monkeypatch):
    """SELECT 1 outside a transaction: psycopg sends no BEGIN, COMMIT or ROLLBACK and runs no statement of its
    own around it, and the pooled connection goes back idle and usable for the next request."""
    import psycopg

    client = app.test_client()
    client.get("/healthz")  # a new connection's first use: SQLAlchemy asks the server's version and settings
    sent: list = []
    real_command, real_execute = psycopg.Connection._exec_command, psycopg.Cursor.execute
    monkeypatch.setattr(psycopg.Connection, "_exec_command",
                        lambda self, command, *a, **k: sent.append(command) or real_command(self, command, *a, **k))
    monkeypatch.setattr(psycopg.Cursor, "execute",
                        lambda self, query, *a, **k: sent.append(query) or real_execute(self, query, *a, **k))
    for _ in range(3):
        r = client.get("/healthz")
        assert r.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert sent == []
    engine = app.extensions["lms.db"].engine
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1


def _nav(html: str) -> str:
    import re

    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def test_the_prebuilt_header_follows_each_persons_language_and_shows_only_their_own_things(app, make_user):
    """The header's words and links are built once per language; what is personal (organisations, unread counts,
    the CSRF token) is still each person's own."""
    from lms.orgs.models import Membership, Organisation, OrgKind, Role
    from lms.db import get_session
    from tests.conftest import PASSWORD, Browserish

    trainer_id = make_user("trainer@example.com", name="培训师")
    make_user("host2@example.com", name="主播二号")
    with app.app_context():
        session = get_session()
        org = Organisation(slug="acme-mcn", name="Acme 机构", kind=OrgKind.MCN)
        session.add(org)
        session.flush()
        session.add(Membership(org_id=org.id, user_id=trainer_id, role=Role.TRAINER))
        session.commit()
    zh, en = Browserish(app.test_client(), language="zh-CN"), Browserish(app.test_client(), language="en")
    zh.login("trainer@example.com", PASSWORD)
    en.login("host2@example.com", PASSWORD)
    for _ in range(2):  # the second round comes from the prebuilt header
        trainer, host = _nav(zh.get("/").get_data(as_text=True)), _nav(en.get("/").get_data(as_text=True))
        assert "Acme 机构" in trainer and "/orgs/acme-mcn" in trainer and "退出登录" in trainer
        assert "Acme 机构" not in host and "acme-mcn" not in host
        assert "My learning" in host and "Log out" in host and "退出" not in host
        anonymous = _nav(app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
        assert "Log in" in anonymous and "Log out" not in anonymous and "Acme" not in anonymous
    tokens = {b.client.get("/").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1][:40]
              for b in (zh, en)}  # fmt: skip
    assert len(tokens) == 2  # each session's own CSRF token in the logout form


def _tabs(html: str) -> str:
    import re

    found = re.search(r'<nav class="tab-bar".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def _notify(app, user_id: int, subject: str) -> None:
    from lms.accounts.models import User
    from lms.db import get_session
    from lms.notifications import services

    with app.app_context():
        session = get_session()
        services.notify(session, app.config["LMS"], session.get(User, user_id), "certificate_issued", subject,
                        {"course": {"zh": "课", "en": "Course"}, "number": "ABCDE-FGHJK-LMNP1"}, "/certificates/")
        session.commit()


def test_the_kept_header_is_keyed_by_everything_it_shows_and_never_shows_another_persons(app, make_user):
    """The logged-in header is kept per combination of what it shows: people alike in everything but their
    organisations or unread counts each see their own, a change shows at once, and each page carries its own
    session's CSRF token (the same one in the meta tag, the language switch and the logout form)."""
    from lms.db import get_session
    from lms.orgs.models import Membership, Organisation, OrgKind, Role
    from tests.conftest import PASSWORD, Browserish

    ids = {email: make_user(email, name=name) for email, name in [
        ("a@example.com", "甲"), ("b@example.com", "乙"), ("host1@example.com", "主播一"), ("host2@example.com", "主播二")]}
    with app.app_context():
        session = get_session()
        orgs = {slug: Organisation(slug=slug, name=name, kind=OrgKind.MCN)
                for slug, name in [("mcn-x", "X 机构 <@csrf-token@> & Co"), ("mcn-y", "Y 机构")]}
        session.add_all(orgs.values())
        session.flush()
        session.add_all([Membership(org_id=orgs["mcn-x"].id, user_id=ids["a@example.com"], role=Role.TRAINER),
                         Membership(org_id=orgs["mcn-y"].id, user_id=ids["b@example.com"], role=Role.TRAINER),
                         Membership(org_id=orgs["mcn-x"].id, user_id=ids["host1@example.com"], role=Role.LEARNER)])
        session.commit()
    for email in ("a@example.com", "b@example.com", "host1@example.com"):
        _notify(app, ids[email], "certificate:1")
    _notify(app, ids["host1@example.com"], "certificate:2")
    people = {}
    for email in ids:
        people[email] = Browserish(app.test_client(), language="zh-CN")
        people[email].login(email, PASSWORD)

    def header(email: str, path: str = "/") -> tuple[str, str, str]:
        html = people[email].get(path).get_data(as_text=True)
        return _nav(html), _tabs(html), html

    for _ in range(2):  # the second round comes from the kept header
        a, _, _ = header("a@example.com")
        b, _, _ = header("b@example.com")
        assert "X 机构 &lt;@csrf-token@&gt; &amp; Co" in a and "/orgs/mcn-x" in a and "Y 机构" not in a and "mcn-y" not in a
        assert "Y 机构" in b and "/orgs/mcn-y" in b and "X 机构" not in b and "mcn-x" not in b
        assert 'data-testid="unread-count">1<' in a and 'data-testid="unread-count">1<' in b
        host1, tabs1, _ = header("host1@example.com", "/learning/")
        host2, tabs2, _ = header("host2@example.com", "/learning/")
        assert "mcn-x" not in host1 and "我的学习" in host1  # a learner's organisation is no header link
        assert 'data-testid="unread-count">2<' in host1 and 'class="badge">2<' in tabs1
        assert "unread-count" not in host2 and "badge" not in tabs2 and tabs2
        assert 'aria-current="page">学习<' in tabs1.replace("\n", "")
    _, tabs_home, _ = header("host2@example.com", "/")
    assert 'aria-current="page">首页<' in tabs_home
    # A new notification or one marked read shows on the very next page, for that person only.
    _notify(app, ids["a@example.com"], "certificate:3")
    assert 'data-testid="unread-count">2<' in header("a@example.com")[0]
    assert 'data-testid="unread-count">1<' in header("b@example.com")[0]
    for email, browser in people.items():
        html = browser.get("/").get_data(as_text=True)
        meta = html.split('<meta name="csrf-token" content="')[1].split('"')[0]
        assert html.count(f'value="{meta}"') == 2  # the language switch and the logout form
        again = browser.client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        assert meta.split(".")[0] == again.split(".")[0]  # the session's token; its timestamp may have moved on
    tokens = {b.client.get("/").get_data(as_text=True).split('<meta name="csrf-token" content="')[1].split('"')[0]
              for b in people.values()}  # fmt: skip
    assert len(tokens) == len(people)


def test_a_page_that_changes_the_unread_count_before_rendering_shows_the_new_count(app, make_user):
    """The badge comes with the account at the start of the request; a page that notifies or marks read on the
    way (a certificate earned while opening a page) shows the count as it is when it renders."""
    from flask import render_template_string
    from flask_login import current_user

    from lms.accounts.models import User
    from lms.db import get_session
    from lms.notifications import services
    from lms.security.access import LOGIN, rule
    from tests.conftest import PASSWORD, Browserish

    @rule(LOGIN)
    def notifying():
        session = get_session()
        services.notify(session, app.config["LMS"], session.get(User, current_user.id), "certificate_issued",
                        "certificate:9", {"course": {"zh": "课", "en": "Course"}, "number": "ABCDE-FGHJK-LMNP1"},
                        "/certificates/")  # fmt: skip
        session.commit()
        return render_template_string('{% extends "base.html" %}{% block content %}done{% endblock %}')

    @rule(LOGIN)
    def marking():
        session = get_session()
        services.mark_all_read(session, current_user.id)
        for notification in services.latest(session, current_user.id):
            services.mark_read(session, current_user.id, notification.id)
        session.commit()
        return render_template_string('{% extends "base.html" %}{% block content %}done{% endblock %}')

    app.add_url_rule("/test/notifying", "test_notifying", notifying)
    app.add_url_rule("/test/marking", "test_marking", marking)
    make_user("host@example.com")
    web = Browserish(app.test_client(), language="en")
    web.login("host@example.com", PASSWORD)
    assert "unread-count" not in _nav(web.get("/").get_data(as_text=True))
    page = web.get("/test/notifying").get_data(as_text=True)
    assert "done" in page and 'data-testid="unread-count">1<' in _nav(page)
    page = web.get("/test/marking").get_data(as_text=True)
    assert "done" in page and "unread-count" not in _nav(page)


def test_session_cookies_still_signed_checked_and_rotatable(app, make_user):
    """One serializer per key set: a tampered cookie is an empty session, a new SECRET_KEY with the old one as a
    fallback keeps people logged in, and without the fallback they are logged out."""
    from tests.conftest import PASSWORD, Browserish

    make_user("host@example.com")
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    assert web.get("/learning/").status_code == 200
    cookie = web.client.get_cookie("session")
    tampered = app.test_client()
    tampered.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert tampered.get("/learning/").status_code == 302  # bad signature: nobody
    old_key = app.secret_key
    app.config["SECRET_KEY"] = "a-new-key-" + "y" * 40
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert web.get("/learning/").status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert web.get("/learning/").status_code == 302


@pytest.mark.postgres
def test_a_request_that_only_read_keeps_the_saved_query_plans_and_one_that_wrote_is_rolled_back(app):
    """psycopg drops its prepared statements on ROLLBACK, so a request that only read ends with COMMIT (the same for
    a read); one that wrote without committing is still rolled back, exception or not."""
    from sqlalchemy import select, text

    from lms.accounts.models import User
    from lms.db import get_session

    database = app.extensions["lms.db"]
    for _ in range(8):  # psycopg prepares a statement on its 6th run on a connection
        with app.test_request_context("/"):
            get_session().execute(select(User.id).where(User.id == 1)).all()
            app.do_teardown_appcontext()
    with database.engine.connect() as conn:  # the one pooled connection the requests used
        assert conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one() >= 1
    with app.test_request_context("/"):
        get_session().execute(text("CREATE TEMP TABLE IF NOT EXISTS kept (n int)"))
        get_session().execute(text("INSERT INTO kept VALUES (1)"))
        app.do_teardown_appcontext()  # no exception, no commit: the write must not stay
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('pg_temp.kept')")).scalar_one() is None


def test_a_request_without_session_or_remember_cookie_is_anonymous_without_the_user_loader(app, make_user, monkeypatch):
    """No session, no remember cookie: nobody, told at once (no user loader, no session-protection hash), and the
    answer still varies by cookie. A logged-in person and a remembered one are still found."""
    from tests.conftest import PASSWORD, Browserish

    from lms.extensions import login_manager

    make_user("host@example.com")
    calls: list[str] = []
    loader, ident = login_manager._user_callback, login_manager._session_identifier_generator
    monkeypatch.setattr(login_manager, "_user_callback", lambda user_id: calls.append("loader") or loader(user_id))
    monkeypatch.setattr(login_manager, "_session_identifier_generator", lambda: calls.append("ident") or ident())
    visitor = app.test_client(use_cookies=False)  # each request a new visitor's (a page's CSRF token sets one)
    for path in ("/courses/", "/.well-known/did.json", "/learning/"):
        r = visitor.get(path, headers={"Accept-Language": "en"})
        assert "Cookie" in r.headers.get("Vary", ""), path
    assert calls == []
    assert visitor.get("/learning/").status_code == 302  # nobody: sent to the login page
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    assert web.get("/learning/").status_code == 200 and "loader" in calls
    # A remembered person without a session (a new browser session) is still logged in by the remember cookie.
    remembered = app.test_client()
    page = remembered.get("/account/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    remembered.post("/account/login", data={"csrf_token": csrf_token_from(page), "login": "host@example.com",
                                             "password": PASSWORD, "remember": "y"})  # fmt: skip
    remember = remembered.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/learning/").status_code == 200


def test_with_rate_limits_off_views_run_without_the_limiter_and_with_them_on_every_limit_counts(
        app, database_url, tmp_path, app_factory):
    """Off (tests, development): the limited views are the plain functions, with their access rule and CSRF
    exemption. On: the limiter's wrapper is there and a 61st look-up in a minute is refused."""
    from lms.security.access import rule_of

    for endpoint in ("certificates.verify", "certificates.api_certificate", "certificates.verify_badge",
                     "accounts.login", "accounts.forgot_password", "trust.verify"):
        view = app.view_functions[endpoint]
        assert "flask_limiter" not in view.__code__.co_filename, endpoint
        assert rule_of(view) is not None, endpoint
    api = app.test_client().post("/api/v1/verify", data=b"{}", content_type="application/json")
    assert api.is_json and b"CSRF" not in api.data  # still CSRF-exempt unwrapped

    limited = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    assert "flask_limiter" in limited.view_functions["certificates.api_certificate"].__code__.co_filename
    client = limited.test_client()
    codes = [client.get("/api/v1/certificates/AAAAA-BBBBB-CCCCC").status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429


@pytest.mark.parametrize("header, expected", [
    ("en-US,en;q=0.9", "English"), ("zh-CN,zh;q=0.9,en;q=0.8", "中文"), ("fr-FR,en;q=0.5,zh;q=0.7", "中文"),
    ("fr-FR", None), ("", None),
])  # fmt: skip
def test_the_browsers_language_still_chooses_the_page_language_when_asked_twice(app, header, expected):
    """Each Accept-Language header is parsed once per worker: the second visitor with it gets the same answer."""
    from lms.i18n import LANGUAGES

    default = LANGUAGES[app.config["LMS"].default_locale][1] if app.config["LMS"].default_locale in LANGUAGES else "中文"
    for _ in range(2):
        r = app.test_client(use_cookies=False).get("/account/login", headers={"Accept-Language": header})
        html = r.get_data(as_text=True)
        lang = "en" if (expected or default) == "English" else "zh-CN"
        assert f'<html lang="{lang}"' in html, (header, lang)
