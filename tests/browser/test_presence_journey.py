"""A host studies under a policy with presence checks: answers one (credit goes on), misses one (credit stops, the
page says so, the unconfirmed time is withdrawn), answers the next (credit resumes). With axe on the open dialog."""

import pytest
from sqlalchemy import select, update

from lms.accounts.models import User
from lms.db import get_session, utcnow
from lms.evidence import presence
from lms.evidence import services as evidence
from lms.evidence.models import PresenceCheck, PresenceState
from lms.evidence.policy import StudyPolicy
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.browser.conftest import axe_serious, log_in
from tests.browser.test_learning_journey import credited, read_for
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def host_of_agency(app, user_id: int, policy: StudyPolicy) -> None:
    """The host belongs to an agency whose study policy is ``policy``."""
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        orgs.add_member(session, org=org, user=session.get(User, user_id), role=Role.LEARNER)
        evidence.save_policy(session, org_id=org.id, cohort_id=None, by_user_id=None, policy=policy)
        session.commit()


def force_check(app) -> None:
    """Make the next presence check due now (in real use it comes at a random moment within the interval)."""
    with app.app_context():
        session = get_session()
        session.execute(update(PresenceState).values(next_due_at=utcnow()))
        session.commit()


def pending(app) -> PresenceCheck:
    with app.app_context():
        return get_session().scalar(select(PresenceCheck).where(PresenceCheck.outcome == "pending"))


def answer(page, check: PresenceCheck) -> None:
    dialog = page.get_by_role("alertdialog")
    if check.kind in presence.CHOICE_KINDS:  # a question from the lesson: the server keeps the right text's position
        dialog.get_by_role("button", name=check.prompt["choices"][int(check.answer)], exact=True).click()
    elif check.prompt["choices"]:
        dialog.get_by_role("button", name=check.answer, exact=True).click()
    else:
        dialog.get_by_label("答案（数字）").fill(check.answer)
        dialog.get_by_label("答案（数字）").press("Enter")


def test_host_answers_a_check_misses_one_and_resumes(app, example, live_server, phone, make_user):  # noqa: F811
    cfg = app.config["LMS"]
    cfg.heartbeat_seconds = 1
    user_id = make_user("host@example.com", "小林")
    host_of_agency(app, user_id, StudyPolicy(presence_interval_minutes=15, presence_answer_seconds=60))
    page = phone
    log_in(page, live_server, "host@example.com", PASSWORD)
    page.goto(live_server + "/courses/first-live-room")
    page.get_by_role("button", name="报名学习").click()
    read_for(page, 3, at_least=2)

    # 1. A check appears as a labelled alert dialog with the focus inside it; nothing counts while it waits.
    force_check(app)
    dialog = page.get_by_role("alertdialog", name="在场确认")
    dialog.wait_for(state="visible", timeout=10000)
    assert page.evaluate("document.getElementById('presence-dialog').contains(document.activeElement)")
    assert "剩余作答时间" in dialog.inner_text()
    assert axe_serious(page) == []
    check = pending(app)
    box = dialog.locator("button, input").first.bounding_box()
    assert box["height"] >= 44
    answer(page, check)
    dialog.wait_for(state="hidden")
    assert "已确认在场" in page.locator("#presence-status").inner_text()
    before = credited(page)
    read_for(page, 3, at_least=before + 2)
    assert credited(page) >= before + 2  # credit goes on

    # 2. The next check is missed: the page says so, the time since the answered check is withdrawn, credit stops.
    force_check(app)
    dialog.wait_for(state="visible", timeout=10000)
    missed = pending(app)
    with app.app_context():
        session = get_session()
        session.execute(update(PresenceCheck).where(PresenceCheck.id == missed.id).values(expires_at=utcnow()))
        session.commit()
    page.locator("#presence-status", has_text="错过").wait_for(timeout=10000)
    status = page.locator("#presence-status").inner_text()
    assert "学时已暂停计入" in status
    dialog.wait_for(state="visible")  # a new check, at once
    stopped_at = credited(page)
    assert stopped_at <= before  # the seconds after the answered check are gone
    page.wait_for_timeout(3000)
    assert credited(page) == stopped_at  # nothing counts while stopped

    # 3. Answering the new check resumes credit.
    replacement = pending(app)
    assert replacement.id != missed.id
    answer(page, replacement)
    dialog.wait_for(state="hidden")
    read_for(page, 3, at_least=stopped_at + 2)
    assert credited(page) >= stopped_at + 2
    with app.app_context():
        outcomes = [c.outcome for c in get_session().scalars(select(PresenceCheck).order_by(PresenceCheck.id))]
    assert outcomes == ["answered", "missed", "answered"]


@pytest.fixture
def camera_phone(browser):
    """A phone-sized Chromium with Chromium's fake camera, which grants the camera without asking."""
    from tests.browser.conftest import CHROMIUM, FLAGS

    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])  # fmt: skip
    context = camera_browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                         extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # fmt: skip
    yield context.new_page()
    camera_browser.close()


def test_host_consents_and_a_snapshot_is_taken_at_lesson_start(app, example, live_server, camera_phone, make_user):  # noqa: F811
    import time

    from lms.evidence import identity_services
    from lms.evidence.models import IdentityCheck

    app.config["LMS"].heartbeat_seconds = 1
    user_id = make_user("host@example.com", "小林")
    host_of_agency(app, user_id, StudyPolicy(identity_at_start=True))
    page = camera_phone
    log_in(page, live_server, "host@example.com", PASSWORD)
    page.goto(live_server + "/learning/face-consent")
    assert "人脸图像属于敏感个人信息" in page.locator("main").inner_text()
    assert axe_serious(page) == []
    page.get_by_role("button", name="我同意拍摄身份核验照片").click()
    assert "你已同意" in page.locator("main").inner_text()
    page.goto(live_server + "/courses/first-live-room")
    page.get_by_role("button", name="报名学习").click()
    page.wait_for_load_state("load")
    deadline = time.monotonic() + 15
    stored = None
    while time.monotonic() < deadline and stored is None:
        page.wait_for_timeout(300)
        with app.app_context():
            session = get_session()
            check = session.scalar(select(IdentityCheck))
            if check is not None:
                stored = identity_services.snapshot_of(app.extensions["lms.pii"], check)
                assert (check.moment, check.status) == ("start", "stored")
    assert stored is not None and stored[:3] == b"\xff\xd8\xff"  # the fake camera's frame, as a JPEG
    assert axe_serious(page) == []
