"""Open Badges 3.0 credentials built from a frozen certificate record: shape, schema, contexts, privacy, proofs."""

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms import certnumbers
from lms.credentials import dataintegrity as di
from lms.credentials import multikey as mk
from lms.credentials import ob3
from lms.credentials.contexts import OB_CREDENTIAL_CONTEXT
from lms.credentials.jcs import canonicalize

DID = "did:web:lms.example.cn"
ISSUER = ob3.IssuerInfo(DID, "https://lms.example.cn")
STATUS = ob3.StatusEntry("https://lms.example.cn/status/1", 94567)
SUBJECT = "urn:uuid:6a0d2c8e-1b4f-4f7a-8c3d-9e5f7a1b2c3d"
NUMBER = "23456789ABCDEF"  # + check character below
ISSUED = datetime(2026, 6, 28, 10, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
VM = f"{DID}#key-1"
ID_NUMBER = "11010519491231002X"  # the standard's sample number; its check character is valid


def number(body: str = NUMBER) -> str:
    return body + certnumbers.check_character(body)


def record(**changes) -> SimpleNamespace:
    """A frozen certificate record as the database holds it, including what must never reach the credential."""
    base = {
        "number": number(),
        "holder_name": "林小美",
        "holder_id_masked": "110***********002X",
        "holder_id_hash": hmac.new(b"server-secret", ID_NUMBER.encode(), "sha256").hexdigest(),
        "id_number": ID_NUMBER,
        "course_slug": "livestream-basics",
        "course_title_zh": "直播销售入门",
        "course_title_en": "Live-stream selling basics",
        "course_version": 3,
        "content_hash": hashlib.sha256(b"course v3").hexdigest(),
        "study_seconds": 126 * 3600 + 1800,
        "score": 85.5,
        "started_on": date(2026, 5, 6),
        "completed_on": date(2026, 6, 28),
        "issued_at": ISSUED,
        "issuer_name": "某某职业培训学校",
        "skills": [
            {"id": "compliance", "zh-CN": "合规", "en": "Compliance"},
            {"id": "beauty", "zh-CN": "美妆", "en": "Beauty"},
        ],
        "status": "valid",
    }
    return SimpleNamespace(**{**base, **changes})


def sample_input(**course_facts) -> ob3.CredentialInput:
    facts = {"required_hours": 120, "pass_mark": 60, "aligns_to_occupation": True}
    return ob3.CredentialInput.from_record(record(), **{**facts, **course_facts})


def build(**course_facts) -> dict:
    return ob3.build_credential(sample_input(**course_facts), ISSUER, STATUS, SUBJECT)


@cache
def _signed() -> str:
    return json.dumps(ob3.sign_credential(build(), KEY, VM, ISSUED))


def signed() -> dict:
    return json.loads(_signed())


def resolve(vm: str):
    return KEY.public_key() if vm == VM else None


# --- shape -------------------------------------------------------------------------------------------------------


def test_built_credential_validates_against_the_pinned_schemas():
    assert ob3.validate_schema(build()) == []
    assert ob3.validate_schema(signed()) == []
    minimal = build(required_hours=None, pass_mark=None, aligns_to_occupation=False)
    assert ob3.validate_schema(minimal) == []


def test_envelope_issuer_and_subject():
    c = build()
    assert c["@context"] == list(OB_CREDENTIAL_CONTEXT)
    assert c["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert c["id"].startswith("urn:uuid:")
    assert c["issuer"] == {"id": DID, "type": ["Profile"], "name": "某某职业培训学校"}
    assert c["validFrom"] == c["awardedDate"] == "2026-06-28T10:00:00Z"
    assert "validUntil" not in c
    assert c["name"] == "培训合格证书 · 直播销售入门"
    s = c["credentialSubject"]
    assert s["id"] == SUBJECT and s["type"] == ["AchievementSubject"]
    assert s["identifier"] == [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "林小美"}
    ]
    assert s["activityStartDate"] == "2026-05-06T00:00:00+08:00"
    assert s["activityEndDate"] == "2026-06-28T00:00:00+08:00"
    assert s["licenseNumber"] == f"{number()[:5]}-{number()[5:10]}-{number()[10:]}"
    assert c["credentialStatus"] == {
        "id": "https://lms.example.cn/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://lms.example.cn/status/1",
    }


def test_achievement_hours_score_version_and_alignment():
    a = build()["credentialSubject"]["achievement"]
    base = "https://lms.example.cn/achievements/livestream-basics/v3"
    assert (
        a["id"] == base and a["type"] == ["Achievement"] and a["achievementType"] == "CertificateOfCompletion"
    )
    assert a["name"] == "直播销售入门" and "Live-stream selling basics" in a["description"]
    assert "120学时" in a["criteria"]["narrative"] and "60分" in a["criteria"]["narrative"]
    assert a["version"] == "v3" and a["humanCode"] == "livestream-basics"
    assert a["otherIdentifier"] == [
        {
            "type": "IdentifierEntry",
            "identifier": "sha256:" + record().content_hash,
            "identifierType": "ext:ContentHash",
        }
    ]
    assert a["creditsAvailable"] == 120 and type(a["creditsAvailable"]) is int
    assert a["tag"] == ["合规", "美妆"]
    assert [(d["id"], d["resultType"], d.get("requiredValue")) for d in a["resultDescription"]] == [
        (f"{base}#hours", "ext:StudyHours", "120"),
        (f"{base}#exam", "RawScore", "60"),
    ]
    results = build()["credentialSubject"]["result"]
    assert results == [
        {"type": ["Result"], "resultDescription": f"{base}#hours", "value": "126.5"},
        {"type": ["Result"], "resultDescription": f"{base}#exam", "value": "85.5"},
    ]
    assert a["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "互联网营销师-直播销售员 五级/初级工",
            "targetCode": "4-01-02-07",
            "targetFramework": "国家职业技能标准 互联网营销师（2021年版）",
            "targetUrl": "https://lms.example.cn/standards/4-01-02-07",
        }
    ]


