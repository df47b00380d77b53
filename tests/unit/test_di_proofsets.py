"""Proof sets (rdfc + jcs on one credential), our Open Badges 3.0 shape, strict mode, and a third-party proof."""

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.credentials import dataintegrity as di
from lms.credentials import multikey as mk
from lms.credentials import statuslist
from lms.credentials.contexts import OB_CREDENTIAL_CONTEXT

ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
VM = "did:web:lms.example.cn#" + mk.encode_public_key(ISSUER_KEY.public_key())
CREATED = "2026-07-01T00:00:00Z"
NOW = datetime(2026, 7, 2, tzinfo=UTC)


def resolve(vm: str):
    return ISSUER_KEY.public_key() if vm == VM else None


def certificate() -> dict:
    """The proposed certificate of design/certificates.md §2.5, without `credentialSchema` (see below) or proofs."""
    achievement_id = "https://lms.example.cn/achievements/livestream-seller-l5"
    return {
        "@context": list(OB_CREDENTIAL_CONTEXT),
        "id": "urn:uuid:0b7c6d2e-3f0a-4c55-9d8e-2a1f3b4c5d6e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:lms.example.cn", "type": ["Profile"], "name": "某某职业培训学校"},
        "validFrom": "2026-07-01T00:00:00Z",
        "name": "培训合格证书 · 互联网营销师（直播销售员）五级/初级工",
        "credentialSubject": {
            "id": "urn:uuid:6a0d2c8e-1b4f-4f7a-8c3d-9e5f7a1b2c3d",
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "张三"}
            ],
            "activityStartDate": "2026-05-06T00:00:00+08:00",
            "activityEndDate": "2026-06-28T00:00:00+08:00",
            "licenseNumber": "LMS-2026-000123",
            "result": [
                {"type": ["Result"], "resultDescription": f"{achievement_id}#hours", "value": "126"},
                {"type": ["Result"], "resultDescription": f"{achievement_id}#exam", "value": "85"},
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": "互联网营销师（直播销售员）五级/初级工 培训",
                "description": "按国家职业技能标准《互联网营销师》（2021年版）五级要求开展的职业技能培训。",
                "criteria": {"narrative": "完成不少于120标准学时并通过结业考核。"},
                "creditsAvailable": 120,
                "inLanguage": "zh-CN",
                "resultDescription": [
                    {
                        "id": f"{achievement_id}#hours",
                        "type": ["ResultDescription"],
                        "name": "标准学时",
                        "resultType": "ext:StudyHours",
                        "requiredValue": "120",
                    },
                    {
                        "id": f"{achievement_id}#exam",
                        "type": ["ResultDescription"],
                        "name": "结业考核成绩",
                        "resultType": "RawScore",
                        "requiredValue": "60",
                        "valueMin": "0",
                        "valueMax": "100",
                    },
                ],
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "互联网营销师-直播销售员 五级/初级工",
                        "targetCode": "4-01-02-07",
                        "targetFramework": "国家职业技能标准 互联网营销师（2021年版）",
                        "targetUrl": "https://lms.example.cn/standards/4-01-02-07",
                    }
                ],
            },
        },
        "credentialStatus": statuslist.status_list_entry("https://lms.example.cn/status/1", 94567),
    }


OB_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}


def sign_both(doc: dict) -> dict:
    once = di.add_proof(doc, ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED, as_array=True)
    return di.add_proof(once, ISSUER_KEY, VM, "eddsa-jcs-2022", CREATED)


