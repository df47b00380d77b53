"""Verifiable credentials end to end: signed at issue, checked by anyone online or offline, revocation and the log."""

import base64
import json

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.credentials.ob3 import find_id_numbers, validate_schema
from lms.db import get_session
from lms.transparency import merkle, note
from lms.transparency.entry import parse_entry, rebuild_root
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture

VERIFY = "/api/v1/verify"


def stored_credential(app) -> dict:
    with app.app_context():
        return json.loads(get_session().scalar(select(Certificate.credential)))


def post(app, body):
    return app.test_client().post(VERIFY, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def checks(response) -> dict:
    report = json.loads(response.data)
    return {c["check"]: c["ok"] for c in report["checks"]} | {"verified": report["verified"]}


def test_every_certificate_is_a_signed_ob3_credential_without_the_id_number(app, graduate):  # noqa: F811
    credential = stored_credential(app)
    assert "OpenBadgeCredential" in credential["type"] and validate_schema(credential) == []
    assert [p["cryptosuite"] for p in credential["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert find_id_numbers(credential) == [] and VALID_ID not in json.dumps(credential)
    assert credential["issuer"]["id"] == "did:web:localhost"


def test_posted_credential_verifies_with_every_check(app, graduate):  # noqa: F811
    r = post(app, stored_credential(app))
    result = checks(r)
    assert r.status_code == 200 and result["verified"] is True
    for name in ("schema", "proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022", "issuer_key", "status", "validity",
                 "log_inclusion"):  # fmt: skip
        assert result[name] is True, (name, json.loads(r.data))


def test_tampering_is_caught_by_the_right_check(app, graduate):  # noqa: F811
    original = stored_credential(app)
    name_changed = json.loads(json.dumps(original, ensure_ascii=False).replace("林小美", "林大美"))
    assert name_changed != original
    result = checks(post(app, name_changed))
    assert result["verified"] is False and result["proof:eddsa-jcs-2022"] is False
    hours = json.loads(json.dumps(original))
    for res in hours["credentialSubject"]["result"]:
        res["value"] = "999"
    assert checks(post(app, hours))["proof:eddsa-rdfc-2022"] is False


def test_revocation_shows_in_the_status_list_and_the_log(app, graduate, make_user):  # noqa: F811
    _user_id, number = graduate
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    admin.post(f"/certificates/{number}/manage", {"action": "revoke", "category": "misconduct", "reason": "经核实代考，撤销证书"})
    result = checks(post(app, stored_credential(app)))
    assert result["verified"] is False and result["status"] is False
    # The log now holds the issue, its process record's seal and the revocation, in that order.
    body = json.loads(app.test_client().get("/api/v1/log/entries?start=0&end=10").data)
    kinds = [parse_entry(base64.b64decode(e["data"])).kind for e in body["entries"]]
    assert kinds == ["issue", "process", "revoke"]


def test_anyone_can_rebuild_the_log_and_check_it(app, graduate):  # noqa: F811
    client = app.test_client()
    did = json.loads(client.get("/.well-known/did.json").data)
    checkpoint_text = client.get("/log/checkpoint").get_data(as_text=True)
    log_key = did["service"][0]["verifierKeys"][0]
    verifier = note.parse_vkey(log_key)
    text, signers = note.open_note(checkpoint_text, {verifier.name: verifier})
    checkpoint = note.Checkpoint.parse(text)
    entries = json.loads(client.get(f"/api/v1/log/entries?start=0&end={checkpoint.size}").data)["entries"]
    size, root = rebuild_root(base64.b64decode(e["data"]) for e in entries)
    assert signers and (size, root) == (checkpoint.size, checkpoint.root_hash)
    consistency = json.loads(client.get(f"/api/v1/log/consistency?first=1&second={size}").data)
    assert consistency["first"] == 1 and isinstance(consistency["proof"], list)
    assert client.get("/api/v1/log/consistency?first=0&second=1").status_code == 400
    assert client.get("/api/v1/log/entries?start=a&end=1").status_code == 400


def test_offline_verifier_from_files(app, graduate, tmp_path):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    files = {
        "credential.json": json.dumps(stored_credential(app), ensure_ascii=False),
        "did.json": client.get("/.well-known/did.json").get_data(as_text=True),
        "status.json": client.get("/credentials/status/1").get_data(as_text=True),
        "checkpoint.txt": client.get("/log/checkpoint").get_data(as_text=True),
        "proof.txt": client.get(f"/api/v1/certificates/{number}/proof").get_data(as_text=True),
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    args = ["verify", str(tmp_path / "credential.json"), "--did", str(tmp_path / "did.json"),
            "--status", str(tmp_path / "status.json"), "--checkpoint", str(tmp_path / "checkpoint.txt"),
            "--proof", str(tmp_path / "proof.txt")]  # fmt: skip
    good = app.test_cli_runner().invoke(args=args)
    assert good.exit_code == 0 and "VERIFIED" in good.output, good.output
    # The same check without the web application, as a bureau runs it: a plain Python process, no Flask loaded.
    import subprocess
    import sys

    from tests.conftest import ROOT

    standalone = subprocess.run(
        [sys.executable, "-c", "import sys, runpy; sys.argv = sys.argv[1:]; runpy.run_module('lms.credentials', "
         "run_name='__main__'); ", "lms", *args[1:]], cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert standalone.returncode == 0 and "VERIFIED" in standalone.stdout, standalone.stdout + standalone.stderr
    tampered = files["credential.json"].replace("林小美", "林小姐")
    (tmp_path / "credential.json").write_text(tampered, encoding="utf-8")
    bad = app.test_cli_runner().invoke(args=args)
    assert bad.exit_code == 1 and "NOT VERIFIED" in bad.output and "FAIL proof:" in bad.output


def test_key_rotation_keeps_old_credentials_verifying(app, graduate):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "new credential key" in result.output
    assert checks(post(app, stored_credential(app)))["verified"] is True


def test_holder_downloads_the_credential_and_the_cli_exports_it(app, graduate):  # noqa: F811
    _user_id, number = graduate
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    downloaded = host.get(f"/certificates/{number}.credential.json")
    assert downloaded.status_code == 200 and json.loads(downloaded.data) == stored_credential(app)
    exported = app.test_cli_runner().invoke(args=["certificates", "export", number, "--format", "ob3"])
    assert json.loads(exported.output) == stored_credential(app)
    proof = app.test_client().get(f"/api/v1/certificates/{number}/proof").get_data(as_text=True)
    parsed = note.parse_proof(proof)
    # Entry 0 of a log of two: the issue, then its process record's seal.
    assert parsed.index == 0 and merkle.verify_inclusion(merkle.leaf_hash(parsed.extra), 0, 2, list(parsed.hashes),
                                                       note.Checkpoint.parse(note.split_note(parsed.checkpoint)[0]).root_hash)


def test_bad_verify_requests(app):
    client = app.test_client()
    for body, what in (("not json", "text that is neither a JSON credential nor a JWT"), ("[1, 2]", "a JSON array"),
                       (b"\xff\xd8\xff\xe0JFIF", "a JPEG image")):  # fmt: skip
        response = client.post(VERIFY, data=body, content_type="application/json")
        assert response.status_code == 415
        assert response.get_json()["error"]["detail"].startswith(f"unsupported format: {what}")
        assert "must be JSON" not in response.get_data(as_text=True)
    assert client.post(VERIFY, data="", content_type="application/json").get_json()["error"]["detail"].startswith(
        "no credential")
    result = client.post(VERIFY, data=json.dumps({"type": ["VerifiableCredential"]}), content_type="application/json")
    report = result.get_json()
    assert report["verified"] is False and report["issued_here"] is False and report["state"] == "failed"
    assert {c["check"]: c["ok"] for c in report["checks"]}["issuer"] is False


@pytest.mark.postgres
def test_two_processes_issuing_at_once_leave_a_consistent_log(app, example, make_user, database_url, tmp_path):  # noqa: F811
    """Twenty certificates issued from two processes at the same moment: one entry each, gap-free, provable."""
    import subprocess
    import sys
    import time
    from datetime import timedelta

    from lms.accounts.idcard import check_character, mask
    from lms.accounts.models import RealNameProfile
    from lms.catalogue.models import Course, Lesson, Quiz
    from lms.db import utcnow
    from lms.learning import services as learning
    from lms.learning.models import StudyTime
    from lms.quizzes.models import FINISHED, QuizAttempt
    from tests.conftest import ROOT

    cfg = app.config["LMS"]
    ids = []
    with app.app_context():
        session = get_session()
        course = session.scalar(select(Course))
        cipher = app.extensions["lms.pii"]
        now = utcnow() - timedelta(minutes=5)
        for i in range(20):
            user_id = make_user(f"h{i}@example.com")
            base = f"11010519900101{i:02d}1"
            number = base + check_character(base)
            session.add(RealNameProfile(user_id=user_id, legal_name=f"学员{i}", id_number_masked=mask(number),
                                        id_number_ciphertext=cipher.encrypt(number, context=f"x:{user_id}"),
                                        id_number_hash=cipher.lookup_hash(number), consent_version="2026-11"))  # fmt: skip
            enrollment = learning.enroll(session, user_id, course)
            enrollment.lessons_completed_at = now
            for lesson in session.scalars(select(Lesson).where(Lesson.version_id == enrollment.version_id)):
                session.add(StudyTime(user_id=user_id, lesson_id=lesson.id, day=now.date(), seconds=900))
            for quiz in session.scalars(select(Quiz).where(Quiz.version_id == enrollment.version_id, Quiz.required)):
                session.add(QuizAttempt(user_id=user_id, quiz_id=quiz.id, number=1, status=FINISHED, started_at=now,
                                        submitted_at=now, paper=[], score=90.0, passed=True))  # fmt: skip
            session.commit()
            ids.append(enrollment.id)
        # Keys exist before the race, as on a running site.
        from lms.trust import keys

        keys.active_key(session, cfg, "credential")
        keys.active_key(session, cfg, "log")
        session.commit()
    start_at = str(time.time() + 3)
    workers = [
        subprocess.Popen([sys.executable, "-m", "tests.web.issue_worker", database_url, str(tmp_path / f"w{n}"),
                          start_at, *map(str, ids[n::2])], cwd=ROOT)  # fmt: skip
        for n in range(2)
    ]
    assert [w.wait(timeout=180) for w in workers] == [0, 0]

    client = app.test_client()
    did = json.loads(client.get("/.well-known/did.json").data)
    verifier = note.parse_vkey(did["service"][0]["verifierKeys"][0])
    text, _signers = note.open_note(client.get("/log/checkpoint").get_data(as_text=True), {verifier.name: verifier})
    checkpoint = note.Checkpoint.parse(text)
    entries = json.loads(client.get("/api/v1/log/entries?start=0&end=100").data)["entries"]
    # Each certificate has two entries: its issue, then its process record's seal.
    assert checkpoint.size == 40 and [e["index"] for e in entries] == list(range(40))
    assert rebuild_root(base64.b64decode(e["data"]) for e in entries) == (40, checkpoint.root_hash)
    parsed = [parse_entry(base64.b64decode(e["data"])) for e in entries]
    assert sorted(entry.kind for entry in parsed) == ["issue"] * 20 + ["process"] * 20
    with app.app_context():
        certificates = get_session().scalars(select(Certificate)).all()
        assert len(certificates) == 20 and len({c.log_index for c in certificates}) == 20
        assert all(parsed[c.log_index].kind == "issue" and parsed[c.log_index].number == c.number for c in certificates)
        assert len({c.status_index for c in certificates}) == 20
        for kind in ("issue", "process"):
            assert {entry.number for entry in parsed if entry.kind == kind} == {c.number for c in certificates}
    for certificate in certificates:
        proof = note.parse_proof(client.get(f"/api/v1/certificates/{certificate.number}/proof").get_data(as_text=True))
        assert merkle.verify_inclusion(merkle.leaf_hash(proof.extra), proof.index, 40, list(proof.hashes), checkpoint.root_hash)
    consistency = json.loads(client.get("/api/v1/log/consistency?first=7&second=40").data)
    earlier = rebuild_root(base64.b64decode(e["data"]) for e in entries[:7])[1]
    assert merkle.verify_consistency(7, 40, earlier, checkpoint.root_hash,
                                   [base64.b64decode(h) for h in consistency["proof"]])
    assert checks(post(app, json.loads(certificates[0].credential)))["verified"] is True


def test_my_data_includes_learning_quizzes_and_certificates(app, graduate):  # noqa: F811
    _user_id, number = graduate
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    data = json.loads(host.get("/account/my-data.json").data)
    assert data["real_name"]["id_number"] == VALID_ID  # the owner sees their own number in full
    assert data["enrollments"][0]["course"] == "first-live-room" and data["study_time"]
    assert data["quiz_attempts"][0]["passed"] is True and data["quiz_attempts"][0]["answers"]
    assert data["certificates"][0]["number"] == number and "skills" in data