def test_optional_parts_are_left_out_when_they_do_not_apply():
    r = ob3.CredentialInput.from_record(record(score=None, skills=[]), aligns_to_occupation=False)
    c = ob3.build_credential(r, ISSUER, STATUS, SUBJECT)
    a = c["credentialSubject"]["achievement"]
    assert "alignment" not in a and "tag" not in a and "creditsAvailable" not in a
    assert [d["resultType"] for d in a["resultDescription"]] == ["ext:StudyHours"]
    assert "requiredValue" not in a["resultDescription"][0]
    assert [r["value"] for r in c["credentialSubject"]["result"]] == ["126.5"]
    assert ob3.validate_schema(c) == []
    assert build(required_hours=7.5)["credentialSubject"]["achievement"]["creditsAvailable"] == 7.5


def test_multi_valued_properties_are_arrays_and_single_ones_objects():
    c = build()
    s, a = c["credentialSubject"], c["credentialSubject"]["achievement"]
    for value in (c["type"], s["type"], s["identifier"], s["result"], a["type"], a["resultDescription"],
                  a["alignment"], a["otherIdentifier"], a["tag"], c["issuer"]["type"]):  # fmt: skip
        assert isinstance(value, list)
    for value in (s, a, a["criteria"], c["credentialStatus"], c["issuer"]):
        assert isinstance(value, dict)


def test_building_is_deterministic():
    assert canonicalize(build()) == canonicalize(build())
    other = ob3.CredentialInput.from_record(record(number=number("Y" * 14)))
    assert ob3.build_credential(other, ISSUER, STATUS, SUBJECT)["id"] != build()["id"]


def test_every_property_is_defined_by_the_pinned_contexts():
    # Strict rdfc canonicalization refuses any property or type RDF would drop (design §2.6).
    for c in (build(), build(required_hours=None, pass_mark=None, aligns_to_occupation=False)):
        nquads = di.canonical_document(c, di.EDDSA_RDFC_2022).decode()
        assert "林小美" in nquads and "ext:StudyHours" in nquads and "ext:ContentHash" in nquads
    # The same check catches a stray term added by hand.
    c = build()
    c["credentialSubject"]["学时"] = 126
    with pytest.raises(di.UndefinedTermError, match="学时"):
        di.canonical_document(c, di.EDDSA_RDFC_2022)


# --- privacy: no 身份证号 in any form ------------------------------------------------------------------------------


