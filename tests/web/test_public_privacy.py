"""Every public route and API, asked by an anonymous client about a certificate whose holder's 身份证号 and legal
name are known, shows no more of them than docs/privacy.md allows: the last four characters of the number and the
masked name (林*美)."""

import base64
import json
import re

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.db import get_session
from lms.security.access import rule_of
from lms.skills import services as skills
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture

LEGAL_NAME = "林小美"  # what study_and_pass saves with VALID_ID
PUBLIC_TAIL = VALID_ID[-4:]
ID_SHAPED = re.compile(r"[0-9*]{14}[0-9Xx*]{4}")


def forbidden_parts() -> list[str]:
    """Any five characters in a row of the number (more than the documented last four), the birth date in the
    usual spellings, and the legal name or any two characters of it in a row."""
    parts = {VALID_ID[i:i + 5] for i in range(len(VALID_ID) - 4)}
    parts |= {"19491231", "1949-12-31", "1949年12月31日", VALID_ID.lower()}
    parts |= {LEGAL_NAME[i:i + 2] for i in range(len(LEGAL_NAME) - 1)}
    return sorted(parts)


def readable(response) -> str:
    """The body as text, with base64 in JSON (log entries) decoded too, so nothing hides in an encoding."""
    text = response.get_data(as_text=True)
    if response.is_json:
        for blob in re.findall(r'"([A-Za-z0-9+/=_-]{16,})"', text):
            try:
                text += "\n" + base64.b64decode(blob + "==", validate=False).decode("utf-8", "replace")
            except ValueError:
                pass
    return text


def public_requests(app, number: str, share_token: str, credential: str):
    """One request per public route of the URL map; a new public route with an unknown URL part fails here, so
    that it is added to the walk."""
    values = {"number": number, "token": "not-a-token", "slug": "first-live-room"}
    per_endpoint = {
        "skills.shared": {"token": share_token},
        "catalogue.asset": {"number": 1, "name": "room.svg"},
    }
    queries = {
        "trust.log_entries": "?start=0&end=100",
        "trust.log_consistency": "?first=1&second=1",
        "certificates.verify_form": "?number=" + number,
    }
    bodies = {"trust.verify": credential}
    for url_rule in app.url_map.iter_rules():
        access = rule_of(app.view_functions[url_rule.endpoint])
        if url_rule.endpoint == "static" or access is None or access.kind != "public":
            continue
        args = {name: per_endpoint.get(url_rule.endpoint, {}).get(name, values.get(name)) for name in url_rule.arguments}
        missing = [name for name, value in args.items() if value is None]
        assert not missing, f"{url_rule.rule}: give the walk a value for {missing}"
        path = url_rule.rule
        for name, value in args.items():
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
        method = "GET" if "GET" in url_rule.methods else "POST"
        yield method, path + queries.get(url_rule.endpoint, ""), bodies.get(url_rule.endpoint)


def test_no_public_surface_shows_more_than_the_documented_part(app, graduate):  # noqa: F811
    user_id, number = graduate
    with app.app_context():
        session = get_session()
        share_token = skills.set_sharing(session, user_id, True)
        session.commit()
        credential = session.scalar(select(Certificate.credential))
    client = app.test_client()
    walked = []
    for method, path, body in public_requests(app, number, share_token, credential):
        for language in ("en", "zh-CN"):
            response = client.open(path, method=method, data=body, headers={"Accept-Language": language},
                                   content_type="application/json" if body else None)  # fmt: skip
            assert response.status_code < 500, (method, path, response.status_code)
            text = readable(response)
            for part in forbidden_parts():
                assert part not in text, f"{method} {path} shows {part!r}"
            for shaped in ID_SHAPED.findall(text):
                assert shaped.count("*") >= 14 and shaped.endswith(PUBLIC_TAIL) or set(shaped) == {"*"}, (path, shaped)
        walked.append((method, path, response.status_code))
    seen = {path.split("?")[0] for _method, path, _status in walked}
    # The surfaces that carry the certificate's holder were really asked, and answered.
    for must in (f"/verify/{number}", f"/api/v1/certificates/{number}", f"/api/v1/certificates/{number}/proof",
                 f"/skills/shared/{share_token}", "/api/v1/verify", "/api/v1/log/entries"):  # fmt: skip
        assert must in seen, must
    statuses = {path.split("?")[0]: status for _m, path, status in walked}
    assert statuses[f"/verify/{number}"] == 200 and statuses[f"/api/v1/certificates/{number}"] == 200
    api = json.loads(client.get(f"/api/v1/certificates/{number}").data)
    assert api["holder"] == {"name_masked": "林*美", "id_masked": "*" * 14 + PUBLIC_TAIL}


@pytest.mark.parametrize("raw", [VALID_ID, "110105********002X", " 1101 0519 4912 3100 2X "])
def test_one_masking_function_for_every_public_surface(raw):
    from lms.certificates.masking import mask_id_public

    assert mask_id_public(raw) == "**************002X"


def test_the_printed_certificate_carries_only_the_public_form(app, graduate, tmp_path):  # noqa: F811
    """The PDF is handed around (its QR code leads to the public check): it names the holder, as a certificate
    must, but shows only the last four characters of the number."""
    import shutil
    import subprocess

    from tests.conftest import PASSWORD, Browserish

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    _user_id, number = graduate
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(web.get(f"/certificates/{number}.pdf").data)
    text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True)
                   .stdout.decode().split())  # fmt: skip
    assert "*" * 14 + PUBLIC_TAIL in text and LEGAL_NAME in text
    assert "110105" not in text and "19491231" not in text