def test_certificate_gets_an_rdfc_then_jcs_proof_array():
    signed = sign_both(certificate())
    assert [p["cryptosuite"] for p in signed["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert "@context" not in signed["proof"][0]
    assert signed["proof"][1]["@context"] == list(OB_CREDENTIAL_CONTEXT)
    results = di.verify_proofs(signed, resolve, now=NOW)
    assert [r.ok for r in results] == [True, True] and di.all_verified(results)


def test_each_proof_in_the_set_signs_the_document_without_the_other_proofs():
    signed = sign_both(certificate())
    alone_rdfc = di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED)["proof"]
    alone_jcs = di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-jcs-2022", CREATED)["proof"]
    # Ed25519 is deterministic, so equal proofs mean equal signed bytes.
    assert signed["proof"] == [alone_rdfc, alone_jcs]


def test_proofs_in_a_set_verify_in_any_order_and_alone():
    signed = sign_both(certificate())
    swapped = {**signed, "proof": list(reversed(signed["proof"]))}
    assert di.all_verified(di.verify_proofs(swapped, resolve, now=NOW))
    for proof in signed["proof"]:
        single = {**signed, "proof": proof}
        assert di.all_verified(di.verify_proofs(single, resolve, now=NOW))


def test_a_third_proof_is_appended():
    other = Ed25519PrivateKey.generate()
    signed = di.add_proof(sign_both(certificate()), other, "did:example:witness#k", "eddsa-jcs-2022", CREATED)
    assert len(signed["proof"]) == 3
    results = di.verify_proofs(
        signed, lambda vm: other.public_key() if vm.startswith("did:example") else resolve(vm), now=NOW
    )
    assert di.all_verified(results)


def test_tampering_fails_both_proofs_and_the_set():
    signed = sign_both(certificate())
    signed["credentialSubject"]["result"][1]["value"] = "95"
    results = di.verify_proofs(signed, resolve, now=NOW)
    assert [r.ok for r in results] == [False, False] and not di.all_verified(results)


def test_one_bad_proof_fails_the_set():
    signed = sign_both(certificate())
    signed["proof"][1]["created"] = "2026-07-01T00:00:01Z"
    results = di.verify_proofs(signed, resolve, now=NOW)
    assert [r.ok for r in results] == [True, False] and not di.all_verified(results)


def test_a_proof_that_is_not_an_object_fails():
    signed = sign_both(certificate())
    signed["proof"].append("z3FXQ")
    results = di.verify_proofs(signed, resolve, now=NOW)
    assert [r.ok for r in results] == [True, True, False]


def test_created_in_the_future_fails():
    signed = sign_both(certificate())
    early = NOW.replace(month=6)
    assert all("future" in r.detail for r in di.verify_proofs(signed, resolve, now=early))
    # Within the tolerated clock skew it passes.
    assert di.all_verified(di.verify_proofs(signed, resolve, now=datetime(2026, 6, 30, 23, 58, tzinfo=UTC)))


def test_expired_proof_fails():
    doc = certificate()
    signed = di.add_proof(doc, ISSUER_KEY, VM, "eddsa-jcs-2022", CREATED)
    signed["proof"]["expires"] = "2026-07-01T12:00:00Z"  # unsigned addition: fails either way
    result = di.verify_proofs(signed, resolve, now=NOW)[0]
    assert not result.ok and "expired" in result.detail


def test_created_accepts_aware_datetimes_only():
    when = datetime(2026, 7, 1, 8, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    signed = di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-jcs-2022", when)
    assert signed["proof"]["created"] == "2026-07-01T00:00:00Z"
    with pytest.raises(di.ProofError, match="timezone"):
        di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-jcs-2022", datetime(2026, 7, 1))
    with pytest.raises(di.ProofError, match="dateTimeStamp"):
        di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-jcs-2022", "2026-07-01")


def test_unknown_cryptosuite_is_refused():
    with pytest.raises(di.ProofError, match="unsupported"):
        di.add_proof(certificate(), ISSUER_KEY, VM, "ecdsa-rdfc-2019", CREATED)  # type: ignore[arg-type]


# --- strict mode: what RDF would drop cannot be signed, nor pass verification -------------------------------------


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("credentialSubject", "学时"), 120, "学时"),  # a property no context defines
        (("credentialSubject", "id"), "learner-1", "relative IRI"),
        (("type",), ["VerifiableCredential", "OpenBadgeCredential", "LmsCertificate"], "LmsCertificate"),
    ],
)
def test_strict_mode_refuses_what_rdfc_would_not_sign(path, value, message):
    doc = certificate()
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(di.UndefinedTermError, match=message):
        di.add_proof(doc, ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED)
    # JCS signs the JSON as it is, so it has nothing to drop.
    di.add_proof(doc, ISSUER_KEY, VM, "eddsa-jcs-2022", CREATED)