def _id_number_forms() -> list[str]:
    forms = [ID_NUMBER, ID_NUMBER.lower(), "110***********002X", "19491231", "1949-12-31"]
    for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "blake2b"):
        for value in (ID_NUMBER, ID_NUMBER.lower()):
            digest = hashlib.new(name, value.encode()).digest()
            forms += [digest.hex(), digest.hex().upper(), base64.b64encode(digest).decode()]
    for salt in ("", "林小美", SUBJECT, number()):
        hexed = hashlib.sha256((ID_NUMBER + salt).encode()).hexdigest()
        forms += [hexed, f"sha256${hexed}"]
    forms.append(record().holder_id_hash)  # the keyed hash the database keeps
    return forms


def test_no_id_number_in_any_form():
    c = signed()
    texts = [
        json.dumps(c, ensure_ascii=False),
        canonicalize(c).decode(),
        di.canonical_document(build(), "eddsa-rdfc-2022").decode(),
    ]
    for form in _id_number_forms():
        for text in texts:
            assert form not in text and form.lower() not in text.lower(), form
    assert ob3.find_id_numbers(c) == []
    assert not {"holder_id_masked", "holder_id_hash", "id_number"} & set(
        ob3.CredentialInput.__dataclass_fields__
    )


def test_id_number_detector():
    assert ob3.find_id_numbers({"a": [f"身份证 {ID_NUMBER}"]}) == ["$.a[0]"]
    assert ob3.find_id_numbers(ID_NUMBER.lower()) == ["$"]
    assert ob3.find_id_numbers("110105194912310021") == []  # wrong check character
    assert ob3.find_id_numbers("1110105194912310029") == []  # part of a longer digit run
    assert ob3.find_id_numbers(record().content_hash) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("holder_name", f"林小美 {ID_NUMBER}"),
        ("course_title_zh", f"课程{ID_NUMBER}"),
        ("issuer_name", ID_NUMBER),
    ],
)
def test_builder_refuses_an_id_number_smuggled_into_any_field(field, value):
    r = ob3.CredentialInput.from_record(record(**{field: value}))
    with pytest.raises(ValueError, match="ID number"):
        ob3.build_credential(r, ISSUER, STATUS, SUBJECT)
    with pytest.raises(ValueError, match="ID number"):
        ob3.build_credential(sample_input(), ISSUER, STATUS, f"did:example:{ID_NUMBER}")


@pytest.mark.parametrize(
    "changes, subject, message",
    [
        ({"number": "23456789ABCDEF2"}, SUBJECT, "check character"),
        ({"content_hash": "AB" * 32}, SUBJECT, "content_hash"),
        ({"issued_at": datetime(2026, 6, 28)}, SUBJECT, "timezone"),
        ({"course_slug": "Bad Slug"}, SUBJECT, "slug"),
        ({"started_on": date(2026, 7, 1)}, SUBJECT, "start"),
        ({}, "mailto:lin@example.cn", "subject_id"),
        ({}, "urn:uuid:not-a-uuid", "subject_id"),
    ],
)
def test_bad_input_is_refused(changes, subject, message):
    r = ob3.CredentialInput.from_record(record(**changes))
    with pytest.raises(ValueError, match=message):
        ob3.build_credential(r, ISSUER, STATUS, subject)


def test_issuer_must_be_did_web_with_an_https_base():
    with pytest.raises(ValueError, match="did:web"):
        ob3.IssuerInfo("https://lms.example.cn", "https://lms.example.cn")
    with pytest.raises(ValueError, match="https"):
        ob3.IssuerInfo(DID, "http://lms.example.cn")


# --- signing -----------------------------------------------------------------------------------------------------


