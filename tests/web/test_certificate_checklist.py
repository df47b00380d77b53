"""The real-name line of the certificate checklist on /certificates/ (issue 14): a pending identity review shows as a
check in progress with what happens next, in one wording whichever side of the review the host is on, and only once
it is all the certificate waits for; before that, a saved number counts as provided for everyone alike."""

from sqlalchemy import func, select

from lms.accounts import identity
from lms.accounts.models import IdentityConflict, User
from lms.certificates.models import Certificate
from lms.catalogue.models import Course
from lms.db import get_session
from lms.learning import services as learning
from lms.orgs import services as orgs
from lms.orgs.models import OrgKind
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_identity import OTHER_ID, VALID_ID, neutral

REVIEW = "实名信息核对中"
NEXT = "你不需要做什么：核对完成后，证书会自动颁发，你也会收到通知。如果需要你重新填写实名信息，这里会提示你。"
PROVIDED = "✓ 已填写实名信息"


def host(app, make_user, login: str, number: str | None) -> tuple[Browserish, int]:
    make_user(login, "主播")
    web = Browserish(app.test_client(), language="zh-CN")
    web.login(login, PASSWORD)
    if number is not None:
        saved = web.post("/account/real-name", {"legal_name": "林小美", "id_number": number, "consent": "y"})
        assert saved.status_code == 302
    with app.app_context():
        return web, get_session().scalar(select(User.id).where(User.email == login))


def enrol(app, user_id: int) -> None:
    with app.app_context():
        session = get_session()
        learning.enroll(session, user_id, session.scalar(select(Course)))
        session.commit()


def checklist(web: Browserish) -> str:
    page = web.get("/certificates/").get_data(as_text=True)
    return page.split("<main", 1)[1]


def test_a_pending_review_shows_as_a_check_with_what_happens_next_the_same_for_both_accounts(app, example, make_user):  # noqa: F811
    holder, holder_id = host(app, make_user, "holder@example.com", VALID_ID)
    claimant, claimant_id = host(app, make_user, "claimant@example.com", VALID_ID)  # the holder's number
    bystander, bystander_id = host(app, make_user, "bystander@example.com", OTHER_ID)
    nobody, nobody_id = host(app, make_user, "nobody@example.com", None)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(IdentityConflict)) == 1
        states = {uid: identity.real_name_state(session, session.get(User, uid))
                  for uid in (holder_id, claimant_id, bystander_id, nobody_id)}  # fmt: skip
        assert states == {holder_id: "in_review", claimant_id: "in_review", bystander_id: "settled",
                          nobody_id: "missing"}  # fmt: skip

    # Part-way through a course: a saved number is "provided" for everyone, contested or not.
    for user_id in (holder_id, claimant_id, bystander_id, nobody_id):
        enrol(app, user_id)
    early = {name: checklist(web) for name, web in
             (("holder", holder), ("claimant", claimant), ("bystander", bystander))}  # fmt: skip
    assert all(PROVIDED in page and REVIEW not in page for page in early.values())
    assert neutral(early["holder"]) == neutral(early["claimant"]) == neutral(early["bystander"])
    missing = checklist(nobody)
    assert '✗ <a href="/account/real-name">已填写实名信息</a>' in missing and PROVIDED not in missing

    # Everything else done: the review is all the certificate waits for, and the page says so, in one wording.
    for user_id in (holder_id, claimant_id):
        study_and_pass(app, user_id, real_name=False)
    done = {"holder": checklist(holder), "claimant": checklist(claimant)}
    for page in done.values():
        assert "⏳ " + REVIEW in page and NEXT in page
        assert PROVIDED not in page and "✗" not in page.split("data-testid=\"real-name-review\"")[1].split("</li>")[0]
        for word in ("另一个账号", "其他账号", "冲突", "占用", "another account", "claim", "holder"):
            assert word not in page
    assert neutral(done["holder"]) == neutral(done["claimant"])
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Certificate)) == 0

    # The site admin keeps the holder: the holder's certificate is issued, the claimant is asked to fill in again.
    make_user("root@example.com", "root", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    with app.app_context():
        conflict_id = get_session().scalar(select(IdentityConflict.id))
    kept = admin.post(f"/admin/identity-reviews/{conflict_id}", {"keep": "holder"}, form_page="/admin/identity-reviews")
    assert kept.status_code == 302
    settled = checklist(holder)
    assert REVIEW not in settled and "我的证书" in settled and "下载 PDF" in settled
    again = checklist(claimant)
    assert REVIEW not in again and '✗ <a href="/account/real-name">已填写实名信息</a>' in again


def test_data_an_organisation_provided_asks_the_host_to_confirm_it(app, example, make_user):  # noqa: F811
    web, user_id = host(app, make_user, "host@example.com", VALID_ID)
    enrol(app, user_id)
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="某某传媒", slug="mcn", kind=OrgKind.MCN)
        session.get(User, user_id).real_name.provided_by_org_id = org.id  # as a host import leaves it
        session.commit()
    page = checklist(web)
    assert '✗ <a href="/account/real-name">确认机构为你填写的实名信息</a>' in page and PROVIDED not in page
