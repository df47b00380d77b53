"""Red-team findings on the bureaus' bulk check: it must not become a way to recover a holder's 身份证号."""

import csv
import io
import json
import re
import threading
from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts import idcard
from lms.bureau import idtries, services
from lms.bureau.models import IdTry
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.orgs import services as orgs
from lms.orgs.models import Organisation
from tests.web.test_bureau import as_csv, registry, verifier  # noqa: F401 - fixtures
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture


DAY_CAP_EN = "ID number not checked: at most 3 different ID numbers per certificate can be tried in 24 hours"


def guess(birth: str) -> str:
    """A well-formed number with the holder's region and last four characters but another birth date."""
    first17 = VALID_ID[:6] + birth + VALID_ID[14:17]
    return first17 + idcard.check_character(first17)


def test_one_file_tries_only_a_few_id_numbers_per_certificate(app, registry, verifier):  # noqa: F811
    """Finding: a bulk check compared every row's ID number with the holder's, and a file may have 100,000 rows:
    with a certificate's public number, name and last four characters, a bureau token could try every birth
    date (and region) in a few requests and learn the holder's full number, which bureaus may otherwise see only
    for consenting hosts of submitted cohorts. Now one file compares at most three different ID numbers per
    certificate; further rows say the ID number was not checked (the same number twice counts once)."""
    page = verifier.post("/bureau/city-bureau/tokens", {"name": "市人社局业务系统"}).get_data(as_text=True)
    secret = page.split('readonly value="')[1].split('"')[0]
    number = registry["valid"]
    births = ["19500101", "19500102", "19500103", "19500104"]
    body = [{"number": number, "name": "林小美", "id_number": guess(b)} for b in births]
    body.insert(1, dict(body[0]))  # the same wrong number again: not a further try
    body.append({"number": number, "name": "林小美", "id_number": VALID_ID})
    r = app.test_client().post("/api/v1/verify/bulk", json=body, headers={"Authorization": f"Bearer {secret}",
                                                                           "Accept-Language": "en"})  # fmt: skip
    assert r.status_code == 200
    results = json.loads(r.data)
    assert [x["result"] for x in results] == ["id_mismatch"] * 4 + ["malformed"] * 2
    assert results[-1]["detail"] == "ID number not checked: one file can try at most 3 ID numbers per certificate"
    # Another call is no way around it: the bureau's three numbers for this certificate are spent for 24 hours.
    alone = app.test_client().post("/api/v1/verify/bulk", json=body[-1:], headers={"Authorization": f"Bearer {secret}",
                                                                                    "Accept-Language": "en"})  # fmt: skip
    assert [(x["result"], x["detail"]) for x in json.loads(alone.data)] == [("malformed", DAY_CAP_EN)]


def new_token(app, slug: str) -> str:
    with app.app_context():
        session = get_session()
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        if org is None:
            org = orgs.create_organisation(session, name="另一市人社局", slug=slug, kind="bureau")
        _record, secret = services.create_token(session, org_id=org.id, name="业务系统", created_by_id=None)
        session.commit()
    return secret


def api(app, secret: str, number: str, *ids: str) -> list[tuple[str, str]]:
    body = [{"number": number, "name": "林小美", "id_number": i} for i in ids]
    r = app.test_client().post("/api/v1/verify/bulk", json=body, headers={"Authorization": f"Bearer {secret}",
                                                                           "Accept-Language": "en"})  # fmt: skip
    assert r.status_code == 200
    return [(x["result"], x["detail"]) for x in json.loads(r.data)]


def results_of(web, location: str) -> list[list[str]]:
    check_id = location.rsplit("/", 1)[1]
    return list(csv.reader(io.StringIO(web.get(f"/bureau/city-bureau/checks/{check_id}.csv").data.decode("utf-8-sig"))))[1:]


