"""No response tells anyone whether a 身份证号 belongs to another account: a number saved twice is accepted like
any other and waits for a site admin, who keeps one owner (issue 14 §1)."""

import io
import re

import pytest
from sqlalchemy import func, select

from lms.accounts import identity
from lms.accounts.models import IdentityConflict, RealNameProfile, User
from lms.bureau.models import AuditEvent
from lms.certificates.models import Certificate
from lms.db import get_session
from tests.conftest import PASSWORD, Browserish, make_config
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_host_import import mcn, payload_of  # noqa: F401 - fixture

VALID_ID = "11010519491231002X"
OTHER_ID = "110105199003071239"


def account(app, make_user, login: str) -> Browserish:
    make_user(login, login.split("@")[0])
    web = Browserish(app.test_client())
    web.login(login, PASSWORD)
    return web


def save(web, number: str, name: str = "林小美"):
    return web.post("/account/real-name", {"legal_name": name, "id_number": number, "consent": "y"})


def user_id(app, login: str) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.email == login))


def neutral(html: str) -> str:
    """The page without what differs between any two saves (tokens, the number's own mask, the login)."""
    html = re.sub(r'(value|content|nonce)="[^"]{20,}"', "", html)
    return re.sub(r"\d{6}\*{8}\d{3}[\dX]|[a-z]+@example\.com|[a-z]+(?=</)", "", html)


def test_a_number_another_account_holds_is_saved_like_any_other(app, make_user):
    holder = account(app, make_user, "holder@example.com")
    assert save(holder, VALID_ID).status_code == 302
    prober = account(app, make_user, "prober@example.com")
    other = account(app, make_user, "other@example.com")

    taken = save(prober, VALID_ID.lower())  # the holder's number
    free = save(other, OTHER_ID)  # nobody's number
    assert (taken.status_code, taken.headers["Location"]) == (free.status_code, free.headers["Location"]) == (302, "/account/")
    taken_page = prober.get("/account/").get_data(as_text=True)
    free_page = other.get("/account/").get_data(as_text=True)
    assert "Your real-name information has been saved." in taken_page
    assert neutral(taken_page) == neutral(free_page)
    assert "110105********002X" in taken_page  # what the prober typed, as for any save
    assert "another account" not in taken_page and "review" not in taken_page.lower()

    with app.app_context():
        session = get_session()
        conflict = session.scalar(select(IdentityConflict))
        assert conflict.status == "pending" and conflict.source == "holder"
        assert (conflict.claimant_id, conflict.holder_id) == (user_id(app, "prober@example.com"), user_id(app, "holder@example.com"))
        profiles = {p.user_id: p for p in session.scalars(select(RealNameProfile))}
        assert profiles[conflict.claimant_id].id_number_hash is None  # the holder keeps it until the review
        assert profiles[conflict.holder_id].id_number_hash is not None
        assert not identity.is_settled(session, session.get(User, conflict.holder_id))
        assert not identity.is_settled(session, session.get(User, conflict.claimant_id))
        assert identity.is_settled(session, session.get(User, user_id(app, "other@example.com")))
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "real_name_saved")).all()
        assert len(events) == 3 and all(e.org_id is None for e in events)
        assert [e.detail["review"] for e in events] == [False, True, False]
        assert events[0].detail["number"] == events[1].detail["number"]  # tied together, yet not the number
        for event in events:
            assert VALID_ID not in repr(event.detail) and OTHER_ID not in repr(event.detail)
            assert "19491231" not in repr(event.detail)


def test_a_second_save_by_the_same_claimant_keeps_one_review_and_a_new_number_withdraws_it(app, make_user):
    holder = account(app, make_user, "holder@example.com")
    save(holder, VALID_ID)
    prober = account(app, make_user, "prober@example.com")
    save(prober, VALID_ID)
    save(prober, VALID_ID, name="林晓美")
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(IdentityConflict)) == 1
    save(prober, OTHER_ID)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(IdentityConflict.status)) == "withdrawn"
        assert identity.is_settled(session, session.get(User, user_id(app, "holder@example.com")))
        assert identity.is_settled(session, session.get(User, user_id(app, "prober@example.com")))


def test_a_squatter_does_not_lock_the_owner_out_and_the_admin_gives_the_number_back(app, example, make_user):  # noqa: F811
    squatter = account(app, make_user, "squatter@example.com")
    save(squatter, VALID_ID)  # a "miss" of an enumeration saved the real owner's number first
    owner = account(app, make_user, "owner@example.com")
    owner_id = user_id(app, "owner@example.com")
    study_and_pass(app, owner_id, real_name=False)
    response = save(owner, VALID_ID)
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Certificate)) == 0  # waits for the review

    make_user("root@example.com", "root", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    page = admin.get("/admin/identity-reviews").get_data(as_text=True)
    assert "squatter@example.com" in page and "owner@example.com" in page and "110105********002X" in page
    with app.app_context():
        conflict_id = get_session().scalar(select(IdentityConflict.id))
    done = admin.post(f"/admin/identity-reviews/{conflict_id}", {"keep": "claimant"}, form_page="/admin/identity-reviews")
    assert done.status_code == 302
    settled = admin.get("/admin/identity-reviews").get_data(as_text=True)
    assert "Nothing waits for review." in settled and "given to the claimant" in settled
    log = settled.split('data-testid="site-audit"')[1]
    assert log.index("identity_review") < log.index("real_name_saved")  # newest first
    assert VALID_ID not in settled and "19491231" not in settled
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate))
        assert certificate is not None and certificate.user_id == owner_id  # issued as soon as it was settled
        assert session.get(RealNameProfile, user_id(app, "squatter@example.com")) is None
        assert session.get(RealNameProfile, owner_id).id_number_hash is not None
        review = session.scalar(select(AuditEvent).where(AuditEvent.action == "identity_review"))
        assert review.detail["kept"] == "claimant" and VALID_ID not in repr(review.detail)
    # Both accounts keep working.
    assert squatter.get("/account/").status_code == 200 and owner.get("/account/").status_code == 200


