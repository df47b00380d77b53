"""The shared cache (lms.cache): what is cached changes as soon as its source changes, and nothing one person sees
of their own reaches another."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from lms.catalogue.models import Course
from lms.certificates.models import VALID, Certificate
from lms.certificates.services import revoke
from lms.db import get_session
from lms.accounts.models import User
from lms.orgs.models import Role
from lms.orgs.services import add_member
from lms.transparency import log
from lms.trust import keys
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import EXAMPLE, make_private_to_new_org, sync
from tests.web.test_certificates import study_and_pass
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_skills import browser_for, mcn  # noqa: F401 - fixture


@pytest.fixture
def catalogue_dir(tmp_path):
    root = tmp_path / "catalogue"
    shutil.copytree(EXAMPLE, root)
    return root


def test_a_synced_course_and_a_new_version_show_in_the_catalogue_at_once(app, catalogue_dir, web):
    assert "first live stream" not in web.get("/courses/").get_data(as_text=True)  # the empty list is cached
    sync(app, catalogue_dir)
    assert "Your first live stream: a checklist" in web.get("/courses/").get_data(as_text=True)
    yaml = catalogue_dir / "first-live-room" / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("a checklist", "the list"), encoding="utf-8")
    sync(app, catalogue_dir)
    page = web.get("/courses/").get_data(as_text=True)
    assert "Your first live stream: the list" in page and "a checklist" not in page
    assert "2 lessons" in page


def test_one_persons_courses_and_progress_never_reach_another(app, catalogue_dir, make_user):
    sync(app, catalogue_dir)
    make_private_to_new_org(app, make_user("member@example.com", name="成员甲"))
    make_user("outsider@example.com", name="外人乙")
    inside, outside = Browserish(app.test_client()), Browserish(app.test_client())
    inside.login("member@example.com", PASSWORD)
    outside.login("outsider@example.com", PASSWORD)
    inside.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    assert "first live stream" in inside.get("/courses/").get_data(as_text=True)
    assert "Hello, 成员甲" in inside.get("/").get_data(as_text=True)
    assert "0 of 2 lessons completed" in inside.get("/courses/first-live-room").get_data(as_text=True)
    for client in (outside, Browserish(app.test_client())):  # after the member filled the cache
        for path in ("/courses/", "/"):
            response = client.get(path)
            text = response.get_data(as_text=True)
            assert "first live stream" not in text and "成员甲" not in text
            # A visitor's catalogue may be kept by their own browser only (tests/web/test_public_cache.py).
            assert response.headers["Cache-Control"] == ("no-store" if client is outside or path == "/"
                                                         else "private, no-cache")  # fmt: skip
    assert outside.get("/courses/first-live-room").status_code == 404
    assert "Hello, 外人乙" in outside.get("/").get_data(as_text=True)
    with app.app_context():  # shared now: the outsider sees it, without the member's progress
        get_session().scalar(select(Course)).shared = True
        get_session().commit()
    response = outside.get("/courses/first-live-room")
    text = response.get_data(as_text=True)
    assert "Enrol in this course" in text and "lessons completed" not in text and "成员甲" not in text
    assert response.headers["Cache-Control"] == "no-store"


def test_checkpoint_status_list_and_keys_change_when_their_source_does(app, demo):
    client = app.test_client()
    first = client.get("/log/checkpoint")
    status = client.get("/credentials/status/1")
    did = client.get("/.well-known/did.json")
    for response in (first, status, did):
        assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]
        again = client.get(response.request.path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    with app.app_context():
        session = get_session()
        log.append(session, app.config["LMS"], b"an entry for the test\n", None)
        certificate = session.scalar(select(Certificate).where(Certificate.status == VALID))
        revoke(session, certificate, None, "测试：撤销以检查状态列表。", app.config["LMS"])
        new_key = keys.rotate(session, app.config["LMS"], "credential")
        session.commit()
        size = log.state(session).size
    checkpoint = client.get("/log/checkpoint", headers={"If-None-Match": first.headers["ETag"]})
    assert checkpoint.status_code == 200 and checkpoint.get_data(as_text=True).split("\n")[1] == str(size)
    changed_status = client.get("/credentials/status/1", headers={"If-None-Match": status.headers["ETag"]})
    assert changed_status.status_code == 200 and changed_status.get_json() != status.get_json()
    document = client.get("/.well-known/did.json").get_json()
    assert any(m["publicKeyMultibase"] == new_key.public_multibase for m in document["verificationMethod"])
    assert json.loads(did.data)["id"] == document["id"]


def _t_profile(page: str) -> str:
    return page.split('<div class="t-profile">', 1)[1].split("</div>", 1)[0]


def test_a_hosts_t_profile_is_their_own_and_shows_each_new_result_at_once(app, mcn, make_user):
    """The home page's T-profile picture is cached per host: never shown to another, redrawn on new evidence."""
    from lms.skills import services as skills

    make_user("second@example.com", "second")
    with app.app_context():
        session = get_session()
        from lms.orgs.models import Organisation

        org = session.scalar(select(Organisation).where(Organisation.slug == "mcn-a"))
        second = session.scalar(select(User).where(User.email == "second@example.com"))
        add_member(session, org=org, user=second, role=Role.LEARNER)
        session.commit()
    host, other = browser_for(app, "host@example.com"), browser_for(app, "second@example.com")
    blank = _t_profile(host.get("/").get_data(as_text=True))
    assert "Regulations and compliance" in blank and _t_profile(other.get("/").get_data(as_text=True)) == blank
    study_and_pass(app, mcn["host@example.com"])  # lessons completed and quiz answers graded
    studied = _t_profile(host.get("/").get_data(as_text=True))
    assert studied != blank and studied.count("Not yet") < blank.count("Not yet")
    assert _t_profile(other.get("/").get_data(as_text=True)) == blank  # the other host still sees their own
    with app.app_context():  # a trainer's assessment, written by another person, shows on the host's next visit
        session = get_session()
        skills.assess(session, org_id=org.id, assessor_id=mcn["trainer@example.com"], host_id=mcn["host@example.com"],
                      skill="compliance", level=3, note="")  # fmt: skip
        session.commit()
    assessed = _t_profile(host.get("/").get_data(as_text=True))
    assert assessed != studied
    host.post("/skills/verticals", {"vertical": ["beauty"]}, form_page="/skills/")
    assert "Beauty" in _t_profile(host.get("/").get_data(as_text=True))
    assert _t_profile(other.get("/").get_data(as_text=True)) == blank
    chinese = browser_for(app, "host@example.com", "zh-CN")
    chinese.post("/language", {"lang": "zh_CN"}, form_page="/")
    assert "法规与合规" in _t_profile(chinese.get("/").get_data(as_text=True))


def test_a_repeated_visit_takes_the_t_profile_from_the_worker(app, mcn, monkeypatch):
    """The worker keeps the pictures it drew or read last, under the shared store's key (the person and a digest
    of the sources): the next visit does not ask the store again, and the test above holds with it."""
    from lms import cache

    host = browser_for(app, "host@example.com")
    first = _t_profile(host.get("/").get_data(as_text=True))
    asked: list[str] = []
    store = app.extensions["lms.cache"]
    real = store.get_many
    monkeypatch.setattr(store, "get_many", lambda keys: asked.extend(keys) or real(keys))
    assert _t_profile(host.get("/").get_data(as_text=True)) == first
    assert not [key for key in asked if key.startswith("user:")]
    cache._PERSONAL.clear()  # a worker that has not drawn it yet reads it from the store
    assert _t_profile(host.get("/").get_data(as_text=True)) == first
    assert [key for key in asked if key.startswith("user:")]
