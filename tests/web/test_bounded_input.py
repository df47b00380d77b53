"""Bounded input (issue 14 §4): route values beyond the database's integer range, deeply nested or oversized
JSON, out-of-range numbers in JSON, forms and queries, oversized bulk-check cells: a clear 4xx, never a 500."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from lms.bureau import services as bureau_services
from lms.bureau.models import AuditEvent, BulkCheck
from lms.db import get_session
from lms.orgs.models import Organisation
from tests.conftest import PASSWORD, ROOT, Browserish, csrf_token_from
from tests.web.test_access import people  # noqa: F401 - fixture
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_study_time import host  # noqa: F401 - fixture

NESTED = "[" * 500 + "]" * 500  # about 1 KB, the probe's crash
TOO_BIG = ["2147483648", "99999999999999999999", "9" * 400]
_ARG = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def url_with(rule: str, big: str) -> str:
    def value(match: re.Match) -> str:
        converter, options, name = match.groups()
        if converter == "int":
            return big
        if converter == "any":
            return options.split(",")[0].strip().strip("'\"")
        return {"org_slug": "bureau" if rule.startswith("/bureau") else "mcn-a", "slug": "first-live-room"}.get(name, "x")

    return _ARG.sub(value, rule)


def test_int_route_values_beyond_the_database_range_answer_404(app, people):  # noqa: F811
    admin = Browserish(app.test_client())
    admin.login(people["site_admin"], PASSWORD)
    adapter = app.url_map.bind("localhost")
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        if "int" not in {type(c).__name__ for c in rule._converters.values()} and "<int:" not in rule.rule:
            continue
        for big in TOO_BIG:
            url = url_with(rule.rule, big)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                try:
                    matched = adapter.match(url, method=method)[0]
                except (NotFound, MethodNotAllowed):
                    matched = None
                response = admin.client.open(url, method=method, headers=admin.headers)
                checked += 1
                if matched == rule.endpoint or response.status_code >= 500 or (matched is None and response.status_code != 404):
                    failures.append(f"{method} {url[:80]}: {response.status_code} (matched {matched})")
    assert checked >= 40 and failures == []


def test_nested_or_oversized_json_to_verify_is_a_clear_400(app):
    client = app.test_client()
    for body, says in [(NESTED, "more than 32 levels deep"), ('{"a": NaN}', "NaN is not a JSON number"),
                       ('{"n": ' + "9" * 5000 + "}", "more than 20 digits"),
                       ('{"a": "' + "x" * (1024 * 1024) + '"}', "larger than")]:  # fmt: skip
        r = client.post("/api/v1/verify", data=body, content_type="application/json")
        assert r.status_code == 400, body[:20]
        assert says in r.get_json()["error"]["detail"]
    # What is not JSON at all is no credential the site can read (JSON, JWT, PNG or SVG): 415, never a 500.
    for body in ("x" * (1024 * 1024 + 1), b"\xff\xfe{}", "[1, 2]", "null"):
        r = client.post("/api/v1/verify", data=body, content_type="application/json")
        assert r.status_code == 415 and r.get_json()["error"]["detail"].startswith("unsupported format"), body[:20]


def test_heartbeat_refuses_out_of_range_and_nested_json(app, host, web):  # noqa: F811
    _user, (lesson, _second) = host
    token = web.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = web.client.post("/api/learning/heartbeat", json={"lesson": 10**30}, headers={"X-CSRFToken": token})
    assert r.status_code == 400 and "more than 20 digits" in r.get_json()["error"]["detail"]
    for body in ({"lesson": 10**19}, {"lesson": 2**31}, {"lesson": -1}, {"lesson": 1.5}, {"lesson": lesson, "start": "yes"},
                 [lesson], {"lesson": [lesson]}):  # fmt: skip
        r = web.client.post("/api/learning/heartbeat", json=body, headers={"X-CSRFToken": token})
        assert r.status_code == 400 and "lesson id" in r.get_json()["error"]["detail"], body
    r = web.client.post("/api/learning/heartbeat", data=NESTED, content_type="application/json",
                        headers={"X-CSRFToken": token})  # fmt: skip
    assert r.status_code == 400 and "levels deep" in r.get_json()["error"]["detail"]
    r = web.client.post("/api/learning/heartbeat", json={"lesson": lesson, "start": True}, headers={"X-CSRFToken": token})
    assert r.status_code == 200


@pytest.fixture
def bureau_token(app, verifier):  # noqa: F811
    with app.app_context():
        session = get_session()
        org_id = session.scalar(select(Organisation.id).where(Organisation.slug == "city-bureau"))
        _record, secret = bureau_services.create_token(session, org_id=org_id, name="系统", created_by_id=None)
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_bulk_api_names_the_item_and_field_and_caps_cells(app, bureau_token):
    client = app.test_client()
    for body, says in [([{"number": ["x"], "name": "张三"}], "item 1: number must be a string"),
                       ([{"number": "A" * 15, "name": "张三"}, 7], "item 2: send an object"),
                       ([{"number": "A" * 15, "name": {"x": 1}}], "item 1: name must be a string"),
                       ([], "JSON array of 1 to"), ({"number": "x"}, "JSON array of 1 to")]:  # fmt: skip
        r = client.post("/api/v1/verify/bulk", json=body, headers=bureau_token)
        assert r.status_code == 400 and says in r.get_json()["error"]["detail"], body
    r = client.post("/api/v1/verify/bulk", data=NESTED, content_type="application/json", headers=bureau_token)
    assert r.status_code == 400 and "levels deep" in r.get_json()["error"]["detail"]
    huge = "Q" * 2_000_000
    r = client.post("/api/v1/verify/bulk", json=[{"number": huge, "name": huge}], headers=bureau_token)
    assert r.status_code == 200
    [result] = r.get_json()
    assert result["result"] == "malformed" and len(result["number"]) <= 21
    with app.app_context():
        detail = get_session().scalars(select(AuditEvent).where(AuditEvent.action == "api_bulk_check")).one().detail
    assert "QQQ" not in json.dumps(detail)


def test_bulk_check_upload_with_an_oversized_cell_stores_it_capped(app, verifier):  # noqa: F811
    from tests.unit.test_hostfile import xlsx

    data = xlsx([["证书编号", "姓名"], ["Z" * 3_000_000, "张三"], ["23456-789AB-CDEFG", "王" * 5000]])
    token = csrf_token_from(verifier.get("/bureau/city-bureau/").get_data(as_text=True))
    r = verifier.client.post("/bureau/city-bureau/", data={"csrf_token": token, "file": (io.BytesIO(data), "x" * 500 + ".xlsx")},
                             content_type="multipart/form-data", headers=verifier.headers)  # fmt: skip
    assert r.status_code == 302
    page = verifier.get(r.headers["Location"]).get_data(as_text=True)
    assert "must be 15 to 17 characters" in page and "name is longer than 50 characters" in page
    with app.app_context():
        session = get_session()
        check = session.scalars(select(BulkCheck)).one()
        detail = json.dumps([e.detail for e in session.scalars(select(AuditEvent))])
    assert len(check.results_csv) < 1000 and len(check.filename) <= 100
    assert "ZZZ" not in detail and "xxxxxxxxxx" * 11 not in detail
    rows = list(csv.DictReader(io.StringIO(verifier.get(r.headers["Location"] + ".csv").data.decode("utf-8-sig"))))
    assert [len(row["Certificate number"]) <= 21 for row in rows] == [True, True]


def test_numbers_in_forms_and_queries_are_bounded(app, people):  # noqa: F811
    client = app.test_client()
    for query in ("start=²&end=1", "start=0&end=" + "9" * 5000, "start=-1&end=2"):
        r = client.get(f"/api/v1/log/entries?{query}")
        assert r.status_code == 400 and "whole numbers" in r.get_json()["error"]["detail"]
    for query in ("first=²&second=1", "first=1&second=" + "9" * 5000):
        assert client.get(f"/api/v1/log/consistency?{query}").status_code == 400
    trainer = Browserish(app.test_client())
    trainer.login(people["trainer"], PASSWORD)
    r = trainer.post("/orgs/mcn-a/skills/assess", {"host": "99999999999999999999", "skill": "aigc", "level": "²"},
                     form_page="/orgs/mcn-a/skills")  # fmt: skip
    assert r.status_code in (302, 400, 404)  # refused with a message, as for any host not in the organisation


@pytest.mark.parametrize("command", [[sys.executable, "-m", "lms.credentials"], [sys.executable, "-m", "lms.cli", "verify"]])
def test_offline_verifiers_refuse_deeply_nested_json_clearly(tmp_path, command):
    nested = tmp_path / "nested.json"
    nested.write_text('{"a": ' + NESTED + "}")
    result = subprocess.run([*command, str(nested)], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "LMS_INSTANCE_PATH": str(tmp_path / "i"),
                                 "LMS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})  # fmt: skip
    assert result.returncode != 0
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr
    assert "nested.json" in result.stderr and "more than 32 levels deep" in result.stderr


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["lesson", "start", "number", "name", "id_number", "credentialSubject", "proof", "@context", "type", "x"]),
        inner, max_size=4),
    max_leaves=10,
)  # fmt: skip


def test_json_apis_answer_any_json_without_500(app, host, web, bureau_token):  # noqa: F811
    _user, _lessons = host
    client = app.test_client()
    token = web.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]

    @settings(max_examples=60)
    @given(JSON_VALUES)
    def post_anything(value):
        body = json.dumps(value)
        for url, headers in (("/api/v1/verify", {}), ("/api/v1/verify/bulk", bureau_token)):
            r = client.post(url, data=body, content_type="application/json", headers=headers)
            allowed = (200, 400, 415) if url == "/api/v1/verify" else (200, 400)  # 415: JSON that is no credential
            assert r.status_code in allowed, (url, body, r.status_code)
        r = web.client.post("/api/learning/heartbeat", data=body, content_type="application/json",
                            headers={"X-CSRFToken": token})  # fmt: skip
        assert r.status_code in (200, 400, 404), (body, r.status_code)

    post_anything()


def test_a_witness_key_longer_than_its_column_is_refused(app, verifier):  # noqa: F811
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lms.transparency import witnessing
    from lms.transparency import note
    from lms.errors import ValidationFailed

    long_named = note.vkey("w" * 300, Ed25519PrivateKey.generate().public_key(), alg=note.ALG_COSIGNATURE_V1)
    assert note.parse_vkey(long_named)  # valid as a vkey; PostgreSQL's varchar(200) would refuse it with a 500
    with app.app_context(), pytest.raises(ValidationFailed, match="witness key"):
        witnessing.register_key(get_session(), 1, long_named)
