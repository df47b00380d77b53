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
from lms.demo import load_demo
from lms.transparency import log
from lms.trust import keys
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import EXAMPLE, make_private_to_new_org, sync


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
            assert response.headers["Cache-Control"] == "no-store"
    assert outside.get("/courses/first-live-room").status_code == 404
    assert "Hello, 外人乙" in outside.get("/").get_data(as_text=True)
    with app.app_context():  # shared now: the outsider sees it, without the member's progress
        get_session().scalar(select(Course)).shared = True
        get_session().commit()
    response = outside.get("/courses/first-live-room")
    text = response.get_data(as_text=True)
    assert "Enrol in this course" in text and "lessons completed" not in text and "成员甲" not in text
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def demo(app):
    with app.app_context():
        session = get_session()
        load_demo(session, app.extensions["lms.pii"], app.config["LMS"])
        session.commit()


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
