"""Credentials from other issuers: published 1EdTech samples, and JSON, JWT, PNG and SVG badges made here with
test keys. Each one verifies, fails, or "cannot be checked" with the reason; anything else is "unsupported
format"."""

import base64
import json
import struct
import warnings
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey

from lms.credentials import dataintegrity as di
from lms.credentials import multikey as mk
from lms.credentials.badgefile import UnsupportedFormat, read_badge
from lms.credentials.contexts import (
    ACCEPTED_URLS,
    DATA_INTEGRITY_V2,
    OB_EXTENSIONS,
    OB_V3P0,
    OB_V3P0_301,
    OB_V3P0_302,
    PINNED,
    VC_V2,
    PinnedDocumentLoader,
)
from lms.credentials.foreign import verify_badge

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "credentials" / "1edtech"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ED_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
P256_KEY = ec.derive_private_key(123456789, ec.SECP256R1())
WEB_DID = "did:web:badges.example.edu"


def check(badge_bytes: bytes, did_document=None):
    return verify_badge(read_badge(badge_bytes), did_document, now=NOW)


def did_key_ed() -> str:
    return "did:key:" + mk.encode_public_key(ED_KEY.public_key())


def did_key_p256() -> str:
    point = P256_KEY.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return "did:key:" + mk.multibase_encode(b"\x80\x24" + point)


def credential(issuer: str, contexts=(VC_V2, OB_V3P0)) -> dict:
    return {
        "@context": list(contexts),
        "id": "urn:uuid:7a1d6c33-2c1f-4f6e-9a53-2b1c0b6f1e01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "某直播学院"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "直播合规",
        "credentialSubject": {
            "id": "did:example:host-1",
            "type": ["AchievementSubject"],
            "achievement": {"id": "urn:uuid:0f6f1b56-52a3-4c6b-9f3e-1b0c1b7b2b11", "type": ["Achievement"],
                            "name": "直播合规", "criteria": {"narrative": "通过结业测验"}},  # fmt: skip
        },
    }


def signed(issuer: str, method: str, suite=di.EDDSA_RDFC_2022, contexts=(VC_V2, OB_V3P0)) -> dict:
    loader = PinnedDocumentLoader(ACCEPTED_URLS)
    return di.add_proof(credential(issuer, contexts), ED_KEY, method, suite, "2026-01-01T00:00:00Z",
                        document_loader=loader, as_array=True)  # fmt: skip


def did_web_document(jwk: dict | None = None) -> dict:
    method = {"id": f"{WEB_DID}#key-1", "type": "Multikey", "controller": WEB_DID,
              "publicKeyMultibase": mk.encode_public_key(ED_KEY.public_key())}  # fmt: skip
    if jwk is not None:
        method = {"id": f"{WEB_DID}#key-1", "type": "JsonWebKey", "controller": WEB_DID, "publicKeyJwk": jwk}
    return {"id": WEB_DID, "verificationMethod": [method], "assertionMethod": [f"{WEB_DID}#key-1"]}


def jwt(payload: dict, key, alg: str, kid: str) -> str:
    jose_key = OKPKey.import_key(key) if alg == "EdDSA" else ECKey.import_key(key)
    header = {"alg": alg, "typ": "vc+jwt", "kid": kid}
    with warnings.catch_warnings():  # joserfc warns that RFC 9864 deprecates "EdDSA"; Open Badges 3.0 uses it
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact(header, json.dumps(payload).encode(), jose_key, algorithms=[alg])


def png_with(text: bytes, keyword: bytes = b"openbadgecredential", compressed: bool = False) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    itxt = keyword + b"\0" + bytes([1 if compressed else 0, 0]) + b"\0\0" + (zlib.compress(text) if compressed else text)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"iTXt", itxt)
            + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))  # fmt: skip


def svg_with(text: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10">\n'
            f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>\n<circle r=\"4\"/></svg>").encode()


# --- the pinned contexts ---------------------------------------------------------------------------------------------


