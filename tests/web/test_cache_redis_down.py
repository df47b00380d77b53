"""With the shared cache's Redis gone, the public pages are made from the database each time: the same answers,
each change shown at once, a warning logged (a cache failure means "not cached", never an error page)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from lms import certnumbers, create_app
from lms.certificates.models import Certificate
from lms.certificates.services import revoke
from lms.db import get_session
from tests.conftest import empty_database, make_config, share_compiled_templates
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


@pytest.fixture
def app(database_url, tmp_path):
    application = share_compiled_templates(
        create_app(make_config(database_url, tmp_path / "instance", redis_url=DEAD_REDIS)))
    yield application
    application.extensions["lms.db"].session.remove()
    empty_database(application)
    application.extensions["lms.db"].engine.dispose()


def test_every_public_page_works_from_the_database(app, graduate, caplog):  # noqa: F811
    caplog.set_level(logging.WARNING)
    _user_id, number = graduate
    client = app.test_client()
    en = {"Accept-Language": "en"}
    for _ in range(2):
        assert "Valid certificate" in client.get(f"/verify/{number}", headers=en).get_data(as_text=True)
        assert client.get(f"/api/v1/certificates/{number}").get_json()["status"] == "valid"
        did = client.get("/.well-known/did.json")
        assert did.status_code == 200 and did.get_json()["id"].startswith("did:web:")
        assert client.get("/credentials/status/1").status_code == 200
        checkpoint = client.get("/log/checkpoint")
        assert checkpoint.status_code == 200 and checkpoint.headers["ETag"]
        again = client.get("/log/checkpoint", headers={"If-None-Match": checkpoint.headers["ETag"]})
        assert again.status_code == 304
    assert "cache unavailable" in caplog.text
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate).where(Certificate.number == certnumbers.normalise(number)))
        revoke(session, certificate, None, "测试：撤销。", app.config["LMS"], category="incorrect")
        session.commit()  # the generation cannot be dropped either: nothing was kept under it
    assert "Revoked" in client.get(f"/verify/{number}", headers=en).get_data(as_text=True)
    assert client.get(f"/api/v1/certificates/{number}").get_json()["status"] == "revoked"
