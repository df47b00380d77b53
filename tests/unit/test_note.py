import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.transparency import merkle, note
from lms.transparency.note import (
    BadSignatureError,
    Checkpoint,
    MalformedNoteError,
    NoteError,
    PolicyError,
    TlogProof,
    UnknownKeyError,
    cosign,
    format_proof,
    open_checkpoint,
    open_note,
    parse_proof,
    parse_vkey,
    sign_note,
    verify_proof,
    vkey,
)

# --- known answers ------------------------------------------------------------------------------------------------

# c2sp.org/signed-note (C2SP/C2SP @ 5ba5ee83, quoted in shared/design/certificates.md §7.4 and §12)
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
# golang.org/x/mod sumdb/note/note_test.go (TestSign, TestOpen, TestNewVerifier)
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
# c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature examples
SPEC_CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIGNED = SPEC_CHECKPOINT + (
    "\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
# transparency-dev/formats note/note_cosigv1_test.go (TestCosignatureTimestamp)
COSIG_B64 = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
)
PLAIN_SIG_B64 = "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY="


def _go_signer() -> Ed25519PrivateKey:
    raw = base64.b64decode(GO_SKEY.split("+", 4)[4])  # PRIVATE+KEY+name+id+base64(0x01 ‖ seed)
    assert raw[0] == note.ALG_ED25519
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_spec_vkey_verifies_the_spec_note():
    verifier = parse_vkey(SPEC_VKEY)
    assert verifier.key_id.hex() == "530d903a" and verifier.vkey() == SPEC_VKEY
    assert vkey("example.com/foo", verifier.public_key) == SPEC_VKEY
    assert open_note(SPEC_NOTE, {"example.com/foo": verifier.public_key}) == (
        "This is an example message.\n",
        ["example.com/foo"],
    )
    assert open_note(SPEC_NOTE.encode(), {"example.com/foo": verifier}) == open_note(
        SPEC_NOTE, {"example.com/foo": verifier}
    )


def test_go_signing_vector_is_byte_exact():
    key = _go_signer()
    assert vkey("PeterNeumann", key.public_key()) == GO_VKEY
    assert sign_note(GO_TEXT, "PeterNeumann", key) == GO_TEXT + "\n" + PETER_SIG


def test_go_open_vectors():
    peter, enoch = parse_vkey(GO_VKEY), parse_vkey(ENOCH_VKEY)
    signed = GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(signed, {"PeterNeumann": peter}) == (GO_TEXT, ["PeterNeumann"])  # Enoch unknown: ignored
    assert open_note(signed, {"PeterNeumann": peter, "EnochRoot": enoch})[1] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(UnknownKeyError, match="no signature from a known key"):
        open_note(signed, {})
    with pytest.raises(BadSignatureError, match="PeterNeumann\\+c74f20a3"):
        open_note(GO_TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], {"PeterNeumann": peter})
    # A damaged signature from an unknown key is ignored, a repeated one counts once.
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    dup = GO_TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    assert open_note(dup, {"PeterNeumann": peter}) == (GO_TEXT, ["PeterNeumann"])
    # Same name, other key ID (or same ID, other name): unknown, not a failure.
    misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    with pytest.raises(UnknownKeyError):
        open_note(GO_TEXT + "\n" + misnamed, {"PeterNeumann": peter})


@pytest.mark.parametrize(
    "signed",
    [
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + PETER_SIG,
        b"\xff" + (GO_TEXT + "\n" + PETER_SIG).encode(),
        GO_TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        GO_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        GO_TEXT + "\n" + PETER_SIG * 101,
        GO_TEXT + "\n" + "— PeterNeumann x08go\n",
    ],
)
def test_go_malformed_notes(signed):
    with pytest.raises(MalformedNoteError):
        open_note(signed, {"PeterNeumann": parse_vkey(GO_VKEY)})


def test_go_vkey_manglings_are_refused():
    assert parse_vkey(GO_VKEY).name == "PeterNeumann"
    b = GO_VKEY
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(NoteError):
                    parse_vkey(b[i:j])
    for i in range(len(b)):
        with pytest.raises(NoteError):
            parse_vkey(b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :])
    with pytest.raises(NoteError):  # wrong key length, with adjusted key hash
        parse_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(NoteError):  # unknown algorithm, with adjusted key hash
        parse_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_cosignature_timestamp_vectors():
    raw = base64.b64decode(COSIG_B64)
    assert note.cosignature_timestamp(raw[4:]) == 1727964367
    with pytest.raises(MalformedNoteError):
        note.cosignature_timestamp(base64.b64decode(PLAIN_SIG_B64)[4:])
    text, sigs = note.split_note(SPEC_COSIGNED)
    assert text == SPEC_CHECKPOINT and [s.name for s in sigs] == [
        "example.com/behind-the-sofa",
        "witness.example.com/w1",
    ]
    assert note.cosignature_timestamp(sigs[1].signature) == 1679315147  # "time 1679315147" in the spec