def test_the_contexts_a_real_badge_names_are_pinned_with_their_hashes():
    assert set(ACCEPTED_URLS) == {VC_V2, OB_V3P0_301, OB_V3P0_302, OB_V3P0, OB_EXTENSIONS, DATA_INTEGRITY_V2}
    assert PINNED[OB_V3P0_301].sha256.startswith("5f3d9dd6") and PINNED[DATA_INTEGRITY_V2].sha256.startswith("67f21e6e")
    PinnedDocumentLoader(ACCEPTED_URLS).verify_all()  # every file matches its recorded SHA-256


# --- published 1EdTech samples ----------------------------------------------------------------------------------------


def test_the_1edtech_did_key_sample_verifies_its_signature_but_its_issuer_is_not_the_key():
    report = check((SAMPLES / "simple-did-key-method.json").read_bytes())
    assert report.get("contexts").ok is True and report.get("validity").ok is True
    assert report.get("signature").ok is True
    assert report.get("signature").detail == (
        "eddsa-rdfc-2022 proof verified with did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    )
    assert report.state == "cannot_check"
    assert report.summary.startswith("cannot be checked: the issuer urn:uuid:6f2e33e5")


@pytest.mark.parametrize(
    ("name", "fmt", "reason"),
    [
        ("linked-data-proof-ob.json", "a JSON credential", "unknown context URL https://www.w3.org/2018/credentials/v1"),
        ("simple-json.svg", "a JSON credential baked in an SVG image", "unknown context URL https://www.w3.org/2018/credentials/v1"),
        ("simple.jwt", "a JWT (VC-JOSE) credential", "unknown context URL https://www.w3.org/2018/credentials/v1"),
    ],
)  # fmt: skip
def test_published_samples_with_unpinned_contexts_cannot_be_checked_rather_than_fail(name, fmt, reason):
    report = check((SAMPLES / name).read_bytes())
    assert report.state == "cannot_check" and report.summary.startswith(f"cannot be checked: {reason}")
    assert report.get("format").detail == fmt
    assert all(c.ok is not False for c in report.checks)  # nothing is called a bad signature
    assert "does not verify" not in json.dumps(report.to_dict())


def test_the_1edtech_rs256_jwt_says_its_algorithm_cannot_be_checked():
    report = check((SAMPLES / "simple.jwt").read_bytes())
    assert report.get("signature").detail == "cannot be checked: JWT algorithm RS256 is not supported here (EdDSA and ES256 are)"


# --- JSON with Data Integrity proofs, made here ------------------------------------------------------------------------


@pytest.mark.parametrize("suite", [di.EDDSA_RDFC_2022, di.EDDSA_JCS_2022])
def test_a_did_key_credential_verifies_fully_offline_and_a_tampered_one_fails(suite):
    issuer = did_key_ed()
    good = signed(issuer, mk.did_key_verification_method(ED_KEY.public_key()), suite)
    report = check(json.dumps(good).encode())
    assert report.state == "verified", report.to_dict()
    assert report.get("issuer").detail.startswith(f"signed by the issuer's own key {issuer}")
    tampered = json.loads(json.dumps(good))
    tampered["credentialSubject"]["achievement"]["name"] = "高级直播合规"
    bad = check(json.dumps(tampered).encode())
    assert bad.state == "failed" and bad.get("signature").ok is False
    assert "signature does not verify" in bad.summary


def test_a_did_web_issuer_needs_its_did_document_and_says_so_plainly():
    good = json.dumps(signed(WEB_DID, f"{WEB_DID}#key-1")).encode()
    without = check(good)
    assert without.state == "cannot_check"
    assert "did:web:badges.example.edu's DID document, which was not given" in without.summary
    assert check(good, did_web_document()).state == "verified"
    wrong = dict(did_web_document(), id="did:web:other.example")
    assert check(good, wrong).state in ("failed", "cannot_check") and check(good, wrong).verified is False
    other_key = Ed25519PrivateKey.generate().public_key()
    forged = did_web_document()
    forged["verificationMethod"][0]["publicKeyMultibase"] = mk.encode_public_key(other_key)
    assert check(good, forged).state == "failed"


def test_a_credential_signed_by_someone_else_than_its_issuer_fails():
    forged = signed("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", mk.did_key_verification_method(ED_KEY.public_key()))
    report = check(json.dumps(forged).encode())
    assert report.state == "failed" and report.get("issuer").detail.startswith("signed by did:key:")


def test_an_unpinned_context_is_its_own_state_even_when_a_jcs_signature_verifies():
    issuer = did_key_ed()
    contexts = (VC_V2, OB_V3P0, "https://example.org/my-own-context.jsonld")
    cred = signed(issuer, mk.did_key_verification_method(ED_KEY.public_key()), di.EDDSA_JCS_2022, contexts)
    report = check(json.dumps(cred).encode())
    assert report.get("signature").ok is True
    assert report.state == "cannot_check"
    assert report.summary == ("cannot be checked: unknown context URL https://example.org/my-own-context.jsonld "
                              "(contexts are pinned and never fetched)")  # fmt: skip


# --- VC-JOSE JWTs ------------------------------------------------------------------------------------------------------


def test_an_eddsa_jwt_from_a_did_key_verifies_and_a_tampered_one_fails():
    issuer = did_key_ed()
    token = jwt(credential(issuer), ED_KEY, "EdDSA", f"{issuer}#{issuer.removeprefix('did:key:')}")
    report = check(token.encode())
    assert report.state == "verified", report.to_dict()
    assert report.get("signature").detail.startswith("EdDSA signature verified with did:key:")
    head, body, sig = token.split(".")
    changed = credential(issuer)
    changed["name"] = "伪造"
    forged = ".".join([head, base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode(), sig])
    bad = check(forged.encode())
    assert bad.state == "failed" and "signature does not verify" in bad.summary


def test_an_es256_jwt_verifies_from_a_p256_did_key_and_from_a_did_web_jwk():
    issuer = did_key_p256()
    token = jwt(credential(issuer), P256_KEY, "ES256", f"{issuer}#{issuer.removeprefix('did:key:')}")
    assert check(token.encode()).state == "verified"
    public_jwk = ECKey.import_key(P256_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)).as_dict()
    web = jwt(credential(WEB_DID), P256_KEY, "ES256", f"{WEB_DID}#key-1")
    assert check(web.encode()).state == "cannot_check"
    assert check(web.encode(), did_web_document(public_jwk)).state == "verified"


