"""Labor bureaus: bulk checks of every kind of result in UTF-8 and GBK, tokens, the audit trail."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from lms import certnumbers
from lms.bureau import services
from lms.bureau.bulkfile import read_rows
from lms.bureau.models import ApiToken, AuditEvent, BulkCheck
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture

OTHER_ID = "440524199001010018"  # a valid number of somebody else


@pytest.fixture
def registry(app, graduate):  # noqa: F811
    """Certificates in every state: the graduate's valid one plus revoked and superseded copies."""
    _user_id, valid = graduate
    with app.app_context():
        session = get_session()
        original = session.scalar(select(Certificate))
        copies = {}
        for status in ("revoked", "superseded"):
            copy = Certificate(**{c.name: getattr(original, c.name) for c in Certificate.__table__.columns
                                  if c.name not in ("id", "number", "issue_key", "status_index", "log_index")})  # fmt: skip
            copy.number, copy.status = certnumbers.normalise(certnumbers.new_number()), status
            if status == "revoked":
                copy.revoked_at, copy.revoked_reason = utcnow(), "代考"
            else:
                copy.superseded_by_id = original.id
            session.add(copy)
            session.flush()
            copies[status] = certnumbers.format(copy.number)
        session.commit()
    return {"valid": valid, **copies}


@pytest.fixture
def verifier(app, make_user):
    make_user("verifier@example.com", "核验员")
    with app.app_context():
        session = get_session()
        from lms.accounts.models import User

        bureau = orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        orgs.add_member(session, org=bureau, user=session.scalar(select(User).where(User.email == "verifier@example.com")),
                        role=Role.BUREAU_VERIFIER)  # fmt: skip
        session.commit()
    web = Browserish(app.test_client())
    web.login("verifier@example.com", PASSWORD)
    return web


def every_kind(registry, count: int) -> tuple[list[list[str]], list[str]]:
    """`count` rows cycling through every result, with the result each must get."""
    unknown = certnumbers.new_number()
    typo = registry["valid"][:-1] + ("2" if registry["valid"][-1] != "2" else "3")
    kinds = [
        (["证书编号", "姓名", "身份证号"], None),
        ([registry["valid"], "林小美", VALID_ID], "valid"),
        ([registry["valid"], "林 小美", ""], "valid"),  # spaces in a name do not matter, the ID is optional
        ([registry["revoked"], "林小美", VALID_ID], "revoked"),
        ([registry["superseded"], "林小美", ""], "superseded"),
        ([unknown, "林小美", ""], "unknown"),
        ([registry["valid"], "王大明", ""], "name_mismatch"),
        ([registry["valid"], "林小美", OTHER_ID], "id_mismatch"),
        ([typo, "林小美", ""], "malformed"),
        (["", "林小美", ""], "malformed"),
    ]
    rows, expected = [kinds[0][0]], []
    for i in range(count):
        row, result = kinds[1 + i % (len(kinds) - 1)]
        rows.append(row)
        expected.append(result)
    return rows, expected


