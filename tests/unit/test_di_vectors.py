"""W3C vc-di-eddsa test vectors (shared/vectors/w3c-di-eddsa), reproduced byte for byte, plus tamper tests."""

import copy
import hashlib
import json
from pathlib import Path

import pytest

from lms.credentials import dataintegrity as di
from lms.credentials import multikey as mk
from lms.credentials.contexts import OB_V3P0, TEST_VECTOR_URLS, VC_V2, PinnedDocumentLoader

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "w3c-di-eddsa"
RDFC, JCS = VECTORS / "eddsa-rdfc-2022", VECTORS / "eddsa-jcs-2022"
CREATED = "2023-02-24T23:36:38Z"
# design/certificates.md §12 (the rdfc signature is not a file in the local copy of the vectors).
RDFC_SIGNATURE = (
    "4d8e53c2d5b3f2a7891753eb16ca993325bdb0d3cfc5be1093d0a18426f5ef85"
    "78cadc0fd4b5f4dd0d1ce0aefd15ab120b7a894d0eb094ffda4e6553cd1ed50d"
)
SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
SIGNED_FILE = {"eddsa-rdfc-2022": RDFC / "signedDataInt.json", "eddsa-jcs-2022": JCS / "signedJCS.json"}


@pytest.fixture(scope="module")
def loader() -> PinnedDocumentLoader:
    return PinnedDocumentLoader(TEST_VECTOR_URLS)


@pytest.fixture(scope="module")
def key_pair() -> dict[str, str]:
    return json.loads((VECTORS / "keyPair.json").read_text())


@pytest.fixture(scope="module")
def secret_key(key_pair):
    return mk.decode_secret_key(key_pair["privateKeyMultibase"])


@pytest.fixture
def unsigned() -> dict:
    return json.loads((VECTORS / "unsigned.json").read_text())


def vm_of(key_pair) -> str:
    mb = key_pair["publicKeyMultibase"]
    return f"did:key:{mb}#{mb}"


def signed_vector(suite: str) -> dict:
    return json.loads(SIGNED_FILE[suite].read_text())


def verify(doc: dict, loader, **kwargs) -> di.ProofResult:
    [result] = di.verify_proofs(doc, mk.public_key_from_did_key, document_loader=loader, **kwargs)
    return result


# --- eddsa-rdfc-2022, step by step ------------------------------------------------------------------------------


def test_rdfc_canonical_document(unsigned, loader):
    canon = di.canonical_document(unsigned, "eddsa-rdfc-2022", document_loader=loader)
    assert canon == (RDFC / "canonDocDataInt.txt").read_bytes()
    assert (
        hashlib.sha256(canon).hexdigest()
        == "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
    )


def rdfc_options(key_pair) -> dict:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": vm_of(key_pair),
        "proofPurpose": "assertionMethod",
    }


def test_rdfc_canonical_proof_config(unsigned, loader, key_pair):
    canon = di.canonical_proof_config(
        rdfc_options(key_pair), unsigned, "eddsa-rdfc-2022", document_loader=loader
    )
    assert canon == (RDFC / "proofCanonDataInt.txt").read_bytes()
    assert (
        hashlib.sha256(canon).hexdigest()
        == "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
    )


def test_rdfc_hash_data_and_signature(unsigned, loader, key_pair, secret_key):
    config = di.canonical_proof_config(
        rdfc_options(key_pair), unsigned, "eddsa-rdfc-2022", document_loader=loader
    )
    hashed = di.hash_data(config, di.canonical_document(unsigned, "eddsa-rdfc-2022", document_loader=loader))
    assert hashed.hex() == (RDFC / "combinedHashDataInt.txt").read_text().strip()
    assert secret_key.sign(hashed).hex() == RDFC_SIGNATURE


# --- eddsa-jcs-2022, step by step -------------------------------------------------------------------------------


def jcs_options(key_pair, unsigned) -> dict:
    # vc-di-eddsa §3.3.1 step 2: the proof (and so its configuration) carries the document's @context.
    return {**rdfc_options(key_pair), "cryptosuite": "eddsa-jcs-2022", "@context": unsigned["@context"]}