def test_an_unsigned_jwt_fails():
    head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(credential(did_key_ed())).encode()).rstrip(b"=").decode()
    report = check(f"{head}.{body}.".encode())
    assert report.state == "failed" and "not signed with a public key" in report.summary


# --- baked badges ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True])
def test_png_badges_holding_json_or_a_jwt_are_read_and_checked(compressed):
    issuer = did_key_ed()
    cred = json.dumps(signed(issuer, mk.did_key_verification_method(ED_KEY.public_key())), ensure_ascii=False).encode()
    report = check(png_with(cred, compressed=compressed))
    assert report.state == "verified" and report.get("format").detail == "a JSON credential baked in a PNG image"
    token = jwt(credential(issuer), ED_KEY, "EdDSA", f"{issuer}#{issuer.removeprefix('did:key:')}")
    assert check(png_with(token.encode(), compressed=compressed)).state == "verified"
    assert check(png_with(cred.replace("直播合规".encode(), "直播高手".encode()), compressed=compressed)).state == "failed"


def test_svg_badges_holding_json_or_a_jwt_are_read_and_checked():
    issuer = did_key_ed()
    cred = json.dumps(signed(issuer, mk.did_key_verification_method(ED_KEY.public_key())), ensure_ascii=False)
    report = check(svg_with(cred))
    assert report.state == "verified" and report.get("format").detail == "a JSON credential baked in an SVG image"
    token = jwt(credential(issuer), ED_KEY, "EdDSA", f"{issuer}#{issuer.removeprefix('did:key:')}")
    assert check(svg_with(token)).state == "verified"
    assert check(svg_with(cred.replace("直播合规", "直播高手"))).state == "failed"