def test_spec_checkpoint_parses_and_formats_back():
    cp = Checkpoint.parse(SPEC_CHECKPOINT)
    assert (cp.origin, cp.size, cp.extensions) == ("example.com/behind-the-sofa", 20852163, ())
    assert cp.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.format() == SPEC_CHECKPOINT


def test_tlog_proof_marshal_vectors():
    # transparency-dev/formats proof/tlog_proof_test.go TestMarshal
    h1, h2 = hashlib.sha256(b"hash1").digest(), hashlib.sha256(b"hash2").digest()
    b1, b2 = base64.b64encode(h1).decode(), base64.b64encode(h2).decode()
    cases = [
        (
            TlogProof(5, (h1, h2), "test checkpoint\n"),
            f"c2sp.org/tlog-proof@v1\nindex 5\n{b1}\n{b2}\n\ntest checkpoint\n",
        ),
        (
            TlogProof(10, (h1,), "checkpoint data\n", b"extra information"),
            f"c2sp.org/tlog-proof@v1\nextra {base64.b64encode(b'extra information').decode()}\nindex 10\n{b1}\n\ncheckpoint data\n",
        ),
        (TlogProof(0, (), "checkpoint\n"), "c2sp.org/tlog-proof@v1\nindex 0\n\ncheckpoint\n"),
    ]
    for proof, text in cases:
        assert format_proof(proof) == text
        assert parse_proof(text) == proof


@pytest.mark.parametrize(
    "rest",
    ["extra !!notbase64!!\nindex 0\n\ncheckpoint\n", "\n\ncheckpoint\n", "index notanumber\n\ncheckpoint\n",
     "index -5\n\ncheckpoint\n", "index 05\n\ncheckpoint\n", "index 0\n!!notbase64!!\n\ncheckpoint\n",
     "index 0\n" + base64.b64encode(bytes(64)).decode() + "\n\ncheckpoint\n", "index 0\n", "index 0\n\n"],
)  # fmt: skip
def test_malformed_tlog_proofs(rest):
    # transparency-dev/formats TestUnmarshalErrors, plus a leading zero and a missing checkpoint
    with pytest.raises(MalformedNoteError):
        parse_proof(note.PROOF_HEADER + "\n" + rest)
    with pytest.raises(MalformedNoteError):
        parse_proof("wrong-header\n" + rest)


def test_spec_tlog_proof_example_parses():
    hashes = ["gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=", "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=",
              "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=", "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=",
              "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk="]  # fmt: skip
    checkpoint = "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/fancylog hI2DJw[...]1roloI=\n"
    text = (
        "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\nindex 73894\n"
        + "\n".join(hashes) + "\n\n" + checkpoint
    )  # fmt: skip
    proof = parse_proof(text)
    assert proof.index == 73894 and [base64.b64encode(h).decode() for h in proof.hashes] == hashes
    assert (
        proof.checkpoint == checkpoint and proof.extra is not None and proof.extra.startswith(b"age-v1.2.1")
    )
    assert format_proof(proof) == text


# --- round trips and tampering ------------------------------------------------------------------------------------

ORIGIN = "lms.example.cn/certificates-log"
LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
WITNESS_KEYS = {
    f"witness{i}.example/w": Ed25519PrivateKey.from_private_bytes(bytes([0x40 + i]) * 32) for i in range(3)
}
WITNESSES = {name: key.public_key() for name, key in WITNESS_KEYS.items()}
NOW = 1_780_000_000


def _log(n: int = 11) -> tuple[merkle.MemoryNodeStore, list[bytes]]:
    store, size, leaves = merkle.MemoryNodeStore(), 0, []
    for i in range(n):
        leaves.append(merkle.leaf_hash(f'{{"event":"issue","n":{i}}}'.encode()))
        size = merkle.append(store, size, leaves[-1])
    return store, leaves


def _checkpoint(n: int = 11, witnesses: int = 2, extensions: tuple[str, ...] = ()) -> str:
    store, _ = _log(n)
    body = Checkpoint(ORIGIN, n, merkle.root(store, n), extensions).format()
    signed = sign_note(body, ORIGIN, LOG_KEY)
    for name, key in list(WITNESS_KEYS.items())[:witnesses]:
        signed = cosign(signed, name, key, NOW - 60)
    return signed


