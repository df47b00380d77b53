"""The offline verifier: each named check, tampering caught by the right check, log entries byte for byte."""

import base64
import functools
import gzip
import hashlib
import json
import operator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms import certnumbers
from lms.credentials import dataintegrity as di
from lms.credentials import multikey as mk
from lms.credentials import ob3
from lms.credentials import statuslist as sl
from lms.credentials.inclusion import credential_sha256
from lms.credentials.jcs import canonicalize
from lms.credentials.verifier import CHECKS, verify_credential
from lms.transparency import entry as le
from lms.transparency import merkle, note
from tests.unit.test_ob3 import DID, ISSUED, STATUS, build, number

KEY_OLD = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)  # retired at RETIRED
KEY = Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)  # current
STATUS_KEY = Ed25519PrivateKey.from_private_bytes(b"\x03" * 32)
LOG_KEY = Ed25519PrivateKey.from_private_bytes(b"\x04" * 32)
WITNESS_KEY = Ed25519PrivateKey.from_private_bytes(b"\x05" * 32)
ATTACKER = Ed25519PrivateKey.from_private_bytes(b"\x66" * 32)
VM, VM_OLD, VM_STATUS = f"{DID}#key-2", f"{DID}#key-1", f"{DID}#status-1"
ATTACKER_VM = f"{DID}#" + mk.encode_public_key(ATTACKER.public_key())
RETIRED = "2026-06-01T00:00:00Z"
ORIGIN = "lms.example.cn/certificates-log"
WITNESS = "bureau.example.gov.cn/witness"
LIST_URL = STATUS.list_credential
NOW = datetime(2026, 7, 2, tzinfo=UTC)


def method(fragment: str, key: Ed25519PrivateKey, **extra) -> dict:
    return {"id": f"{DID}#{fragment}", "type": "Multikey", "controller": DID,
            "publicKeyMultibase": mk.encode_public_key(key.public_key()), **extra}  # fmt: skip