def test_jcs_canonical_document(unsigned):
    canon = di.canonical_document(unsigned, "eddsa-jcs-2022")
    assert (
        hashlib.sha256(canon).hexdigest()
        == "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
    )
    assert canon.startswith(b'{"@context":["https://www.w3.org/ns/credentials/v2",')


def test_jcs_canonical_proof_config(unsigned, key_pair):
    canon = di.canonical_proof_config(jcs_options(key_pair, unsigned), unsigned, "eddsa-jcs-2022")
    assert (
        hashlib.sha256(canon).hexdigest()
        == "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
    )


def test_jcs_hash_data_and_signature(unsigned, key_pair, secret_key):
    config = di.canonical_proof_config(jcs_options(key_pair, unsigned), unsigned, "eddsa-jcs-2022")
    hashed = di.hash_data(config, di.canonical_document(unsigned, "eddsa-jcs-2022"))
    assert hashed.hex() == (JCS / "combinedHashJCS.txt").read_text().strip()
    assert secret_key.sign(hashed).hex() == (JCS / "sigHexJCS.txt").read_text().strip()


# --- whole documents ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES)
def test_add_proof_reproduces_the_signed_vector_byte_for_byte(suite, unsigned, loader, key_pair, secret_key):
    signed = di.add_proof(unsigned, secret_key, vm_of(key_pair), suite, CREATED, document_loader=loader)
    # The vector files are 2-space-indented JSON with no trailing newline: equal bytes, key order included.
    assert json.dumps(signed, indent=2).encode() == SIGNED_FILE[suite].read_bytes()


def test_proof_values_match_the_published_ones(unsigned, loader, key_pair, secret_key):
    rdfc = di.add_proof(
        unsigned, secret_key, vm_of(key_pair), "eddsa-rdfc-2022", CREATED, document_loader=loader
    )
    assert mk.multibase_decode(rdfc["proof"]["proofValue"]).hex() == RDFC_SIGNATURE
    assert rdfc["proof"]["proofValue"].startswith("z2YwC8z3ap7y") and "@context" not in rdfc["proof"]
    jcs = di.add_proof(
        unsigned, secret_key, vm_of(key_pair), "eddsa-jcs-2022", CREATED, document_loader=loader
    )
    assert jcs["proof"]["proofValue"] == signed_vector("eddsa-jcs-2022")["proof"]["proofValue"]


def test_add_proof_leaves_its_input_alone(unsigned, loader, key_pair, secret_key):
    before = copy.deepcopy(unsigned)
    di.add_proof(unsigned, secret_key, vm_of(key_pair), "eddsa-jcs-2022", CREATED, document_loader=loader)
    assert unsigned == before


@pytest.mark.parametrize("suite", SUITES)
def test_verifies_the_signed_vectors(suite, loader):
    result = verify(signed_vector(suite), loader)
    assert result == di.ProofResult(
        suite, signed_vector(suite)["proof"]["verificationMethod"], True, result.detail
    )
    assert di.all_verified([result])


# --- tampering: every change must make verification fail ---------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES)
def test_changed_credential_value_fails(suite, loader):
    doc = signed_vector(suite)
    doc["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    result = verify(doc, loader)
    assert not result.ok and result.detail == "signature does not verify"


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("field", ["validFrom", "issuer", "name"])
def test_changed_top_level_value_fails(suite, field, loader):
    doc = signed_vector(suite)
    doc[field] = "2024-01-01T00:00:00Z" if field == "validFrom" else "https://vc.example/issuers/9999"
    assert not verify(doc, loader).ok


@pytest.mark.parametrize("suite", SUITES)
def test_changed_proof_value_fails(suite, loader):
    doc = signed_vector(suite)
    signature = bytearray(mk.multibase_decode(doc["proof"]["proofValue"]))
    signature[10] ^= 0x01
    doc["proof"]["proofValue"] = mk.multibase_encode(bytes(signature))
    assert verify(doc, loader).detail == "signature does not verify"


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "value, detail",
    [
        ("u" + "A" * 86, "proofValue"),  # right length, wrong multibase base
        ("z" + mk.base58btc_encode(b"\x01" * 63), "64 bytes"),
        (None, "proofValue"),
    ],
)
def test_malformed_proof_value_fails(suite, value, detail, loader):
    doc = signed_vector(suite)
    doc["proof"]["proofValue"] = value
    result = verify(doc, loader)
    assert not result.ok and detail in result.detail