def test_sign_and_open_round_trip():
    text = "第一行 UTF-8\n\nlines may be empty\n"
    signed = sign_note(text, "lms.example.cn/k", LOG_KEY)
    assert open_note(signed, {"lms.example.cn/k": LOG_KEY.public_key()}) == (text, ["lms.example.cn/k"])
    raw = LOG_KEY.public_key().public_bytes_raw()
    assert open_note(signed, {"lms.example.cn/k": raw})[1] == ["lms.example.cn/k"]
    rotated = [Ed25519PrivateKey.generate().public_key(), raw]  # an old and a new key under one name
    assert open_note(signed, {"lms.example.cn/k": rotated})[1] == ["lms.example.cn/k"]
    assert parse_vkey(vkey("lms.example.cn/k", raw)).public_key == raw


def test_vkeys_whose_base64_contains_plus_round_trip():
    for seed in range(64):
        key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32).public_key()
        for text in (vkey("a.example/k", key), vkey("a.example/k", key, alg=note.ALG_COSIGNATURE_V1)):
            assert parse_vkey(text).vkey() == text


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\tb", "a\u3000b"])
def test_invalid_key_names_are_refused(name):
    with pytest.raises(MalformedNoteError):
        sign_note("text\n", name, LOG_KEY)


@pytest.mark.parametrize("text", ["no final newline", "bell\x07\n", ""])
def test_invalid_texts_are_refused(text):
    with pytest.raises(MalformedNoteError):
        sign_note(text, "k", LOG_KEY)


def test_every_changed_character_of_a_cosigned_checkpoint_is_detected():
    signed = _checkpoint(witnesses=1)
    name = next(iter(WITNESSES))
    assert open_checkpoint(signed, ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=1).cosigners == {
        name: NOW - 60
    }
    for i, c in enumerate(signed):
        other = "-" if not c.isascii() else ("B" if c == "A" else "A") if c.isalnum() else "A"
        with pytest.raises(NoteError):
            open_checkpoint(
                signed[:i] + other + signed[i + 1 :], ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=1
            )


def test_every_flipped_signature_bit_is_detected():
    signed = sign_note("text\n", "k", LOG_KEY)
    text, (sig,) = note.split_note(signed)
    for bit in range(len(sig.signature) * 8):
        raw = bytearray(sig.signature)
        raw[bit // 8] ^= 1 << (bit % 8)
        forged = text + "\n" + note.NoteSignature(sig.name, sig.key_id, bytes(raw)).line()
        with pytest.raises(BadSignatureError):
            open_note(forged, {"k": LOG_KEY.public_key()})


def test_cosignature_signs_the_documented_message_and_covers_extension_lines():
    signed = _checkpoint(witnesses=1, extensions=("ext line",))
    text, sigs = note.split_note(signed)
    timestamp = note.cosignature_timestamp(sigs[1].signature)
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + text.encode()
    WITNESSES["witness0.example/w"].verify(sigs[1].signature[8:], message)  # raises if not
    kid = hashlib.sha256(
        b"witness0.example/w\n\x04" + WITNESSES["witness0.example/w"].public_bytes_raw()
    ).digest()[:4]
    assert sigs[1].key_id == kid
    assert open_checkpoint(signed, ORIGIN, LOG_KEY.public_key(), WITNESSES, 1).checkpoint.extensions == (
        "ext line",
    )
    with pytest.raises(BadSignatureError):
        open_checkpoint(signed.replace("ext line", "ext lime"), ORIGIN, LOG_KEY.public_key(), WITNESSES, 1)


def test_cosign_a_bare_checkpoint_and_the_witness_line():
    body = Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).format()
    key = WITNESS_KEYS["witness1.example/w"]
    signed = cosign(body, "witness1.example/w", key, 5)
    assert signed == body + "\n" + note.cosignature_line(body, "witness1.example/w", key, 5)
    _, verified = note.open_note_detailed(signed, {"witness1.example/w": WITNESSES["witness1.example/w"]})
    assert [(s.alg, s.timestamp) for s in verified] == [(note.ALG_COSIGNATURE_V1, 5)]
    with pytest.raises(MalformedNoteError):
        cosign("not a checkpoint\n", "w", key, 5)
    with pytest.raises(ValueError):
        cosign(body, "w", key, 2**63)


