"""POST /api/v1/verify and the verify page with credentials from other issuers: JSON, JWT, PNG and SVG badges,
did:key offline, did:web with a DID document the person supplies, and "unsupported format" for anything else."""

import io
import json

from lms.credentials import multikey as mk
from tests.unit.test_foreign_credentials import (
    ED_KEY,
    SAMPLES,
    WEB_DID,
    credential,
    did_key_ed,
    did_web_document,
    jwt,
    png_with,
    signed,
    svg_with,
)

VERIFY = "/api/v1/verify"


def did_key_badge() -> bytes:
    return json.dumps(signed(did_key_ed(), mk.did_key_verification_method(ED_KEY.public_key())), ensure_ascii=False).encode()


def test_api_checks_a_json_badge_from_a_did_key_issuer(app):
    client = app.test_client()
    report = client.post(VERIFY, data=did_key_badge(), content_type="application/ld+json").get_json()
    assert report["verified"] is True and report["state"] == "verified" and report["issued_here"] is False
    assert [c["check"] for c in report["checks"]] == ["format", "contexts", "signature", "issuer", "validity", "status"]


def test_api_reads_a_jwt_a_png_and_an_svg_badge(app):
    client = app.test_client()
    issuer = did_key_ed()
    token = jwt(credential(issuer), ED_KEY, "EdDSA", f"{issuer}#{issuer.removeprefix('did:key:')}")
    assert client.post(VERIFY, data=token, content_type="application/vc+jwt").get_json()["state"] == "verified"
    png = client.post(VERIFY, data=png_with(did_key_badge()), content_type="image/png").get_json()
    assert png["state"] == "verified" and png["checks"][0]["detail"] == "a JSON credential baked in a PNG image"
    svg = client.post(VERIFY, data=svg_with(token), content_type="image/svg+xml").get_json()
    assert svg["state"] == "verified" and svg["checks"][0]["detail"] == "a JWT (VC-JOSE) credential baked in an SVG image"
    tampered = client.post(VERIFY, data=png_with(did_key_badge().replace("直播合规".encode(), "直播高手".encode())),
                           content_type="image/png").get_json()  # fmt: skip
    assert tampered["state"] == "failed" and tampered["verified"] is False


def test_api_takes_a_did_document_for_a_did_web_issuer_and_says_when_none_was_given(app):
    client = app.test_client()
    badge = json.dumps(signed(WEB_DID, f"{WEB_DID}#key-1")).encode()
    alone = client.post(VERIFY, data={"credential": (io.BytesIO(badge), "badge.json")},
                        content_type="multipart/form-data").get_json()  # fmt: skip
    assert alone["state"] == "cannot_check" and "which was not given" in alone["summary"]
    both = client.post(VERIFY, data={"credential": (io.BytesIO(badge), "badge.json"),
                                     "did_document": json.dumps(did_web_document())},
                       content_type="multipart/form-data").get_json()  # fmt: skip
    assert both["state"] == "verified"
    bad_doc = client.post(VERIFY, data={"credential": (io.BytesIO(badge), "badge.json"), "did_document": "{oops"},
                          content_type="multipart/form-data")  # fmt: skip
    assert bad_doc.status_code == 400 and bad_doc.get_json()["error"]["detail"] == "did_document: the DID document is not JSON"


def test_api_says_cannot_be_checked_for_a_published_sample_with_unpinned_contexts(app):
    sample = (SAMPLES / "linked-data-proof-ob.json").read_bytes()
    report = app.test_client().post(VERIFY, data=sample, content_type="application/json").get_json()
    assert report["state"] == "cannot_check" and report["verified"] is False
    assert report["summary"].startswith("cannot be checked: unknown context URL https://www.w3.org/2018/credentials/v1")


def page_token(client) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get("/verify/badge").get_data(as_text=True))


def test_the_verify_page_takes_a_badge_file_and_shows_each_check(app):
    client = app.test_client()
    page = client.get("/verify/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/verify/badge"' in page
    issuer = did_key_ed()
    token = jwt(credential(issuer), ED_KEY, "EdDSA", f"{issuer}#{issuer.removeprefix('did:key:')}")
    response = client.post("/verify/badge", headers={"Accept-Language": "en"}, content_type="multipart/form-data",
                           data={"csrf_token": page_token(client),
                                 "credential_file": (io.BytesIO(png_with(token.encode())), "badge.png")})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "✓ Verified" in html
    assert "Issued by another issuer: checked here, without asking anyone." in html
    assert "a JWT (VC-JOSE) credential baked in a PNG image" in html and "EdDSA signature verified with did:key:" in html


def test_the_verify_page_says_what_could_not_be_checked_and_why_in_chinese(app):
    client = app.test_client()
    badge = json.dumps(signed(WEB_DID, f"{WEB_DID}#key-1"))
    zh = {"Accept-Language": "zh-CN"}
    response = client.post("/verify/badge", headers=zh, content_type="multipart/form-data",
                           data={"csrf_token": page_token(client), "credential_text": badge})  # fmt: skip
    html = response.get_data(as_text=True)
    assert "无法检查" in html and "签发者的密钥" in html and "而这份文档没有提供（请上传或粘贴那份 did.json）" in html
    with_doc = client.post("/verify/badge", headers=zh, content_type="multipart/form-data",
                           data={"csrf_token": page_token(client), "credential_text": badge,
                                 "did_file": (io.BytesIO(json.dumps(did_web_document()).encode()), "did.json")})  # fmt: skip
    assert "✓ 已验证" in with_doc.get_data(as_text=True)


def test_the_verify_page_names_an_unsupported_file_without_an_error_page(app):
    client = app.test_client()
    response = client.post("/verify/badge", headers={"Accept-Language": "en"}, content_type="multipart/form-data",
                           data={"csrf_token": page_token(client),
                                 "credential_file": (io.BytesIO(b"GIF89a\x01\x00"), "badge.gif")})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="badge-problem"' in html
    assert "unsupported format: a GIF image" in html


def test_lms_verify_badge_checks_a_file_offline_with_exit_codes(app, tmp_path):
    runner = app.test_cli_runner()
    badge = tmp_path / "badge.png"
    badge.write_bytes(png_with(did_key_badge()))
    ok = runner.invoke(args=["verify-badge", str(badge)])
    assert ok.exit_code == 0 and "ok   signature: eddsa-rdfc-2022 proof verified" in ok.output and "VERIFIED" in ok.output
    web = tmp_path / "web.json"
    web.write_text(json.dumps(signed(WEB_DID, f"{WEB_DID}#key-1")), encoding="utf-8")
    alone = runner.invoke(args=["verify-badge", str(web)])
    assert alone.exit_code == 2 and "CANNOT BE CHECKED" in alone.output and "which was not given" in alone.output
    did = tmp_path / "did.json"
    did.write_text(json.dumps(did_web_document()), encoding="utf-8")
    assert runner.invoke(args=["verify-badge", str(web), "--did", str(did)]).exit_code == 0
    garbage = tmp_path / "photo.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe0JFIF")
    result = runner.invoke(args=["verify-badge", str(garbage)])
    assert result.exit_code == 2 and "unsupported format: a JPEG image" in result.output