def as_csv(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_ten_thousand_rows_of_every_kind(app, registry, encoding):
    rows, expected = every_kind(registry, 10_000)
    parsed = read_rows(as_csv(rows, encoding), "bureau.csv")
    with app.app_context():
        session = get_session()
        bureau = orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        session.commit()  # the ID-number allowance is counted in a transaction of its own, which must see the bureau
        results = services.check_rows(session, app.extensions["lms.pii"], list(parsed.rows), org_id=bureau.id,
                                      id_tries_per_day=3)
    assert [r.result for r in results] == expected
    assert [r.row for r in results] == list(range(2, 10_002))
    assert all(VALID_ID not in r.detail and OTHER_ID not in r.detail for r in results)


def test_browser_upload_results_downloads_and_audit(app, registry, verifier):
    rows, expected = every_kind(registry, 36)
    page = verifier.get("/bureau/city-bureau/").get_data(as_text=True)
    assert "Check certificates in bulk" in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = verifier.client.post("/bureau/city-bureau/", data={"csrf_token": token,
                             "file": (io.BytesIO(as_csv(rows, "gbk")), "名单.csv")},
                             content_type="multipart/form-data", headers=verifier.headers)  # fmt: skip
    assert r.status_code == 302
    results_page = verifier.get(r.headers["Location"]).get_data(as_text=True)
    assert "name does not match" in results_page and VALID_ID not in results_page
    check_id = r.headers["Location"].rsplit("/", 1)[1]
    csv_text = verifier.get(f"/bureau/city-bureau/checks/{check_id}.csv").data.decode("utf-8-sig")
    read = list(csv.DictReader(io.StringIO(csv_text)))
    words = {"valid": "valid", "revoked": "revoked", "superseded": "superseded", "unknown": "unknown",
             "name_mismatch": "name does not match", "id_mismatch": "ID does not match", "malformed": "malformed"}
    assert [row["Result"] for row in read] == [words[e] for e in expected]
    assert [row["Submitted name"] for row in read[:6]] == ["林小美", "林 小美", "林小美", "林小美", "林小美", "王大明"]
    assert VALID_ID not in csv_text and "身份证" not in csv_text.splitlines()[0]
    xlsx = verifier.get(f"/bureau/city-bureau/checks/{check_id}.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    with app.app_context():
        actions = [e.action for e in get_session().scalars(select(AuditEvent).where(AuditEvent.org_id.is_not(None)).order_by(AuditEvent.id))]
    assert actions == ["bulk_check", "export_csv", "export_xlsx"]
    audit_page = verifier.get("/bureau/city-bureau/audit").get_data(as_text=True)
    assert "Bulk check" in audit_page and "bulk_check" not in audit_page and "核验员" in audit_page
    assert "file: 名单.csv" in audit_page and "{" not in audit_page.split("<tbody>")[1]


def test_downloads_and_the_audit_log_speak_the_language_of_the_page(app, registry, verifier):
    """A Chinese page gets Chinese headers, results, sheet name and actions, people by name, China time."""
    from openpyxl import load_workbook

    verifier.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    rows, expected = every_kind(registry, 9)
    r = verifier.post("/bureau/city-bureau/", {"file": (io.BytesIO(as_csv(rows, "gbk")), "名单.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    check_id = r.headers["Location"].rsplit("/", 1)[1]
    page = verifier.get(r.headers["Location"]).get_data(as_text=True)
    assert "姓名不符" in page or "查无此证" in page
    assert " UTC" not in page
    read = list(csv.reader(io.StringIO(verifier.get(f"/bureau/city-bureau/checks/{check_id}.csv").data.decode("utf-8-sig"))))
    assert read[0] == ["行", "证书编号", "提交的姓名", "结果", "说明"]
    assert [line[3] for line in read[1:4]] == ["有效", "有效", "已撤销"] and read[6][2] == "王大明"
    assert not {"valid", "revoked", "unknown", "malformed", "name_mismatch"} & {line[3] for line in read[1:]}
    book = load_workbook(io.BytesIO(verifier.get(f"/bureau/city-bureau/checks/{check_id}.xlsx").data), read_only=True)
    assert book.sheetnames == ["核验结果"]
    assert [c.value for c in next(book.active.iter_rows(max_row=1))] == ["行", "证书编号", "提交的姓名", "结果", "说明"]
    book.close()
    audit_page = verifier.get("/bureau/city-bureau/audit").get_data(as_text=True)
    assert "批量核验" in audit_page and "下载了核验结果（CSV）" in audit_page and "核验员" in audit_page
    assert "用户 " not in audit_page and "bulk_check" not in audit_page and "北京时间" in audit_page
    audit_csv = list(csv.reader(io.StringIO(verifier.get("/bureau/city-bureau/audit.csv").data.decode("utf-8-sig"))))
    assert audit_csv[0] == ["北京时间", "操作人", "操作", "行数", "说明"]
    check_row = next(line for line in audit_csv if line[2] == "批量核验")
    assert check_row[1] == "核验员" and "文件: 名单.csv" in check_row[4] and "{" not in check_row[4]
    with app.app_context():
        stored = get_session().scalar(select(AuditEvent).where(AuditEvent.action == "bulk_check"))
        from lms.bureau.wording import china_time

        assert check_row[0] == china_time(stored.created_at)


def test_a_row_joined_by_semicolons_is_explained_in_the_pages_language(app, registry, verifier):
    verifier.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    body = f"证书编号,姓名\r\n{registry['valid']};林小美\r\n{registry['valid']},\r\n".encode("gbk")
    r = verifier.post("/bureau/city-bureau/", {"file": (io.BytesIO(body), "名单.csv")},
                      content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    page = r.get_data(as_text=True)
    assert "这一行的各列用英文分号（;）分隔，与表头行不同" in page  # row 2: the real cause, not "姓名为空"
    assert "姓名为空" in page  # row 3 really has no name
    assert "name is empty" not in page


def test_wrong_columns_name_the_expected_ones_and_store_nothing(app, verifier):
    page = verifier.get("/bureau/city-bureau/").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    body = as_csv([["编号", "名字"], ["X", "Y"]])
    r = verifier.client.post("/bureau/city-bureau/", data={"csrf_token": token, "file": (io.BytesIO(body), "bad.csv")},
                             content_type="multipart/form-data", headers=verifier.headers, follow_redirects=True)  # fmt: skip
    text = r.get_data(as_text=True)
    assert "Expected columns: 证书编号 (certificate number), 姓名 (name)" in text
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(BulkCheck)) == 0


def test_api_with_tokens(app, registry, verifier):
    page = verifier.post("/bureau/city-bureau/tokens", {"name": "市人社局业务系统"}).get_data(as_text=True)
    secret = page.split('readonly value="')[1].split('"')[0]
    assert secret.startswith("lmsb_")
    assert secret not in verifier.get("/bureau/city-bureau/tokens").get_data(as_text=True)  # shown once
    client = app.test_client()
    body = [{"number": registry["revoked"], "name": "林小美"}, {"number": registry["valid"], "name": "林小美",
            "id_number": VALID_ID}, {"number": "nonsense", "name": "x"}]  # fmt: skip
    r = client.post("/api/v1/verify/bulk", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200
    assert [(x["row"], x["result"]) for x in json.loads(r.data)] == [(1, "revoked"), (2, "valid"), (3, "malformed")]
    csv_r = client.post("/api/v1/verify/bulk", data=as_csv(every_kind(registry, 9)[0]), content_type="text/csv",
                        headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert [x["result"] for x in json.loads(csv_r.data)] == every_kind(registry, 9)[1]
    for header in ({}, {"Authorization": "Bearer lmsb_wrong"}, {"Authorization": "Basic abc"}):
        refused = client.post("/api/v1/verify/bulk", json=body, headers=header)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    with app.app_context():
        token_id = get_session().scalar(select(ApiToken.id))
    verifier.post(f"/bureau/city-bureau/tokens/{token_id}/revoke", {}, form_page="/bureau/city-bureau/tokens")
    assert client.post("/api/v1/verify/bulk", json=body, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    with app.app_context():
        events = [e.action for e in get_session().scalars(select(AuditEvent).where(AuditEvent.org_id.is_not(None)).order_by(AuditEvent.id))]
    assert events.count("api_bulk_check") == 2 and "token_created" in events and "token_revoked" in events


def test_a_token_of_a_non_bureau_organisation_is_refused(app, registry):
    with app.app_context():
        session = get_session()
        mcn = orgs.create_organisation(session, name="MCN", slug="some-mcn", kind="mcn")
        _record, secret = services.create_token(session, org_id=mcn.id, name="not a bureau", created_by_id=None)
        session.commit()
    r = app.test_client().post("/api/v1/verify/bulk", json=[], headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401


def test_cli_creates_a_token_once(app, verifier):
    result = app.test_cli_runner().invoke(args=["bureau", "token", "create", "--org", "city-bureau", "--name", "系统A"])
    assert result.exit_code == 0 and result.output.strip().splitlines()[0].startswith("lmsb_")
    assert app.test_cli_runner().invoke(args=["bureau", "token", "create", "--org", "nope", "--name", "x"]).exit_code != 0


def test_a_verifiers_single_lookup_is_audited(app, registry, verifier):
    verifier.get(f"/verify/{registry['valid']}")
    with app.app_context():
        event = get_session().scalar(select(AuditEvent).where(AuditEvent.action == "lookup"))
    assert event is not None and event.detail["found"] is True and event.detail["status"] == "valid"