def test_witness_policy():
    log_pub = LOG_KEY.public_key()
    assert open_checkpoint(_checkpoint(witnesses=2), ORIGIN, log_pub, WITNESSES, quorum=2, now=NOW).cosigners
    with pytest.raises(PolicyError, match="2 witness cosignatures, 3 required"):
        open_checkpoint(_checkpoint(witnesses=2), ORIGIN, log_pub, WITNESSES, quorum=3)
    with pytest.raises(PolicyError, match="future"):
        open_checkpoint(_checkpoint(witnesses=2), ORIGIN, log_pub, WITNESSES, quorum=2, now=NOW - 61)
    # The same witness twice counts once; a stranger's cosignature does not count.
    stranger = Ed25519PrivateKey.generate()
    signed = cosign(cosign(_checkpoint(witnesses=1), "witness0.example/w", WITNESS_KEYS["witness0.example/w"], NOW),
                    "stranger.example/w", stranger, NOW)  # fmt: skip
    with pytest.raises(PolicyError):
        open_checkpoint(signed, ORIGIN, log_pub, WITNESSES, quorum=2)
    # A plain (0x01) signature by a witness key is not a cosignature, even relabelled with the 0x04 key ID.
    log_signed = _checkpoint(witnesses=0)
    body, w0 = note.split_note(log_signed)[0], "witness0.example/w"
    plain = sign_note(body, w0, WITNESS_KEYS[w0]).removeprefix(body + "\n")
    with pytest.raises(PolicyError):
        open_checkpoint(log_signed + plain, ORIGIN, log_pub, WITNESSES, quorum=1)
    sig = note.split_note(body + "\n" + plain)[1][0]
    relabelled = note.NoteSignature(
        w0, note.key_id(w0, note.ALG_COSIGNATURE_V1, WITNESSES[w0]), sig.signature
    )
    with pytest.raises(BadSignatureError, match="not a cosignature"):
        open_checkpoint(log_signed + relabelled.line(), ORIGIN, log_pub, WITNESSES, quorum=1)


def test_log_signature_and_origin_are_required():
    signed = _checkpoint(witnesses=2)
    with pytest.raises(UnknownKeyError):
        open_checkpoint(signed, ORIGIN, Ed25519PrivateKey.generate().public_key(), WITNESSES, quorum=2)
    witnesses_only = signed.replace(note.split_note(signed)[1][0].line(), "")
    with pytest.raises(UnknownKeyError, match="not signed by the log key"):
        open_checkpoint(witnesses_only, ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=2)
    other = sign_note(Checkpoint("other.example/log", 1, bytes(32)).format(), ORIGIN, LOG_KEY)
    with pytest.raises(PolicyError, match="origin"):
        open_checkpoint(other, ORIGIN, LOG_KEY.public_key())
    with pytest.raises(ValueError):
        open_checkpoint(signed, ORIGIN, LOG_KEY.public_key(), {ORIGIN: LOG_KEY.public_key()})


@pytest.mark.parametrize(
    "body",
    [
        "o\n07\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n+7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n٣\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n7\n",
        "o\n7\nAAAA\n",
        "o\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\next\n",
        "o\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",
    ],
)
def test_malformed_checkpoints(body):
    with pytest.raises(MalformedNoteError):
        Checkpoint.parse(body)


def test_checkpoint_round_trip():
    cp = Checkpoint(ORIGIN, 12345, hashlib.sha256(b"x").digest(), ("a", "b c"))
    assert Checkpoint.parse(cp.format()) == cp


def test_tlog_proof_end_to_end():
    store, leaves = _log(11)
    signed = _checkpoint(11, witnesses=2)
    for index in range(11):
        proof = TlogProof(index, tuple(merkle.inclusion_proof(store, index, 11)), signed, b'{"event":"issue"}')
        text = format_proof(proof)
        assert parse_proof(text) == proof
        verified = verify_proof(
            text, leaves[index], ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=2, now=NOW
        )
        assert verified.checkpoint.size == 11 and len(verified.cosigners) == 2
        with pytest.raises(PolicyError, match="inclusion"):
            verify_proof(text, leaves[(index + 1) % 11], ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=2)
    with pytest.raises(PolicyError):
        verify_proof(proof, leaves[10], ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=3)
    tampered = TlogProof(10, proof.hashes, signed.replace("\n11\n", "\n12\n"))
    with pytest.raises(BadSignatureError):
        verify_proof(tampered, leaves[10], ORIGIN, LOG_KEY.public_key(), WITNESSES, quorum=2)


def test_public_key_types():
    with pytest.raises(TypeError):
        vkey("k", b"short")
    assert vkey("k", LOG_KEY.public_key()) == vkey("k", LOG_KEY.public_key().public_bytes_raw())
