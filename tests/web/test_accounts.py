"""Registration, login, logout, password change and reset, as a browser does them."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import LoginLockout, PasswordResetToken, User
from lms.db import get_session, utcnow
from lms.mail.models import OutboxMessage
from tests.conftest import PASSWORD


def count_users(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User))


def test_register_logs_in_and_greets(web, app):
    r = web.post("/account/register", {"display_name": "小林", "login": "lin@example.com", "password": PASSWORD})
    assert r.status_code == 302
    home = web.get("/").get_data(as_text=True)
    assert "Hello, 小林" in home and "Log out" in home
    with app.app_context():
        user = get_session().scalar(select(User))
        assert user.email == "lin@example.com" and user.password_hash.startswith("$argon2id$")


def test_register_with_a_mobile_number(web, app):
    r = web.post("/account/register", {"display_name": "阿美", "login": "+86 138-0013-8000", "password": PASSWORD})
    assert r.status_code == 302
    with app.app_context():
        assert get_session().scalar(select(User.phone)) == "13800138000"


def test_register_refuses_bad_data_with_field_messages(web, app):
    cases = [
        ({"display_name": "x", "login": "not-an-email@", "password": PASSWORD}, "not a valid email"),
        ({"display_name": "x", "login": "12345", "password": PASSWORD}, "11-digit mainland mobile number"),
        ({"display_name": "x", "login": "a@example.com", "password": "short"}, "at least 8 characters"),
        ({"display_name": "x", "login": "a@example.com", "password": "11111111"}, "too easy to guess"),
        ({"display_name": "", "login": "a@example.com", "password": PASSWORD}, "This field is required"),
        ({"display_name": "x" * 65, "login": "a@example.com", "password": PASSWORD}, "Field cannot be longer"),
    ]
    for data, message in cases:
        r = web.post("/account/register", data)
        assert r.status_code == 400, data
        assert message in r.get_data(as_text=True), message
    assert count_users(app) == 0


def test_duplicate_registration_is_refused_and_nothing_written(web, app, make_user):
    make_user("lin@example.com")
    r = web.post("/account/register", {"display_name": "y", "login": "LIN@example.com", "password": PASSWORD})
    assert r.status_code == 400
    assert "already exists" in r.get_data(as_text=True)
    assert count_users(app) == 1


def _raw_post(web, url: str, fields: bytes):
    page = web.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = b"csrf_token=" + token.encode() + b"&" + fields
    return web.client.post(url, data=body, content_type="application/x-www-form-urlencoded", headers=web.headers)


def test_non_utf8_bytes_get_a_clear_message(app, web):
    for name in (b"\xff\xfe", b"%FF%FE"):  # raw and percent-encoded bytes that are not UTF-8
        r = _raw_post(web, "/account/register", b"display_name=" + name + b"&login=a%40example.com&password=x")
        assert r.status_code == 400 and "not valid UTF-8 text" in r.get_data(as_text=True)
    # Control characters (a NUL byte) are refused by name.
    r = _raw_post(web, "/account/register", b"display_name=a%00b&login=a%40example.com&password=correct+horse+42")
    assert r.status_code == 400 and "characters that are not valid text" in r.get_data(as_text=True)
    assert count_users(app) == 0


def test_login_logout(web, make_user):
    make_user("lin@example.com")
    assert web.login("lin@example.com", PASSWORD).status_code == 302
    assert web.get("/account/").status_code == 200
    web.logout()
    r = web.get("/account/")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_a_copied_session_cookie_stops_working_after_logout(web, app, make_user):
    make_user("lin@example.com")
    web.login("lin@example.com", PASSWORD)
    copied = web.client.get_cookie("session").value
    web.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    r = thief.get("/account/my-data.json")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_login_by_phone(web, make_user):
    make_user("13800138000")
    assert web.login("138 0013 8000", PASSWORD).status_code == 302


def test_login_errors_are_generic(web, make_user):
    make_user("lin@example.com")
    wrong_password = web.login("lin@example.com", "wrong password").get_data(as_text=True)
    unknown = web.login("nobody@example.com", "wrong password").get_data(as_text=True)
    message = "The account or password is not correct."
    assert message in wrong_password and message in unknown


def test_repeated_failures_lock_the_account(web, app, make_user):
    make_user("lin@example.com")
    for _ in range(5):
        web.login("lin@example.com", "wrong password")
    # Even the right password is refused while locked, with the same generic message.
    r = web.login("lin@example.com", PASSWORD)
    assert r.status_code == 200 and "not correct" in r.get_data(as_text=True)
    with app.app_context():
        lockout = get_session().scalar(select(LoginLockout))
        assert lockout.source == "127.0.0.1" and lockout.locked_until > utcnow() + timedelta(minutes=14)
        lockout.locked_until = utcnow() - timedelta(seconds=1)
        get_session().commit()
    assert web.login("lin@example.com", PASSWORD).status_code == 302
    with app.app_context():
        assert get_session().scalar(select(LoginLockout)) is None  # a good login clears the count


def test_failures_from_another_address_do_not_lock_the_owner_out(app, make_user):
    """Lockout is per account and source (as in django-axes and Moodle): anyone may type a login wrong, but only
    their own address is locked, and the owner is told by mail."""
    from tests.conftest import Browserish

    make_user("lin@example.com")
    attacker, owner = Browserish(app.test_client()), Browserish(app.test_client())
    attacker.client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    owner.client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    for _ in range(6):
        attacker.login("lin@example.com", "wrong password")
    assert attacker.login("lin@example.com", PASSWORD).status_code == 200  # locked for that address
    assert owner.login("lin@example.com", PASSWORD).status_code == 302  # the owner is not
    with app.app_context():
        mails = get_session().scalars(select(OutboxMessage).where(OutboxMessage.recipient == "lin@example.com")).all()
    assert len(mails) == 1, "one notice when the lock started, not one per attempt"
    assert mails[0].subject == "登录你的账号已暂停"  # the owner chose no language: the site default
    assert "203.0.113.9" in mails[0].body and "5" in mails[0].body


def test_the_lock_notice_is_in_the_owners_language(app, make_user):
    from tests.conftest import Browserish

    make_user("lin@example.com", locale="zh_CN")
    web = Browserish(app.test_client())  # asks in English: the owner still reads Chinese
    for _ in range(5):
        web.login("lin@example.com", "wrong password")
    with app.app_context():
        mail = get_session().scalar(select(OutboxMessage))
    assert mail.subject == "登录你的账号已暂停" and "127.0.0.1" in mail.body


def test_a_password_reset_clears_every_lock(app, make_user, web):
    from lms.accounts.services import reset_password

    make_user("lin@example.com")
    for _ in range(5):
        web.login("lin@example.com", "wrong password")
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User))
        from lms.accounts.services import issue_reset_token

        token = issue_reset_token(session, user.id, utcnow() + timedelta(hours=1))
        session.flush()
        reset_password(session, token=token, new_password="a new long password")
        session.commit()
        assert session.scalar(select(LoginLockout)) is None
    assert web.login("lin@example.com", "a new long password").status_code == 302


def test_login_redirects_back_but_never_off_site(web, make_user):
    make_user("lin@example.com")
    r = web.post("/account/login?next=/account/password", {"login": "lin@example.com", "password": PASSWORD},
                 form_page="/account/login")
    assert r.headers["Location"].endswith("/account/password")
    web.logout()
    r = web.post("/account/login?next=//evil.example.com/", {"login": "lin@example.com", "password": PASSWORD},
                 form_page="/account/login")
    assert "evil" not in r.headers["Location"]


def test_change_password_logs_out_other_sessions(app, make_user):
    from tests.conftest import Browserish

    make_user("lin@example.com")
    phone, laptop = Browserish(app.test_client()), Browserish(app.test_client())
    phone.login("lin@example.com", PASSWORD)
    laptop.login("lin@example.com", PASSWORD)
    r = phone.post("/account/password", {"current_password": PASSWORD, "new_password": "a new secret 7"})
    assert r.status_code == 302
    assert phone.get("/account/").status_code == 200
    assert laptop.get("/account/").status_code == 302  # logged out
    r = phone.post("/account/password", {"current_password": "wrong", "new_password": "another one 8"})
    assert r.status_code == 400 and "current password is not correct" in r.get_data(as_text=True)


def _reset_link(app) -> str:
    with app.app_context():
        body = get_session().scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return re.search(r"http://localhost(/account/reset/\S+)", body).group(1)


def test_password_reset_by_single_use_link(web, app, make_user):
    make_user("lin@example.com")
    r = web.post("/account/forgot", {"login": "lin@example.com"})
    assert r.status_code == 302
    link = _reset_link(app)
    assert web.get(link).status_code == 200
    assert web.post(link, {"password": "brand new pass 9"}).status_code == 302
    assert web.login("lin@example.com", "brand new pass 9").status_code == 302
    web.logout()
    reused = web.get(link)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)


def test_reset_for_unknown_account_says_the_same_and_sends_nothing(web, app):
    r = web.post("/account/forgot", {"login": "nobody@example.com"}, follow_redirects=True)
    assert "If an account exists" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_expired_reset_link_is_refused(web, app, make_user):
    make_user("lin@example.com")
    web.post("/account/forgot", {"login": "lin@example.com"})
    link = _reset_link(app)
    with app.app_context():
        token = get_session().scalar(select(PasswordResetToken))
        token.expires_at = utcnow() - timedelta(minutes=1)
        get_session().commit()
    r = web.get(link)
    assert r.status_code == 400 and "expired" in r.get_data(as_text=True)
    assert web.client.post(link, data={"password": "whatever 123"}).status_code == 400


def test_forged_csrf_token_is_refused(web, app):
    web.get("/account/register")
    r = web.client.post(
        "/account/register",
        data={"csrf_token": "forged", "display_name": "x", "login": "a@example.com", "password": PASSWORD},
        headers=web.headers,
    )
    assert r.status_code == 400
    assert "The form has expired or was not sent from this site" in r.get_data(as_text=True)
    assert count_users(app) == 0


def test_tampered_session_cookie_is_ignored(web, app, make_user):
    make_user("lin@example.com")
    web.login("lin@example.com", PASSWORD)
    cookie = web.client.get_cookie("session")
    tampered = cookie.value[:-3] + ("AAA" if not cookie.value.endswith("AAA") else "BBB")
    web.client.set_cookie("session", tampered)
    r = web.get("/account/")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_registration_says_the_same_for_anyones_login(app, make_user):
    """Registering with a login that is taken cannot succeed, but the answer is the same whether the account
    belongs to another organisation's member or to nobody's, and names no organisation."""
    from lms.orgs import services as orgs
    from lms.orgs.models import Role
    from tests.conftest import Browserish

    make_user("member@example.com")
    make_user("loner@example.com")
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="MCN Elsewhere", slug="mcn-elsewhere", kind="mcn")
        orgs.add_member(session, org=org, user=session.scalar(select(User).where(User.email == "member@example.com")),
                        role=Role.LEARNER)  # fmt: skip
        session.commit()
    answers = []
    for login in ("member@example.com", "loner@example.com"):
        r = Browserish(app.test_client()).post("/account/register", {"display_name": "x", "login": login,
                                                                     "password": "a long password 1"})  # fmt: skip
        html = r.get_data(as_text=True)
        answers.append((r.status_code, re.sub(r'(value|content)="[^"]*"', "", html).replace(login, "X")))
        assert "Elsewhere" not in html and "organisation" not in html.lower()
    assert answers[0] == answers[1]