def test_sign_credential_adds_rdfc_then_jcs_and_both_verify():
    c = signed()
    assert [p["cryptosuite"] for p in c["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert {p["verificationMethod"] for p in c["proof"]} == {VM}
    assert {p["created"] for p in c["proof"]} == {"2026-06-28T10:00:00Z"}
    results = di.verify_proofs(c, resolve, now=datetime(2026, 7, 2, tzinfo=UTC))
    assert [r.ok for r in results] == [True, True]
    assert ob3.validate_schema(c) == []


def test_sign_credential_is_strict_and_signs_once():
    c = build()
    c["credentialSubject"]["学时"] = 126
    with pytest.raises(di.UndefinedTermError):
        ob3.sign_credential(c, KEY, VM, ISSUED)
    with pytest.raises(ValueError, match="already signed"):
        ob3.sign_credential(signed(), KEY, VM, ISSUED)
    assert mk.encode_public_key(KEY.public_key()).startswith("z6Mk")


# --- schema validation -------------------------------------------------------------------------------------------


def test_schema_errors_are_readable_strings_with_json_paths():
    c = signed()
    c["credentialSubject"]["achievement"]["alignment"][0]["type"] = "Alignment"
    c["credentialStatus"] = [c["credentialStatus"]]
    c["proof"] = c["proof"][0]
    c["validFrom"] = "2026-13-01T00:00:00Z"
    del c["credentialSubject"]["achievement"]["criteria"]
    errors = ob3.validate_schema(c)
    joined = "\n".join(errors)
    assert (
        "[OB 3.0] $.credentialSubject.achievement.alignment[0].type: 'Alignment' is not of type 'array'"
        in errors
    )
    assert "[OB 3.0] $.credentialSubject.achievement: 'criteria' is a required property" in errors
    assert "[OB 3.0] $.credentialStatus:" in joined and "[OB 3.0] $.proof:" in joined
    assert "[OB 3.0] $.validFrom: '2026-13-01T00:00:00Z' is not a 'date-time'" in errors
    assert "[VC 2.0] $.validFrom" in joined
    assert all(len(e) < 260 for e in errors)


def test_schemas_are_pinned_by_sha256(tmp_path, monkeypatch):
    for name, digest in ob3.SCHEMAS.items():
        assert hashlib.sha256((ob3.SCHEMAS_DIR / name).read_bytes()).hexdigest() == digest
    shutil.copytree(ob3.SCHEMAS_DIR, tmp_path / "schemas")
    target = tmp_path / "schemas" / ob3.OB_SCHEMA_FILE
    target.write_bytes(target.read_bytes().replace(b'"validFrom"', b'"validFron"', 1))
    monkeypatch.setattr(ob3, "SCHEMAS_DIR", tmp_path / "schemas")
    ob3._validators.cache_clear()
    try:
        with pytest.raises(ob3.SchemaIntegrityError, match="SHA-256"):
            ob3.validate_schema(build())
    finally:
        monkeypatch.undo()
        ob3._validators.cache_clear()
    assert ob3.validate_schema(build()) == []


def test_the_modules_are_pure():
    # The verifier serves `lms verify FILE` and the API alike: importable with no Flask, SQLAlchemy or database.
    modules = "lms.credentials.ob3, lms.credentials.verifier, lms.credentials.inclusion, lms.transparency.entry"
    code = f"import sys, {modules}; assert not {{'flask', 'sqlalchemy', 'lms.db'}} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ob3.SCHEMAS_DIR.parents[2]))


def test_study_hours_follow_the_class_hour_of_the_policy():
    r = ob3.CredentialInput.from_record(record(study_policy={"scope": "org:1", "class_hour_minutes": 45}),
                                        required_hours=160, pass_mark=60)  # fmt: skip
    c = ob3.build_credential(r, ISSUER, STATUS, SUBJECT)
    a = c["credentialSubject"]["achievement"]
    assert "不少于160学时（1学时为45分钟" in a["criteria"]["narrative"] and "学时按1学时45分钟计" in a["description"]
    assert a["resultDescription"][0]["name"] == "学时（1学时为45分钟）/ Study hours (45 minutes each)"
    assert c["credentialSubject"]["result"][0]["value"] == "168.7"  # 126.5 hours of 60 minutes = 168.7 of 45
    assert ob3.validate_schema(c) == [] and "45分钟" in di.canonical_document(c, di.EDDSA_RDFC_2022).decode()
    assert build()["credentialSubject"]["achievement"]["resultDescription"][0]["name"].startswith("学时（1学时为60分钟）")
    with pytest.raises(ValueError, match="class_hour_minutes"):
        ob3.build_credential(replace(r, class_hour_minutes=0), ISSUER, STATUS, SUBJECT)