# --- what is not a credential ---------------------------------------------------------------------------------------


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                  b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>')  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "unsupported format: the file is empty"),
        (b"\xff\xd8\xff\xe0JFIF", "unsupported format: a JPEG image"),
        (b"%PDF-1.7", "unsupported format: a PDF document"),
        (bytes(range(256)) * 4, "unsupported format: binary data that is neither a PNG nor an SVG badge"),
        ("证书编号 12345".encode(), "unsupported format: text that is neither a JSON credential nor a JWT"),
        (b"[1, 2]", "unsupported format: a JSON array"),
        (b'{"a": ', "unsupported format: text that starts like JSON but is not valid JSON"),
        (b"{" * 100_000, "unsupported format:"),
        (png_with(b"{}", keyword=b"openbadges"), "unsupported format: an Open Badges 2.0 baked PNG"),
        (png_with(b"x", keyword=b"Comment"), "unsupported format: a PNG image without an Open Badges 3.0 credential"),
        (b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR", "unsupported format: a damaged PNG image"),
        (png_with(b"{" + b" " * 2_000_000 + b"}", compressed=True), "unsupported format: the credential is larger than"),
        (BILLION_LAUGHS, "unsupported format: an SVG that cannot be read safely"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><circle/></svg>", "unsupported format: an SVG image without"),
        (b"<svg><unclosed></svg>", "unsupported format: XML that is not well-formed"),
        (b"x" * (6 * 1024 * 1024), "unsupported format: the file is larger than 5 MB"),
    ],
)
def test_anything_else_is_an_unsupported_format_that_says_what_it_is(data, message):
    with pytest.raises(UnsupportedFormat) as caught:
        read_badge(data)
    assert str(caught.value).startswith(message)


def test_contexts_that_cannot_be_processed_together_are_not_called_a_bad_signature():
    issuer = did_key_ed()
    cred = signed(issuer, mk.did_key_verification_method(ED_KEY.public_key()), di.EDDSA_JCS_2022, (VC_V2, OB_V3P0_301))
    cred["proof"][0]["cryptosuite"] = di.EDDSA_RDFC_2022  # as if signed with rdfc by a processor that allowed it
    report = check(json.dumps(cred).encode())
    assert report.state == "cannot_check" and report.get("signature").ok is None
    assert report.summary.startswith("cannot be checked: its @context documents cannot be used together")
    for contexts in ((VC_V2, OB_V3P0_302), (VC_V2, OB_V3P0_302, OB_EXTENSIONS), (VC_V2, OB_V3P0, DATA_INTEGRITY_V2)):
        made = signed(issuer, mk.did_key_verification_method(ED_KEY.public_key()), contexts=contexts)
        assert check(json.dumps(made).encode()).state == "verified", contexts


def test_a_verified_badge_with_a_status_list_says_its_revocation_was_not_checked():
    issuer = did_key_ed()
    unsigned = credential(issuer)
    unsigned["credentialStatus"] = {"id": "https://badges.example.edu/status/1#5", "type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation", "statusListIndex": "5",
                                    "statusListCredential": "https://badges.example.edu/status/1"}  # fmt: skip
    cred = di.add_proof(unsigned, ED_KEY, mk.did_key_verification_method(ED_KEY.public_key()), di.EDDSA_JCS_2022,
                        "2026-01-01T00:00:00Z", as_array=True)  # fmt: skip
    report = check(json.dumps(cred).encode())
    assert report.state == "verified"
    assert report.summary.endswith("whether it was revoked was not checked")
    assert report.get("status").detail.startswith("not checked: the issuer's status list (https://badges.example.edu/status/1)")
