"""Signing keys stored encrypted and rotated; the transparency log on the database with O(log n) proofs."""

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from lms.credentials.multikey import decode_public_key
from lms.db import get_session
from lms.transparency import log, merkle, note
from lms.transparency.models import LogEntry
from lms.trust import keys
from lms.trust.models import SigningKey


def test_private_keys_are_stored_only_encrypted(app):
    cfg = app.config["LMS"]
    with app.app_context():
        session = get_session()
        record, private = keys.active_key(session, cfg, "credential")
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())  # fmt: skip
        assert raw not in record.private_ciphertext and len(record.private_ciphertext) > 32
        assert decode_public_key(record.public_multibase).public_bytes_raw() == private.public_key().public_bytes_raw()
        again, _ = keys.active_key(session, cfg, "credential")
        assert again.id == record.id  # the same key until rotated


def test_rotation_keeps_retired_keys_published(app):
    cfg = app.config["LMS"]
    with app.app_context():
        session = get_session()
        old, _ = keys.active_key(session, cfg, "credential")
        new = keys.rotate(session, cfg, "credential")
        session.commit()
        doc = keys.did_document(session, cfg)
        ids = {m["id"] for m in doc["verificationMethod"]}
        assert keys.verification_method(cfg, old) in ids and keys.verification_method(cfg, new) in ids
        assert doc["id"] == "did:web:localhost" and keys.verification_method(cfg, old) in doc["assertionMethod"]
        assert keys.active_key(session, cfg, "credential")[0].id == new.id
        assert session.scalar(select(SigningKey).where(SigningKey.id == old.id)).retired_at is not None


def test_did_web_encodes_ports_and_paths():
    from lms.config import Config

    assert keys.issuer_did(Config(base_url="https://lms.example.cn")) == "did:web:lms.example.cn"
    assert keys.issuer_did(Config(base_url="http://127.0.0.1:5000/")) == "did:web:127.0.0.1%3A5000"
    assert keys.issuer_did(Config(base_url="https://example.cn/training/")) == "did:web:example.cn:training"


def test_log_on_the_database_proves_inclusion_and_consistency(app):
    cfg = app.config["LMS"]
    with app.app_context():
        session = get_session()
        for i in range(37):
            log.append(session, cfg, f"entry {i}\n".encode(), None)
        session.commit()
        store = log.DbNodeStore(session)
        size = log.state(session).size
        root37 = merkle.root(store, size)
        data = session.scalar(select(LogEntry.data).where(LogEntry.index == 11))
        proof = merkle.inclusion_proof(store, 11, size)
        assert size == 37 and merkle.verify_inclusion(merkle.leaf_hash(data), 11, size, proof, root37)
        assert not merkle.verify_inclusion(merkle.leaf_hash(b"entry 11 (edited)\n"), 11, size, proof, root37)
        root20 = merkle.root(store, 20)
        assert merkle.verify_consistency(20, 37, root20, root37, merkle.consistency_proof(store, 20, 37))
        # The checkpoint is signed by the log key and names the current size and root.
        record, private = keys.active_key(session, cfg, "log")
        text, signers = note.open_note(log.state(session).checkpoint, {log.origin(cfg): private.public_key()})
        checkpoint = note.Checkpoint.parse(text)
        assert signers == [log.origin(cfg)] and checkpoint.size == 37 and checkpoint.root_hash == root37
