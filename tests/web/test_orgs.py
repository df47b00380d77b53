"""Site admin creates organisations and invites their admins; org admins invite members who accept."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms.db import get_session, utcnow
from lms.mail.models import OutboxMessage
from lms.orgs.models import Invitation, Membership, Organisation, Role
from tests.conftest import PASSWORD, Browserish


def last_link(app, path: str) -> str:
    with app.app_context():
        body = get_session().scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return re.search(r"http://localhost(" + path + r"\S+)", body).group(1)


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_site_admin_creates_an_mcn_and_its_admin_joins(app, make_user):
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    r = admin.post(
        "/admin/organisations",
        {"name": "星光 MCN", "slug": "star-mcn", "kind": "mcn", "admin_email": "boss@example.com"},
    )
    assert r.status_code == 302
    assert "星光 MCN" in admin.get("/admin/organisations").get_data(as_text=True)
    link = last_link(app, "/invite/")

    make_user("boss@example.com")
    boss = Browserish(app.test_client())
    boss.login("boss@example.com", PASSWORD)
    page = boss.get(link).get_data(as_text=True)
    assert "Organisation admin" in page and "星光 MCN" in page
    assert boss.post(link, {}).status_code == 302
    assert boss.get("/orgs/star-mcn/").status_code == 200
    # Used once: the link is now spent.
    assert boss.get(link).status_code == 410


def test_org_admin_invites_a_host_who_registers_and_accepts(app, make_user):
    make_user("boss@example.com")
    with app.app_context():
        from lms.accounts.models import User
        from lms.orgs import services

        session = get_session()
        org = services.create_organisation(session, name="MCN", slug="mcn", kind="mcn")
        services.add_member(session, org=org, user=session.scalar(select(User)), role=Role.ORG_ADMIN)
        session.commit()
    boss = Browserish(app.test_client())
    boss.login("boss@example.com", PASSWORD)
    r = boss.post("/orgs/mcn/invitations", {"email": "host@example.com", "role": "learner"}, form_page="/orgs/mcn/")
    assert r.status_code == 302
    assert "host@example.com" in boss.get("/orgs/mcn/").get_data(as_text=True)
    # A bureau role does not exist in an MCN.
    r = boss.post("/orgs/mcn/invitations", {"email": "x@example.com", "role": "bureau_verifier"}, form_page="/orgs/mcn/")
    assert r.status_code == 400

    link = last_link(app, "/invite/")
    host = Browserish(app.test_client())
    host.post("/account/register", {"display_name": "小林", "login": "host@example.com", "password": PASSWORD})
    assert host.post(link, {}).status_code == 302
    with app.app_context():
        roles = {m.user.email: m.role for m in get_session().scalars(select(Membership))}
    assert roles["host@example.com"] == Role.LEARNER


def test_invitation_for_another_address_is_refused(app, make_user):
    make_user("boss@example.com", is_site_admin=True)
    boss = Browserish(app.test_client())
    boss.login("boss@example.com", PASSWORD)
    boss.post("/admin/organisations", {"name": "Bureau", "slug": "city-bureau", "kind": "bureau",
                                       "admin_email": "chief@example.com"})
    link = last_link(app, "/invite/")
    make_user("intruder@example.com")
    intruder = Browserish(app.test_client())
    intruder.login("intruder@example.com", PASSWORD)
    r = intruder.post(link, {}, follow_redirects=True)
    assert "sent to another email address" in r.get_data(as_text=True)
    assert count(app, Membership) == 0


def test_expired_invitation(app, make_user):
    make_user("boss@example.com", is_site_admin=True)
    boss = Browserish(app.test_client())
    boss.login("boss@example.com", PASSWORD)
    boss.post("/admin/organisations", {"name": "MCN", "slug": "mcn", "kind": "mcn", "admin_email": "a@example.com"})
    link = last_link(app, "/invite/")
    with app.app_context():
        invitation = get_session().scalar(select(Invitation))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        get_session().commit()
    r = boss.get(link)
    assert r.status_code == 410 and "expired" in r.get_data(as_text=True)


def test_bad_organisation_data_writes_nothing(app, make_user):
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    cases = [
        ({"name": "MCN", "slug": "Bad Slug", "kind": "mcn", "admin_email": "a@example.com"}, "lowercase letters"),
        ({"name": "MCN", "slug": "good-slug", "kind": "mcn", "admin_email": "not-an-email"}, "not a valid email"),
        ({"name": "MCN", "slug": "good-slug", "kind": "mcn", "admin_email": "13800138000"}, "enter an email"),
    ]
    for data, message in cases:
        r = admin.post("/admin/organisations", data)
        assert r.status_code == 400 and message in r.get_data(as_text=True), data
    # A slug that exists is refused, and the failed admin invitation leaves no organisation behind.
    assert count(app, Organisation) == 0 and count(app, Invitation) == 0
    admin.post("/admin/organisations", {"name": "MCN", "slug": "taken", "kind": "mcn", "admin_email": "a@example.com"})
    r = admin.post("/admin/organisations", {"name": "MCN 2", "slug": "taken", "kind": "mcn", "admin_email": "b@example.com"})
    assert r.status_code == 400 and "already taken" in r.get_data(as_text=True)
    assert count(app, Organisation) == 1
