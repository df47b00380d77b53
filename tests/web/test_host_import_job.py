"""A large host import runs as a background job once its org admin confirms: the accounts appear when a worker
has run it, the admin who confirmed it gets the links to hand over on the job's page, and an import that can no
longer be done (an account made meanwhile) creates nothing and says which rows."""

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish, drain
from tests.web.test_host_import import URL, confirm, upload

CSV = "昵称,手机号,邮箱\n阿杰,13900139000,\n小芳,13900139001,\n小美,,mei@example.com\n".encode()


@pytest.fixture
def admins(queued_app, make_user):
    """mcn-a's two org admins and mcn-b's, on the site with a real queue; imports of over 2 hosts become jobs."""
    queued_app.config["LMS"].host_import_job_rows = 2
    for login in ("admin@example.com", "second@example.com", "other@example.com"):
        make_user(login, login.split("@")[0])
    with queued_app.app_context():
        session = get_session()
        found = {u.email: u for u in session.scalars(select(User))}
        a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        orgs.add_member(session, org=a, user=found["admin@example.com"], role=Role.ORG_ADMIN)
        orgs.add_member(session, org=a, user=found["second@example.com"], role=Role.ORG_ADMIN)
        orgs.add_member(session, org=b, user=found["other@example.com"], role=Role.ORG_ADMIN)
        session.commit()
    webs = []
    for login in ("admin@example.com", "second@example.com", "other@example.com"):
        web = Browserish(queued_app.test_client())
        web.login(login, PASSWORD)
        webs.append(web)
    return webs


def hosts(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User).where(User.display_name.in_(["阿杰", "小芳", "小美"])))


def test_a_large_import_is_created_by_a_job_and_its_links_shown_to_who_confirmed_it(queued_app, admins):
    admin, second, other = admins
    r = confirm(admin, upload(admin, CSV).get_data(as_text=True))
    assert r.status_code == 302 and f"{URL}/jobs/" in r.headers["Location"]
    job_url = r.headers["Location"]
    assert "Waiting for a worker…" in admin.get(job_url).get_data(as_text=True) and hosts(queued_app) == 0
    assert drain(queued_app) >= 1 and hosts(queued_app) == 3
    page = admin.get(job_url)
    text = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Hosts created: 3." in text and text.count('<code class="handover">') == 2
    assert "/account/reset/" in text and "Set-password link sent by email" in text
    elsewhere = second.get(job_url)  # another admin of the organisation: the import, without the links
    assert elsewhere.status_code == 302 and "/hosts/imports/" in elsewhere.headers["Location"]
    assert other.get(job_url.replace("mcn-a", "mcn-b")).status_code == 404


def test_an_import_overtaken_by_a_new_account_creates_nothing_and_names_the_row(queued_app, admins, make_user):
    admin, _second, _other = admins
    job_url = confirm(admin, upload(admin, CSV).get_data(as_text=True)).headers["Location"]
    make_user("13900139001", "抢先注册")  # the phone of row 3 registers before the worker runs
    drain(queued_app)
    text = admin.get(job_url).get_data(as_text=True)
    assert "Some hosts can no longer be created, so nothing was imported (rows 3)." in text
    assert hosts(queued_app) == 0