def did_document() -> dict:
    """The issuer's did.json: current key-2, key-1 retired (`expires`), a status-list key, the log's vkey."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [method("key-2", KEY), method("key-1", KEY_OLD, expires=RETIRED), method("status-1", STATUS_KEY)],
        "assertionMethod": ["#key-2", VM_OLD, "#status-1"],
        "service": [{"id": f"{DID}#certificates-log", "type": "C2SPTransparencyLog",
                     "serviceEndpoint": "https://lms.example.cn/api/v1/log",
                     "verifierKeys": [note.vkey(ORIGIN, LOG_KEY.public_key())]}],
    }  # fmt: skip


def sign(doc: dict, key=KEY, vm=VM, created=ISSUED) -> dict:
    return ob3.sign_credential(doc, key, vm, created)


def _cached(make):
    """Make once (signing is the slow part), hand out fresh copies."""
    text = functools.cache(lambda: json.dumps(make()))
    return lambda: json.loads(text())


credential = _cached(lambda: sign(build()))


def status_list(
    revoked=(), key=STATUS_KEY, vm=VM_STATUS, url=LIST_URL, purpose="revocation", **extra
) -> dict:
    bits = sl.new_bitstring()
    for index in revoked:
        sl.set_status(bits, index, 1)
    subject = extra.pop("subject", None) or sl.status_list_subject(
        f"{url}#list", purpose, sl.encode_list(bits)
    )
    unsigned = sl.status_list_credential(url, DID, "2026-06-01T00:00:00Z", subject, **extra)
    return di.add_proof(unsigned, key, vm, "eddsa-rdfc-2022", "2026-06-01T00:00:00Z", as_array=True)


good_list = _cached(lambda: status_list())


def issue_entry(c: dict) -> bytes:
    return le.entry_bytes("issue", number(), credential_sha256(c), ISSUED)


def log_proof(entry: bytes, *, extra: bytes | None = b"same", key=LOG_KEY, cosign=False, embed=True) -> str:
    """Append filler entries, `entry`, more filler; return a tlog-proof for `entry` (extra = the entry)."""
    store, size = merkle.MemoryNodeStore(), 0
    filler = [le.entry_bytes("issue", number(certnumbers.ALPHABET[i] * 2 + "A" * 12), hashlib.sha256(bytes([i])).hexdigest(), ISSUED)
              for i in range(2, 9)]  # fmt: skip
    for data in [*filler[:5], entry, *filler[5:]]:
        size = merkle.append(store, size, merkle.leaf_hash(data))
    signed = note.sign_note(note.Checkpoint(ORIGIN, size, merkle.root(store, size)).format(), ORIGIN, key)
    if cosign:
        signed = note.cosign(signed, WITNESS, WITNESS_KEY, int(NOW.timestamp()) - 60)
    proof = note.TlogProof(
        5, tuple(merkle.inclusion_proof(store, 5, size)), signed, entry if extra == b"same" else extra
    )
    text = note.format_proof(proof)
    return text if embed else text.split("\n\n")[0] + "\n"


def verify(c=None, *, doc="default", lst="default", proof=None, **kwargs):
    return verify_credential(
        credential() if c is None else c,
        did_document() if doc == "default" else doc,
        good_list() if lst == "default" else lst,
        kwargs.pop("checkpoint", None),
        proof,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def failing(report) -> set[str]:
    return {c.check for c in report.checks if c.ok is False}


def detail(report, name: str) -> str:
    return report.get(name).detail


# --- the happy path ----------------------------------------------------------------------------------------------


def test_a_good_credential_passes_every_check():
    c = credential()
    report = verify(c, proof=log_proof(issue_entry(c)))
    assert [ch.check for ch in report.checks] == list(CHECKS)
    assert all(ch.ok is True for ch in report.checks), report.checks
    assert report.verified
    assert "current" in detail(report, "issuer_key") and "not revoked" in detail(report, "status")
    assert f"entry 5 of {ORIGIN} (tree size 8)" in detail(report, "log_inclusion")
    json.dumps(report.to_dict())
    # Without an inclusion proof the log check is skipped (None), which does not fail the credential.
    report = verify(c)
    assert report.get("log_inclusion").ok is None and "not checked" in detail(report, "log_inclusion")
    assert report.verified and failing(report) == set()


def test_a_retired_key_still_verifies_what_it_signed_before_retirement():
    c = sign(build(), KEY_OLD, VM_OLD, datetime(2026, 5, 20, tzinfo=UTC))
    report = verify(c, proof=log_proof(issue_entry(c)))
    assert report.verified, report.checks
    assert "retired at 2026-06-01T00:00:00Z" in detail(report, "issuer_key")
    late = sign(build(), KEY_OLD, VM_OLD, ISSUED)  # signed after the key was retired
    report = verify(late)
    assert failing(report) == {"issuer_key"} and "retired" in detail(report, "issuer_key")


# --- tampering: each caught by the check it concerns ----------------------------------------------------------


def _set(path, value):
    return lambda c: operator.setitem(functools.reduce(operator.getitem, path[:-1], c), path[-1], value)


CS, ACH = "credentialSubject", "achievement"
OB_302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
# name: (change, adjustment to the default {both proofs, log_inclusion}: "+check" also fails, "-check" holds)
TAMPERING = {
    "holder name": (_set((CS, "identifier", 0, "identityHash"), "林小英"), ()),
    "start date": (_set((CS, "activityStartDate"), "2026-04-06T00:00:00+08:00"), ()),
    "issue date": (_set(("validFrom",), "2026-06-01T10:00:00Z"), ()),
    "hours": (_set((CS, "result", 0, "value"), "226.5"), ()),
    "required hours": (_set((CS, ACH, "creditsAvailable"), 12), ()),
    "score": (_set((CS, "result", 1, "value"), "95"), ()),
    "status index": (_set(("credentialStatus", "statusListIndex"), "94568"), ()),
    "rdfc proof value": (_set(("proof", 0, "proofValue"), "z" + "2" * 87), ("-proof:eddsa-jcs-2022",)),
    "jcs proof value": (_set(("proof", 1, "proofValue"), "z" + "2" * 87), ("-proof:eddsa-rdfc-2022",)),
    "proof created": (_set(("proof", 0, "created"), "2026-06-28T10:00:01Z"), ("-proof:eddsa-jcs-2022",)),
    # key-1 is an issuer key, but it was retired before this proof was made: issuer_key notices that too.
    "key swapped for the retired one": (_set(("proof", 1, "verificationMethod"), VM_OLD), ("-proof:eddsa-rdfc-2022", "+issuer_key")),
    "key swapped for the status key": (_set(("proof", 1, "verificationMethod"), VM_STATUS), ("-proof:eddsa-rdfc-2022",)),
    "context": (_set(("@context", 1), OB_302), ("+schema",)),
    # The RDF is the same either way, so the rdfc proof holds; the pinned-context rule and JCS do not.
    "context order": (lambda c: c["@context"].reverse(), ("+schema", "-proof:eddsa-rdfc-2022")),
    "undefined term": (_set((CS, "学时"), 999), ()),  # rdfc would not sign it; strict verification refuses it
}  # fmt: skip


@pytest.mark.parametrize("name", TAMPERING)
def test_tampering_is_caught_by_the_right_check(name):
    change, adjust = TAMPERING[name]
    c = credential()
    entry = issue_entry(c)
    change(c)
    expected = {"proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022", "log_inclusion"}
    expected |= {a[1:] for a in adjust if a[0] == "+"}
    expected -= {a[1:] for a in adjust if a[0] == "-"}
    report = verify(c, proof=log_proof(entry))
    assert failing(report) == expected, report.checks
    assert not report.verified
    assert "altered" in detail(report, "log_inclusion")
    if name == "undefined term":
        assert "学时" in detail(report, "proof:eddsa-rdfc-2022")


def _leaves(node, path=()):
    if isinstance(node, dict | list):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _leaves(value, (*path, key))
    else:
        yield path, node


def test_changing_any_value_of_the_signed_credential_fails_verification():
    leaves = [(p, v) for p, v in _leaves(credential()) if p[0] != "proof"]
    assert len(leaves) > 50
    for path, value in leaves:
        c = credential()
        _set(path, not value if isinstance(value, bool) else value + (1 if isinstance(value, int) else "x"))(
            c
        )
        assert {"proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022"} <= failing(verify(c)), path


def test_a_credential_re_signed_with_another_key_fails_issuer_key():
    forged = build()
    forged["credentialSubject"]["result"][1]["value"] = "100"
    for vm in (ATTACKER_VM, mk.did_key_verification_method(ATTACKER.public_key())):
        report = verify(sign(forged, ATTACKER, vm))
        # The signatures are sound for the key they name; the key is not the issuer's.
        assert failing(report) == {"issuer_key"}, report.checks
        assert "DID" in detail(report, "issuer_key")


@pytest.mark.parametrize(
    "change, expected, words",
    [
        (lambda d: d["verificationMethod"][0].update(publicKeyMultibase=mk.encode_public_key(ATTACKER.public_key())),
         {"proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022"}, None),
        (lambda d: d.update(assertionMethod=[VM_OLD, "#status-1"], authentication=["#key-2"]), {"issuer_key"}, "assertionMethod"),
        (lambda d: d["verificationMethod"][0].update(revoked="2026-06-30T00:00:00Z"), {"issuer_key"}, "revoked"),
        (lambda d: d["verificationMethod"][0].update(type="JsonWebKey"), {"issuer_key"}, "Multikey"),
        (lambda d: d.update(id="did:web:other.example.cn"), {"issuer_key", "status"}, "did:web:other.example.cn"),
        (lambda d: d["verificationMethod"].pop(0), {"issuer_key", "proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022"},
         "not in the issuer's DID document"),
        (None, {"issuer_key", "status", "proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022"}, "no DID document"),
    ],
)  # fmt: skip
def test_did_document_problems(change, expected, words):
    doc = did_document()
    if change is None:
        doc = None
    else:
        change(doc)
    report = verify(doc=doc)
    assert failing(report) == expected, report.checks
    if words:
        assert words in detail(report, "issuer_key")


def test_proofs_must_be_an_array_and_unknown_suites_fail():
    c = build()
    once = di.add_proof(c, KEY, VM, "eddsa-rdfc-2022", ISSUED)  # a bare proof object: OB schema #473
    report = verify(once)
    assert failing(report) == {"schema", "proof:eddsa-jcs-2022"}
    assert "$.proof" in detail(report, "schema") and "no eddsa-jcs-2022 proof" in detail(
        report, "proof:eddsa-jcs-2022"
    )
    extra = credential()
    extra["proof"].append({**extra["proof"][0], "cryptosuite": "ecdsa-rdfc-2019"})
    report = verify(extra)
    assert failing(report) == {"proof:ecdsa-rdfc-2019"}


# --- status ------------------------------------------------------------------------------------------------------


def test_a_revoked_credential_fails_status_with_revoked():
    report = verify(lst=status_list(revoked=[STATUS.index]))
    assert failing(report) == {"status"} and detail(report, "status").startswith("revoked")
    assert verify(lst=status_list(revoked=[STATUS.index - 1, STATUS.index + 1])).verified


def _with_bits(lst: dict, bits: bytearray) -> dict:
    lst["credentialSubject"]["encodedList"] = sl.encode_list(bits)
    return lst


def _short_list() -> dict:
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(100), mtime=0)).decode().rstrip("=")
    return status_list(subject=sl.status_list_subject(f"{LIST_URL}#list", "revocation", "u" + packed))


def _reordered(lst: dict) -> dict:
    bits, i = sl.decode_list(lst["credentialSubject"]["encodedList"]), STATUS.index // 8
    bits[i], bits[i + 1] = bits[i + 1], bits[i]
    return _with_bits(lst, bits)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: _with_bits(status_list(revoked=[STATUS.index]), sl.new_bitstring()), "proof does not verify"),
        (lambda: _reordered(status_list(revoked=[STATUS.index + 1])), "proof does not verify"),
        (lambda: status_list(url="https://lms.example.cn/status/2"), "the credential names"),
        (lambda: status_list(key=ATTACKER, vm=f"{DID}#status-1"), "proof does not verify"),
        (lambda: status_list(key=ATTACKER, vm=ATTACKER_VM), "issuer key"),
        (lambda: status_list(purpose="suspension"), "statusPurpose"),
        (lambda: status_list(valid_until="2026-07-01T00:00:00Z"), "expired"),
        (lambda: None, "STATUS_RETRIEVAL_ERROR"),
        (_short_list, "STATUS_LIST_LENGTH_ERROR"),
        (lambda: status_list(key=KEY_OLD, vm=VM_OLD), "retired"),  # created 2026-06-01, when key-1 retired
    ],
)  # fmt: skip
def test_status_list_problems_fail_status(make, words):
    report = verify(lst=make())
    assert failing(report) == {"status"}, report.checks
    assert words in detail(report, "status")


# --- validity ----------------------------------------------------------------------------------------------------


def test_validity_window():
    early = verify(now=ISSUED - timedelta(days=1))
    assert "validity" in failing(early) and "not valid yet" in detail(early, "validity")
    c = build()
    c["validUntil"] = "2026-12-31T00:00:00Z"
    report = verify(sign(c), now=datetime(2027, 1, 1, tzinfo=UTC))
    assert failing(report) == {"validity"} and "expired" in detail(report, "validity")
    assert verify(sign(c)).verified


# --- log inclusion -----------------------------------------------------------------------------------------------


def test_log_inclusion_fails_for_a_modified_entry():
    c = credential()
    entry = issue_entry(c)
    other = le.entry_bytes("issue", number(), "0" * 64, ISSUED)
    # The inclusion proof is for another leaf: the proof's extra says what was logged, but it does not match.
    report = verify(c, proof=log_proof(other))
    assert failing(report) == {"log_inclusion"} and "altered" in detail(report, "log_inclusion")
    # Extra claims our entry, but the tree holds another one at that index.
    report = verify(c, proof=log_proof(other, extra=entry))
    assert failing(report) == {"log_inclusion"} and "inclusion proof" in detail(report, "log_inclusion")
    # Without extra the verifier derives the issue entry itself.
    assert verify(c, proof=log_proof(entry, extra=None)).verified
    assert failing(verify(c, proof=log_proof(other, extra=None))) == {"log_inclusion"}


def test_log_inclusion_key_and_checkpoint_rules():
    c = credential()
    entry = issue_entry(c)
    assert failing(verify(c, proof=log_proof(entry, key=ATTACKER))) == {"log_inclusion"}
    doc = did_document()
    del doc["service"]
    report = verify(c, doc=doc, proof=log_proof(entry))
    assert failing(report) == {"log_inclusion"} and "no log key" in detail(report, "log_inclusion")
    pinned = [note.vkey(ORIGIN, LOG_KEY.public_key())]
    assert verify(c, doc=doc, proof=log_proof(entry), log_vkeys=pinned).verified
    # A bare proof plus the checkpoint given separately.
    full = log_proof(entry)
    bare = log_proof(entry, embed=False)
    checkpoint = full.split("\n\n", 1)[1]
    assert verify(c, proof=bare, checkpoint=checkpoint).verified
    other_checkpoint = note.sign_note(note.Checkpoint(ORIGIN, 1, b"\0" * 32).format(), ORIGIN, LOG_KEY)
    report = verify(c, proof=full, checkpoint=other_checkpoint)
    assert failing(report) == {"log_inclusion"} and "another checkpoint" in detail(report, "log_inclusion")
    # Witness policy: a quorum of known witnesses must have cosigned the checkpoint.
    witnesses = [note.vkey(WITNESS, WITNESS_KEY.public_key(), note.ALG_COSIGNATURE_V1)]
    report = verify(c, proof=full, witness_vkeys=witnesses, witness_quorum=1)
    assert failing(report) == {"log_inclusion"} and "witness" in detail(report, "log_inclusion")
    report = verify(c, proof=log_proof(entry, cosign=True), witness_vkeys=witnesses, witness_quorum=1)
    assert report.verified and WITNESS in detail(report, "log_inclusion")


def test_a_reissue_entry_proves_inclusion_and_a_revoke_entry_does_not():
    c = credential()
    digest = credential_sha256(c)
    reissue = le.entry_bytes("reissue", number(), digest, ISSUED, number("Y" * 14))
    assert verify(c, proof=log_proof(reissue)).verified
    revoke = le.entry_bytes("revoke", number(), digest, ISSUED)
    report = verify(c, proof=log_proof(revoke))
    assert failing(report) == {"log_inclusion"} and "revoke entry" in detail(report, "log_inclusion")


# --- log entries: the format, byte for byte -------------------------------------------------------------------


def _mth(leaves: list[bytes]) -> bytes:  # the independent implementation printed in the document, verbatim
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two < n
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def test_entries_are_byte_for_byte_the_documented_check_values():
    # docs/transparency-log.md §1 "Check values"; sub-second digits are dropped from times.
    n, old, d1, d2 = (
        number(),
        number("Y" * 14),
        hashlib.sha256(b"example").hexdigest(),
        hashlib.sha256(b"example 2").hexdigest(),
    )
    assert (n, old, d1[:8], d2[:8]) == ("23456789ABCDEF6", "YYYYYYYYYYYYYYW", "50d858e0", "553295e4")
    cases = [
        (("issue", n, d1, datetime(2026, 6, 28, 10, 0, 0, 999, tzinfo=UTC), None),
         f"lms-cert-v1\nissue\n{n}\n{d1}\n2026-06-28T10:00:00Z\n", "33c16ced285d9bb2b6c3fd239e3ba88a6d9180ce02e2579dadde7d2fba9e8b52"),
        (("revoke", n, d1, datetime(2026, 7, 15, 2, 30, tzinfo=UTC), None),
         f"lms-cert-v1\nrevoke\n{n}\n{d1}\n2026-07-15T02:30:00Z\n", "38ac7f1534ca72c3545d97edec35aa8b3cadcc6bbb777ff77a784563f7236c8a"),
        (("reissue", old, d2, datetime(2026, 7, 15, 2, 31, tzinfo=UTC), n),
         f"lms-cert-v1\nreissue\n{old}\n{d2}\n2026-07-15T02:31:00Z\n{n}\n", "657c5b91d3ef0943fb036aea52c03fbb27b267c7ffb1007f614ff2e3eb8ca3bf"),
    ]  # fmt: skip
    for (kind, number_, digest, at, extra), text, leaf in cases:
        data = le.entry_bytes(kind, number_, digest, at, extra)
        assert data == text.encode("ascii")
        assert le.entry_leaf_hash(data).hex() == leaf == hashlib.sha256(b"\x00" + data).hexdigest()
        assert le.parse_entry(data) == le.LogEntry(kind, number_, digest, at.replace(microsecond=0), extra)
    entries = [le.entry_bytes(*args) for args, _, _ in cases]
    root = bytes.fromhex("195c3cd8b79823ad3740f967d7d17df0493cbb455bb39908da4c6bb121494583")
    assert le.rebuild_root(entries) == (3, root) and _mth(entries) == root


def test_credential_sha256_is_over_jcs_of_the_signed_credential():
    c = credential()
    assert credential_sha256(c) == hashlib.sha256(canonicalize(c)).hexdigest()
    c["proof"].pop()
    assert credential_sha256(c) != credential_sha256(credential())


N = number()
MANGLED = [
    lambda b: b.replace(b"\n", b"\r\n"), lambda b: b[:-1], lambda b: b + b"extra\n",
    lambda b: b.replace(b"lms-cert-v1", b"lms-cert-v2"), lambda b: b.replace(b"issue", b"Issue"),
    lambda b: b.replace(b"abab", b"ABAB", 1), lambda b: b.replace(b"18:00:00Z", b"18:00:00+00:00"),
    lambda b: b.replace(b"2026-06-28", b"2026-02-30"), lambda b: b.replace(N.encode(), N.lower().encode()),
    lambda b: b.replace(N.encode(), f"{N[:5]}-{N[5:]}".encode()),
    lambda b: b.replace(N.encode(), (N[:-1] + "2").encode()), lambda b: b.replace(b"issue", b"reissue"),
    lambda b: b + number("Y" * 14).encode() + b"\n", lambda b: b.replace(b"\nissue", "\nissué".encode()),
]  # fmt: skip


@pytest.mark.parametrize("mangle", MANGLED)
def test_parse_entry_refuses_anything_but_the_canonical_bytes(mangle):
    data = le.entry_bytes("issue", number(), "ab" * 32, datetime(2026, 6, 28, 18, tzinfo=UTC))
    with pytest.raises(le.LogEntryError):
        le.parse_entry(mangle(data))


def test_entry_bytes_refuses_bad_fields():
    n, digest, at = number(), "ab" * 32, ISSUED
    for args in [("key-add", n, digest, at, None), ("issue", n[:-1] + "2", digest, at, None),
                 ("issue", n, digest.upper(), at, None), ("issue", n, digest, datetime(2026, 6, 28), None),
                 ("issue", n, digest, at, number("Y" * 14)), ("reissue", n, digest, at, None),
                 ("reissue", n, digest, at, n)]:  # fmt: skip
        with pytest.raises(le.LogEntryError):
            le.entry_bytes(*args)


def test_rebuilding_the_tree_from_entries_matches_checkpoints_and_consistency_proofs():
    entries = [le.entry_bytes("issue", number(certnumbers.ALPHABET[i] * 2 + "B" * 12), hashlib.sha256(bytes([i])).hexdigest(), ISSUED)
               for i in range(2, 13)]  # fmt: skip
    store, size = merkle.MemoryNodeStore(), 0
    for data in entries:
        size = merkle.append(store, size, merkle.leaf_hash(data))
    assert le.rebuild_root(entries) == (11, merkle.root(store, 11))
    old_size, old_root = le.rebuild_root(entries[:6])
    assert merkle.verify_consistency(
        old_size, 11, old_root, merkle.root(store, 11), merkle.consistency_proof(store, 6, 11)
    )
    with pytest.raises(le.LogEntryError):
        le.rebuild_root([*entries[:3], b"not an entry\n"])


# --- robustness --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk", [[], "x", {"credentialSubject": "x", "proof": [1], "credentialStatus": []}, {}]
)
def test_junk_never_raises(junk):
    report = verify(junk, proof="c2sp.org/tlog-proof@v1\nindex 0\n\nx")
    assert not report.verified
    assert {c.check for c in report.checks} >= set(CHECKS) - {"log_inclusion"}