def test_rejecting_a_claim_erases_the_claimants_data_only(app, make_user):
    holder = account(app, make_user, "holder@example.com")
    save(holder, VALID_ID)
    prober = account(app, make_user, "prober@example.com")
    save(prober, VALID_ID)
    make_user("root@example.com", "root", is_site_admin=True)
    with app.app_context():
        session = get_session()
        conflict = session.scalar(select(IdentityConflict))
        identity.resolve(session, conflict.id, keep="holder", by=session.get(User, user_id(app, "root@example.com")))
        session.commit()
        assert conflict.status == "kept_holder"
        assert session.get(RealNameProfile, conflict.claimant_id) is None
        assert identity.is_settled(session, session.get(User, conflict.holder_id))
    page = prober.get("/account/").get_data(as_text=True)
    assert "110105********002X" not in page


def test_host_import_says_nothing_about_a_number_another_account_holds(app, mcn, make_user):  # noqa: F811
    holder = account(app, make_user, "holder@example.com")
    save(holder, OTHER_ID)
    data = f"昵称,手机号,邮箱,真实姓名,身份证号\n小美,,mei@example.com,王美丽,{OTHER_ID}\n".encode()
    html = mcn.post("/orgs/mcn-a/hosts/import", {"file": (io.BytesIO(data), "hosts.csv"), "cohort": ""}).get_data(as_text=True)
    assert "1 rows will be created, 0 rows have problems" in html and "another account" not in html
    done = mcn.post("/orgs/mcn-a/hosts/import/confirm", {"payload": payload_of(html), "action": "confirm"},
                    form_page="/orgs/mcn-a/hosts/import")  # fmt: skip
    assert done.status_code == 200
    with app.app_context():
        conflict = get_session().scalar(select(IdentityConflict))
        assert conflict.source == "import" and conflict.holder_id == user_id(app, "holder@example.com")
        assert conflict.claimant_id == user_id(app, "mei@example.com")
        session = get_session()
        from lms.accounts.realname import confirm_provided_real_name

        confirm_provided_real_name(session, session.get(User, conflict.claimant_id), consent=True)
        session.commit()
        assert not identity.is_settled(session, session.get(User, conflict.claimant_id))  # still under review
        events = {e.action: e.detail for e in session.scalars(select(AuditEvent).where(AuditEvent.org_id.is_(None)))}
        assert events["real_name_provided"]["review"] is True and events["real_name_confirmed"]["review"] is True
        assert OTHER_ID not in repr(events)


def test_real_name_saves_are_rate_limited_per_account_and_per_address(database_url, tmp_path, app_factory, make_user):
    from lms.extensions import limiter

    limited = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    limiter.reset()
    try:
        make_user("a@example.com", "a")
        make_user("b@example.com", "b")
        first = Browserish(limited.test_client())
        first.login("a@example.com", PASSWORD)
        statuses = [save(first, OTHER_ID).status_code for _ in range(11)]
        assert statuses[:10] == [302] * 10 and statuses[10] == 429
        # Another account from another address may still save; the same address may not.
        second = Browserish(limited.test_client())
        second.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        second.login("b@example.com", PASSWORD)
        assert save(second, VALID_ID).status_code == 302
        # The same account from a new address is still limited: the limit follows the account too.
        first.client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
        assert save(first, OTHER_ID).status_code == 429
    finally:
        limiter.reset()


@pytest.mark.parametrize("path", ["/admin/identity-reviews"])
def test_only_site_admins_open_the_reviews(app, make_user, path):
    web = account(app, make_user, "host@example.com")
    assert web.get(path).status_code == 403



def test_two_accounts_saving_one_number_at_the_same_moment_get_the_same_answer(app, make_user, monkeypatch):
    """The check for a holder and the other account's commit race: the unique lookup hash refuses the second
    write, and the save is made again as a claim, with the usual answer."""
    holder = account(app, make_user, "holder@example.com")
    save(holder, VALID_ID)
    racer = account(app, make_user, "racer@example.com")
    real_holder_of = identity.holder_of
    calls = []

    def late_holder_of(session, digest):  # the first look happens before the other account's commit lands
        calls.append(digest)
        return None if len(calls) == 1 else real_holder_of(session, digest)

    monkeypatch.setattr(identity, "holder_of", late_holder_of)
    response = save(racer, VALID_ID)
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert len(calls) == 2
    with app.app_context():
        conflict = get_session().scalar(select(IdentityConflict))
        assert conflict.claimant_id == user_id(app, "racer@example.com") and conflict.status == "pending"