def test_the_ob_schema_validator_type_is_not_defined_by_the_pinned_contexts():
    # Neither VC 2.0 nor OB 3.0.3 defines "1EdTechJsonSchemaValidator2019", so it is a relative IRI. PyLD 3.3 turns
    # it into <http://example.org/base/1EdTechJsonSchemaValidator2019>; JSON-LD processors without that default base
    # drop the triple, so the rdfc canonical form would differ between implementations. Strict mode refuses it.
    doc = {**certificate(), "credentialSchema": [OB_SCHEMA]}
    with pytest.raises(di.UndefinedTermError, match="1EdTechJsonSchemaValidator2019"):
        di.add_proof(doc, ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED)
    signed = di.add_proof(doc, ISSUER_KEY, VM, "eddsa-jcs-2022", CREATED)
    assert di.all_verified(di.verify_proofs(signed, resolve, now=NOW))


def test_strict_verification_fails_a_proof_that_leaves_terms_unsigned():
    doc = certificate()
    doc["credentialSubject"]["学时"] = 120
    signed = di.add_proof(doc, ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED, strict=False)
    # The signature is valid over what RDF kept, so changing the undefined term goes unnoticed without strict mode.
    signed["credentialSubject"]["学时"] = 999
    assert di.verify_proofs(signed, resolve, now=NOW, strict=False)[0].ok
    result = di.verify_proofs(signed, resolve, now=NOW)[0]
    assert not result.ok and "学时" in result.detail


def test_strict_mode_accepts_json_literals():
    # An @json value is one RDF literal, so nothing inside it can be dropped, and all of it is signed.
    doc = certificate()
    doc["@context"] = [*doc["@context"], {"raw": {"@id": "https://lms.example.cn/ns#raw", "@type": "@json"}}]
    doc["credentialSubject"]["raw"] = {"学时": [120, 6.5, None]}
    signed = di.add_proof(doc, ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED)
    assert di.verify_proofs(signed, resolve, now=NOW)[0].ok
    signed["credentialSubject"]["raw"]["学时"][0] = 121
    assert not di.verify_proofs(signed, resolve, now=NOW)[0].ok


def test_strict_mode_covers_the_proof_options_too():
    signed = di.add_proof(certificate(), ISSUER_KEY, VM, "eddsa-rdfc-2022", CREATED)
    signed["proof"]["note"] = "added later"
    result = di.verify_proofs(signed, resolve, now=NOW)[0]
    assert not result.ok and "note" in result.detail


# --- interoperability: a status list credential signed by the 1EdTech validator's test suite ---------------------

# 1EdTech/digital-credentials-public-validator, inspector-vc/src/test/resources/ob30/bit-string-list/testlist: an
# eddsa-rdfc-2022 proof made by another implementation with the key published in the Open Badges 3.0 spec.
OB_SPEC_SEED = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
ONEEDTECH_VM = "https://1edtech.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
ONEEDTECH_LIST = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA"
ONEEDTECH_PROOF = "z2SkF4nJzMa6wAKgxDdUR1wwZsiYnWi3CtFyRipnMgxUTZKiJvJ1tf5fEtmDFhjkc2JL6XgPTt5SzBCJFSTpBMdDY"


def oneedtech_list_credential() -> dict:
    subject = statuslist.status_list_subject(
        "https://example.com/status/3#list", "revocation", ONEEDTECH_LIST
    )
    return statuslist.status_list_credential(
        "https://example.com/credentials/status/3",
        "https://1edtech.edu/issuers/565049",
        "2021-04-05T14:27:40Z",
        subject,
    )


def test_verifies_a_proof_made_by_another_implementation():
    signed = oneedtech_list_credential()
    signed["proof"] = [
        {
            "type": "DataIntegrityProof",
            "created": "2010-01-01T19:23:24Z",
            "verificationMethod": ONEEDTECH_VM,
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "proofValue": ONEEDTECH_PROOF,
        }
    ]
    key = mk.decode_public_key(ONEEDTECH_VM.split("#")[1])
    assert di.all_verified(di.verify_proofs(signed, lambda vm: key if vm == ONEEDTECH_VM else None))
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["encodedList"] = statuslist.encode_list(statuslist.new_bitstring())
    assert not di.verify_proofs(tampered, lambda vm: key)[0].ok


def test_signing_the_same_list_reproduces_the_other_implementations_proof():
    signed = di.add_proof(
        oneedtech_list_credential(),
        Ed25519PrivateKey.from_private_bytes(OB_SPEC_SEED),
        ONEEDTECH_VM,
        "eddsa-rdfc-2022",
        "2010-01-01T19:23:24Z",
        as_array=True,
    )
    assert signed["proof"][0]["proofValue"] == ONEEDTECH_PROOF
