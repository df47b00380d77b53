"""docs/operations.md's backup, done and undone: pg_dump of a site with a certificate, pg_restore into a new
database, and a site on the restored database with the same keys (LMS_PII_KEY, LMS_SIGNING_KEY_SECRET) still
verifies the certificate, its signed credential and the transparency log, and reads the identity number."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest
from sqlalchemy import make_url, select

from lms.transparency import note
from lms.certificates.models import Certificate
from lms.transparency.entry import rebuild_root
from lms.db import get_session
from tests.conftest import PASSWORD, Browserish, make_config, require_program
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_restored_dump_still_verifies_certificates_credentials_and_the_log(
    app, graduate, database_url, fresh_database, app_factory, tmp_path  # noqa: F811
):
    _user_id, number = graduate
    pg_dump = require_program("pg_dump", "postgresql-client")
    pg_restore = require_program("pg_restore", "postgresql-client")
    with app.app_context():
        credential = json.loads(get_session().scalar(select(Certificate.credential)))
    dump = tmp_path / "lms.dump"
    subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={dump}", libpq_url(database_url)], check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    restored_url = fresh_database("restore")
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", f"--dbname={libpq_url(restored_url)}", str(dump)],
                   check=True, capture_output=True, timeout=120)  # fmt: skip

    # The same keys as the dumped site (tests.conftest.make_config always uses the same PII and signing keys).
    restored = app_factory(make_config(restored_url, tmp_path / "restored-instance"))
    client = restored.test_client()
    report = json.loads(client.post("/api/v1/verify", data=json.dumps(credential, ensure_ascii=False),
                                    content_type="application/json").data)  # fmt: skip
    assert report["verified"] is True, report
    assert {c["check"] for c in report["checks"] if c["ok"]} >= {"proof:eddsa-rdfc-2022", "status", "log_inclusion"}
    assert json.loads(client.get(f"/api/v1/certificates/{number}").data)["status"] == "valid"

    did = json.loads(client.get("/.well-known/did.json").data)
    verifier = note.parse_vkey(did["service"][0]["verifierKeys"][0])
    text, signers = note.open_note(client.get("/log/checkpoint").get_data(as_text=True), {verifier.name: verifier})
    checkpoint = note.Checkpoint.parse(text)
    entries = json.loads(client.get(f"/api/v1/log/entries?start=0&end={checkpoint.size}").data)["entries"]
    assert signers and rebuild_root(base64.b64decode(e["data"]) for e in entries) == (checkpoint.size,
                                                                                       checkpoint.root_hash)  # fmt: skip

    host = Browserish(client)
    host.login("host@example.com", PASSWORD)
    assert "110105********002X" in host.get("/account/real-name").get_data(as_text=True)  # LMS_PII_KEY reads it

    # The restored site still signs (LMS_SIGNING_KEY_SECRET opens its stored keys): a revocation is logged under a
    # new checkpoint that opens with the published log key.
    revoked = restored.test_cli_runner().invoke(args=["certificates", "revoke", number, "--reason", "备份恢复演练：撤销一张测试证书"])
    assert revoked.exit_code == 0, revoked.output
    text, signers = note.open_note(client.get("/log/checkpoint").get_data(as_text=True), {verifier.name: verifier})
    assert signers and note.Checkpoint.parse(text).size == checkpoint.size + 1