def test_files_in_a_row_share_one_daily_allowance_per_certificate(app, registry, verifier):  # noqa: F811
    """Finding: the cap of three was per file, so a bureau could send file after file (or 30 API calls a minute)
    and still try the ~320 region codes of a holder whose birth date it knows. Now a bureau compares at most three
    different ID numbers per certificate in any 24 hours, over its uploads, background checks and API calls; the
    rows over it say, in the page's language, that the ID number was not checked."""
    number = registry["valid"]
    verifier.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    first = [["证书编号", "姓名", "身份证号"], [number, "林小美", guess("19500101")], [number, "林小美", guess("19500102")]]
    r = verifier.post("/bureau/city-bureau/", {"file": (io.BytesIO(as_csv(first)), "一.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    assert [line[3] for line in results_of(verifier, r.headers["Location"])] == ["身份证号不符"] * 2
    second = [first[0], [number, "林小美", guess("19500101")], [number, "林小美", guess("19500103")],
              [number, "林小美", VALID_ID]]  # fmt: skip
    r = verifier.post("/bureau/city-bureau/", {"file": (io.BytesIO(as_csv(second)), "二.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    page = verifier.get(r.headers["Location"]).get_data(as_text=True)
    read = results_of(verifier, r.headers["Location"])
    # The number tried yesterday-or-today is compared again; one new one fits; the right one no longer does.
    assert [line[3] for line in read] == ["身份证号不符", "身份证号不符", "格式错误"]
    assert read[2][4] == "未核对身份证号：同一证书 24 小时内最多核对 3 个不同的身份证号"
    assert "未核对身份证号：同一证书 24 小时内最多核对 3 个不同的身份证号" in page and VALID_ID not in page
    # A large file, checked by a background job, counts against the same allowance.
    app.config["LMS"].bulk_check_job_bytes = 100
    big = [first[0]] + [[number, "林小美", VALID_ID]] * 5
    r = verifier.post("/bureau/city-bureau/", {"file": (io.BytesIO(as_csv(big)), "三.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    assert "/jobs/" in r.headers["Location"]
    status = json.loads(verifier.get(r.headers["Location"] + ".json").data)
    assert [line[3] for line in results_of(verifier, status["result_url"])] == ["格式错误"] * 5
    # And so does the API.
    assert api(app, new_token(app, "city-bureau"), number, VALID_ID) == [("malformed", DAY_CAP_EN)]
    with app.app_context():
        stored = get_session().scalars(select(IdTry.id_hash)).all()
    assert len(stored) == 3 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)  # keyed hashes, no numbers


def test_api_calls_in_a_row_then_the_allowance_comes_back_after_24_hours(app, registry, verifier, monkeypatch):  # noqa: F811
    number, secret = registry["valid"], new_token(app, "city-bureau")
    tried = [guess(b) for b in ("19500101", "19500102", "19500103")]
    for one in tried:
        assert api(app, secret, number, one)[0][0] == "id_mismatch"
    assert api(app, secret, number, VALID_ID) == [("malformed", DAY_CAP_EN)]
    assert api(app, secret, number, tried[0])[0][0] == "id_mismatch"  # a number already tried is compared again
    start = utcnow()
    monkeypatch.setattr("lms.bureau.idtries.utcnow", lambda: start + timedelta(hours=23, minutes=59))
    assert api(app, secret, number, VALID_ID) == [("malformed", DAY_CAP_EN)]
    monkeypatch.setattr("lms.bureau.idtries.utcnow", lambda: start + timedelta(hours=24, seconds=1))
    assert api(app, secret, number, VALID_ID)[0][0] == "valid"
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(IdTry)) == 1  # the old tries are gone


def test_another_bureau_has_its_own_allowance(app, registry, verifier):  # noqa: F811
    number = registry["valid"]
    ours = new_token(app, "city-bureau")
    for birth in ("19500101", "19500102", "19500103"):
        api(app, ours, number, guess(birth))
    assert api(app, ours, number, VALID_ID) == [("malformed", DAY_CAP_EN)]
    assert api(app, new_token(app, "other-bureau"), number, VALID_ID)[0][0] == "valid"
    # Another certificate of the same holder has its own allowance too.
    assert api(app, ours, registry["revoked"], VALID_ID)[0][0] == "revoked"


def test_concurrent_checks_cannot_both_pass_the_cap(app, registry, verifier, monkeypatch):  # noqa: F811
    """Two checks at once: while the first holds the certificate's allowance lock, the second waits for it and then
    sees the first's tries, so three different numbers pass, not four."""
    sessions = app.extensions["lms.db"].session_factory
    with app.app_context():
        session = get_session()
        bureau_id = session.scalar(select(Organisation.id).where(Organisation.slug == "city-bureau"))
        certificate_id = session.scalar(select(Certificate.id).where(Certificate.number == registry["valid"].replace("-", "")))
    outcome = {}
    second = threading.Thread(target=lambda: outcome.update(
        second=idtries.admit(sessions(), bureau_id, [(certificate_id, "c" * 64), (certificate_id, "d" * 64)], 3)))
    lock = idtries._lock_allowances

    def lock_then_let_the_other_check_start(conn, *args):
        lock(conn, *args)
        if not second.is_alive() and "started" not in outcome:
            outcome["started"] = True
            second.start()
            second.join(0.5)  # the second check now waits for the lock (if it got that far: the outcome is the same)

    monkeypatch.setattr(idtries, "_lock_allowances", lock_then_let_the_other_check_start)
    first = idtries.admit(sessions(), bureau_id, [(certificate_id, "a" * 64), (certificate_id, "b" * 64)], 3)
    second.join(30)
    assert len(first) == 2 and len(outcome["second"]) == 1
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(IdTry)) == 3


def test_a_check_in_a_session_that_already_wrote_still_counts_its_tries(app, registry, verifier):  # noqa: F811
    """A caller that wrote before checking (on SQLite it then holds the only write lock) neither waits for itself
    nor loses the count: the tries are recorded, and the cap still holds within the same session."""
    from lms.bureau.bulkrows import BulkRow

    with app.app_context():
        session = get_session()
        bureau_id = session.scalar(select(Organisation.id).where(Organisation.slug == "city-bureau"))
        services.audit(session, org_id=bureau_id, action="bulk_check_queued")
        session.flush()
        rows = [BulkRow(i + 2, registry["valid"], "林小美", guess(f"1950010{i + 1}")) for i in range(3)]
        rows.append(BulkRow(5, registry["valid"], "林小美", VALID_ID))
        first = services.check_rows(session, app.extensions["lms.pii"], rows[:2], org_id=bureau_id, id_tries_per_day=3)
        second = services.check_rows(session, app.extensions["lms.pii"], rows[2:], org_id=bureau_id, id_tries_per_day=3)
        session.commit()
        assert [r.result for r in first + second] == ["id_mismatch"] * 3 + ["malformed"]
        assert session.scalar(select(func.count()).select_from(IdTry)) == 3
