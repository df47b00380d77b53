"""The pinned, offline JSON-LD document loader: it serves only hash-checked local copies and never the network."""

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from lms.credentials import contexts, dataintegrity
from lms.credentials.contexts import ContextIntegrityError, ContextLoadError, PinnedDocumentLoader

SHARED_CONTEXTS = Path(__file__).resolve().parents[1] / "vectors" / "contexts"
VECTORS = SHARED_CONTEXTS.parent / "w3c-di-eddsa"


def test_pinned_hashes_match_the_shipped_copies_and_the_shared_vectors():
    for pin in contexts.PINNED.values():
        shipped = (contexts.CONTEXTS_DIR / pin.filename).read_bytes()
        assert hashlib.sha256(shipped).hexdigest() == pin.sha256
        assert shipped == (SHARED_CONTEXTS / pin.filename).read_bytes()


def test_serves_each_allowed_context_as_parsed_json():
    loader = PinnedDocumentLoader(contexts.TEST_VECTOR_URLS)
    loader.verify_all()
    for url in contexts.TEST_VECTOR_URLS:
        remote = loader(url, {})
        assert remote["documentUrl"] == url and remote["contextUrl"] is None
        expected = json.loads((contexts.CONTEXTS_DIR / contexts.PINNED[url].filename).read_bytes())
        assert remote["document"] == expected


def test_served_documents_are_copies():
    loader = PinnedDocumentLoader()
    loader(contexts.VC_V2, {})["document"]["@context"]["evil"] = "https://evil.example/"
    assert "evil" not in loader(contexts.VC_V2, {})["document"]["@context"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/context.jsonld",
        "http://www.w3.org/ns/credentials/v2",  # plain http is a different URL
        "https://www.w3.org/ns/credentials/v2/",
        "https://www.w3.org/2018/credentials/v1",  # pyld bundles this one; we do not serve it
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "file:///etc/passwd",
    ],
)
def test_refuses_any_other_url(url):
    with pytest.raises(ContextLoadError, match="refusing"):
        PinnedDocumentLoader(contexts.TEST_VECTOR_URLS)(url, {})


def test_production_loader_refuses_the_examples_context():
    loader = PinnedDocumentLoader()
    assert loader.urls == (contexts.VC_V2, contexts.OB_V3P0)
    with pytest.raises(ContextLoadError):
        loader(contexts.VC_EXAMPLES_V2, {})


def test_a_url_without_a_pin_cannot_be_allowed():
    with pytest.raises(ContextLoadError, match="no pinned copy"):
        PinnedDocumentLoader(["https://evil.example/context.jsonld"])


@pytest.fixture
def tampered_dir(tmp_path: Path) -> Path:
    for pin in contexts.PINNED.values():
        shutil.copyfile(contexts.CONTEXTS_DIR / pin.filename, tmp_path / pin.filename)
    # A change that keeps the JSON valid and the meaning the same still breaks the pin: bytes are what is pinned.
    target = tmp_path / contexts.PINNED[contexts.VC_V2].filename
    target.write_bytes(target.read_bytes() + b"\n")
    return tmp_path


def test_refuses_a_context_whose_bytes_do_not_match_the_pin(tampered_dir):
    loader = PinnedDocumentLoader(directory=tampered_dir)
    loader(contexts.OB_V3P0, {})  # untouched file: still served
    with pytest.raises(ContextIntegrityError, match="SHA-256"):
        loader(contexts.VC_V2, {})
    with pytest.raises(ContextIntegrityError):
        PinnedDocumentLoader(directory=tampered_dir).verify_all()


def test_refuses_a_missing_context_file(tmp_path):
    with pytest.raises(ContextIntegrityError, match="unreadable"):
        PinnedDocumentLoader(directory=tmp_path)(contexts.VC_V2, {})


def vector_document() -> dict:
    return json.loads((VECTORS / "unsigned.json").read_text())


def test_signing_fails_closed_on_a_tampered_context(tampered_dir):
    loader = PinnedDocumentLoader(contexts.TEST_VECTOR_URLS, directory=tampered_dir)
    with pytest.raises(dataintegrity.ProofError, match="ContextIntegrityError"):
        dataintegrity.add_proof(
            vector_document(),
            Ed25519PrivateKey.generate(),
            "did:example:issuer#key-1",
            "eddsa-rdfc-2022",
            datetime(2026, 1, 1, tzinfo=UTC),
            document_loader=loader,
        )


def test_verification_fails_closed_on_a_tampered_context(tampered_dir):
    signed = json.loads((VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    loader = PinnedDocumentLoader(contexts.TEST_VECTOR_URLS, directory=tampered_dir)
    key = Ed25519PrivateKey.generate().public_key()
    [result] = dataintegrity.verify_proofs(signed, lambda vm: key, document_loader=loader)
    assert not result.ok and "SHA-256" in result.detail


def test_a_document_naming_an_unknown_context_cannot_be_signed():
    doc = vector_document()
    doc["@context"] = [contexts.VC_V2, "https://evil.example/context.jsonld"]
    with pytest.raises(
        dataintegrity.ProofError, match="refusing to load 'https://evil.example/context.jsonld'"
    ):
        dataintegrity.add_proof(
            doc,
            Ed25519PrivateKey.generate(),
            "did:example:issuer#key-1",
            "eddsa-rdfc-2022",
            "2026-01-01T00:00:00Z",
        )


def test_pyld_process_wide_cache_cannot_bypass_the_pins():
    # A loader elsewhere in the process that tags documents "static" makes PyLD cache them by URL for every later
    # call that uses its default resolver. Ours must still read (and hash-check) the pinned file.
    def poisoning_loader(url, options):
        doc = {"@context": {"@vocab": "https://evil.example/#", "id": "@id", "type": "@type"}}
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": doc,
            "tag": "static",
        }

    try:
        jsonld.expand({"@context": contexts.VC_V2, "x": 1}, {"documentLoader": poisoning_loader})
        assert contexts.VC_V2 in jsonld._resolved_context_cache
        loader = PinnedDocumentLoader(contexts.TEST_VECTOR_URLS)
        canon = dataintegrity.canonical_document(vector_document(), "eddsa-rdfc-2022", document_loader=loader)
        assert canon == (VECTORS / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_bytes()
    finally:
        jsonld._resolved_context_cache.pop(contexts.VC_V2, None)