@pytest.mark.parametrize("suite", SUITES)
def test_changed_verification_method_fails(suite, loader):
    # Another key that does resolve: the signature was not made with it.
    doc = signed_vector(suite)
    other = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    doc["proof"]["verificationMethod"] = f"did:key:{other}#{other}"
    assert verify(doc, loader).detail == "signature does not verify"


@pytest.mark.parametrize("suite", SUITES)
def test_same_key_under_another_verification_method_id_fails(suite, loader):
    # The verification method is itself signed: naming the same key differently breaks the proof.
    doc = signed_vector(suite)
    original = doc["proof"]["verificationMethod"]
    doc["proof"]["verificationMethod"] = "https://vc.example/issuers/5678#key-1"
    result = di.verify_proofs(doc, lambda vm: mk.public_key_from_did_key(original), document_loader=loader)[0]
    assert not result.ok and result.detail == "signature does not verify"


@pytest.mark.parametrize("suite", SUITES)
def test_unresolvable_verification_method_fails(suite, loader):
    doc = signed_vector(suite)
    result = di.verify_proofs(doc, lambda vm: None, document_loader=loader)[0]
    assert not result.ok and "could not be resolved" in result.detail


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("strict", [True, False])
def test_changed_context_fails(suite, strict, loader):
    # Swapping the examples context for the Open Badges one changes what every term means.
    doc = signed_vector(suite)
    doc["@context"] = [VC_V2, OB_V3P0]
    assert not verify(doc, loader, strict=strict).ok


def test_jcs_document_context_must_start_with_the_proof_context(loader):
    doc = signed_vector("eddsa-jcs-2022")
    doc["@context"] = list(reversed(doc["@context"]))
    assert "does not start with" in verify(doc, loader).detail


def test_jcs_changed_context_in_document_and_proof_fails(loader):
    doc = signed_vector("eddsa-jcs-2022")
    doc["@context"] = doc["proof"]["@context"] = [VC_V2]
    assert verify(doc, loader).detail == "signature does not verify"


def test_jcs_extra_trailing_context_is_tolerated_as_the_spec_says(loader):
    # vc-di-eddsa §3.3.2 step 4: the proof signs the context prefix it names; a context appended afterwards (as a
    # later proof in a chain may do) is replaced by the proof's own before hashing.
    doc = signed_vector("eddsa-jcs-2022")
    doc["@context"] = [*doc["@context"], OB_V3P0]
    assert verify(doc, loader).ok


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "field, value, detail",
    [
        ("created", "2023-02-24T23:36:39Z", "signature does not verify"),
        ("created", "2023-02-24 23:36:38", "dateTimeStamp"),
        ("proofPurpose", "authentication", "proofPurpose"),
        ("type", "Ed25519Signature2020", "proof type"),
        ("cryptosuite", "eddsa-2022", "unsupported cryptosuite"),
        ("previousProof", "urn:uuid:1", "chains"),
    ],
)
def test_changed_proof_options_fail(suite, field, value, detail, loader):
    doc = signed_vector(suite)
    doc["proof"][field] = value
    result = verify(doc, loader)
    assert not result.ok and detail in result.detail


@pytest.mark.parametrize("suite", SUITES)
def test_a_removed_proof_leaves_nothing_verified(suite, loader):
    doc = signed_vector(suite)
    del doc["proof"]
    results = di.verify_proofs(doc, mk.public_key_from_did_key, document_loader=loader)
    assert results == [] and not di.all_verified(results)
