"""C2SP signed notes, tlog checkpoints, Ed25519 cosignatures and tlog proofs. Pure: stdlib + ``cryptography``.

Specs (https://c2sp.org/): ``signed-note``, ``tlog-checkpoint``, ``tlog-cosignature``, ``tlog-proof``.

* A signed note is UTF-8 text ending in ``\\n``, a blank line, then signature lines
  ``— <key name> base64(4-byte key ID ‖ signature)`` (em dash U+2014). No control characters except ``\\n``.
* Key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]. Type 0x01 is Ed25519 over the note text;
  type 0x04 is a timestamped Ed25519 cosignature: ``u64 big-endian timestamp ‖ Ed25519 signature`` over
  ``"cosignature/v1\\n" + "time <t>\\n" + note text``.
* A verifier key (vkey) is ``<name>+<8 hex digits of key ID>+base64(type ‖ public key)``.
* Verifiers ignore signatures from unknown keys, reject the note when a known key's signature fails, and reject
  it when no known key signed.

Because the key ID commits to the signature type, one ``{name: public key}`` map can verify both the log's
plain signature and witnesses' cosignatures: the ID in each line says which algorithm the key used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .merkle import HASH_SIZE, verify_inclusion

EM_DASH = "\u2014"
ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100  # the spec's floor is 16; golang.org/x/mod/sumdb/note allows 100
MAX_TIMESTAMP = 2**63 - 1
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)\Z")  # ASCII digits, no sign, no leading zeros (int() accepts more)
_COSIGNATURE_SIZE = 8 + 64


class NoteError(ValueError):
    """Base class: the note, checkpoint or proof must not be trusted."""


class MalformedNoteError(NoteError):
    """The text does not follow the format."""


class UnknownKeyError(NoteError):
    """No signature from a key we know (all signatures were from unknown keys, or there were none)."""


class BadSignatureError(NoteError):
    """A key we know signed, and its signature does not verify: the note was altered or forged."""


class PolicyError(NoteError):
    """Well-formed and signed, but not what the caller requires (origin, quorum, time, inclusion)."""


if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    PublicKey = Ed25519PublicKey | bytes


def _raw(key: PublicKey) -> bytes:
    if isinstance(key, bytes) and len(key) == 32:
        return key
    # cryptography (~6 MiB per worker) loads with the first key object, not at start
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if isinstance(key, Ed25519PublicKey):
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    raise TypeError("an Ed25519 public key or its 32 raw bytes is needed")


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise MalformedNoteError(f"invalid key name {name!r}: it must be non-empty, without spaces or '+'")


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNoteError("note text contains a control character")


def _b64decode(text: str, what: str) -> bytes:
    # Strict and canonical, so that one value has exactly one spelling.
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedNoteError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode() != text:
        raise MalformedNoteError(f"{what} is not canonical base64")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def key_id(name: str, alg: int, public_key: PublicKey) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ alg ‖ public key)[:4]."""
    _check_name(name)
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + _raw(public_key)).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """One trusted key: name, signature type (0x01 or 0x04) and 32-byte Ed25519 public key."""

    name: str
    alg: int
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.alg not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise MalformedNoteError(f"unsupported signature type 0x{self.alg:02x}")
        _raw(self.public_key)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.alg, self.public_key)

    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(bytes([self.alg]) + self.public_key)}"


def vkey(name: str, public_key: PublicKey, alg: int = ALG_ED25519) -> str:
    """The verifier key ``name+keyid+base64(alg ‖ public key)``; a witness publishes alg=ALG_COSIGNATURE_V1."""
    return Verifier(name, alg, _raw(public_key)).vkey()


def parse_vkey(text: str) -> Verifier:
    """Parse and check a vkey; the stated key ID must match the name and key."""
    parts = text.split("+", 2)  # the base64 part may itself contain '+'
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-fA-F]{8}", parts[1]):
        raise MalformedNoteError("a vkey is name+8 hex digits+base64 key")
    key = _b64decode(parts[2], "vkey key")
    if len(key) != 33:
        raise MalformedNoteError("a vkey must hold a type byte and a 32-byte Ed25519 key")
    verifier = Verifier(parts[0], key[0], key[1:])
    if verifier.key_id != bytes.fromhex(parts[1]):
        raise MalformedNoteError("vkey key ID does not match its name and key")
    return verifier


@dataclass(frozen=True)
class NoteSignature:
    """One parsed signature line (not yet verified). ``signature`` excludes the 4-byte key ID."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {_b64(self.key_id + self.signature)}\n"


def split_note(signed: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Syntax only: the note text (with its final newline) and its signature lines. Verifies nothing."""
    if isinstance(signed, bytes):
        try:
            signed = signed.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNoteError("note is not valid UTF-8") from None
    _check_text(signed)
    split = signed.rfind("\n\n")  # the text may contain blank lines; the last one separates the signatures
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = signed[: split + 1], signed[split + 2 :]
    lines = block.splitlines(keepends=True)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note needs 1 to {MAX_SIGNATURES} signature lines")
    signatures = []
    for line in lines:
        if not line.startswith(EM_DASH + " ") or not line.endswith("\n"):
            raise MalformedNoteError(f"not a signature line: {line!r}")
        name, _, encoded = line[2:-1].partition(" ")
        _check_name(name)
        raw = _b64decode(encoded, "signature")
        if len(raw) < 5:
            raise MalformedNoteError("signature too short")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, signatures


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign ``text`` (which must end in a newline) with an Ed25519 key: text, blank line, signature line."""
    _check_text(text)
    kid = key_id(name, ALG_ED25519, private_key.public_key())
    return text + "\n" + NoteSignature(name, kid, private_key.sign(text.encode())).line()


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosignature_timestamp(signature: bytes) -> int:
    """The timestamp of a type 0x04 cosignature (the bytes after the key ID)."""
    if len(signature) != _COSIGNATURE_SIZE:
        raise MalformedNoteError("a cosignature is an 8-byte timestamp and a 64-byte Ed25519 signature")
    (timestamp,) = struct.unpack(">Q", signature[:8])
    if timestamp > MAX_TIMESTAMP:
        raise MalformedNoteError("cosignature timestamp exceeds 2^63-1")
    return timestamp


def cosignature_line(checkpoint_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """A witness's cosignature line over a checkpoint body (what a tlog-witness returns)."""
    Checkpoint.parse(checkpoint_text)  # a witness cosigns checkpoints, never arbitrary text
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("timestamp must be POSIX seconds in [0, 2^63-1]")
    kid = key_id(name, ALG_COSIGNATURE_V1, private_key.public_key())
    signature = private_key.sign(_cosigned_message(checkpoint_text, timestamp))
    return NoteSignature(name, kid, struct.pack(">Q", timestamp) + signature).line()


def cosign(checkpoint_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """Cosign a checkpoint. Given a signed checkpoint, returns it with the cosignature appended; given a bare
    checkpoint body, returns a note signed by the cosignature alone."""
    if "\n\n" in checkpoint_text:  # a checkpoint body has no empty lines, so this is a signed note
        text, _ = split_note(checkpoint_text)
        return checkpoint_text + cosignature_line(text, name, private_key, timestamp)
    return checkpoint_text + "\n" + cosignature_line(checkpoint_text, name, private_key, timestamp)


@dataclass(frozen=True)
class VerifiedSignature:
    name: str
    key_id: bytes
    alg: int
    timestamp: int | None  # cosignatures only


if TYPE_CHECKING:
    KeySpec = PublicKey | Verifier
    Verifiers = Mapping[str, KeySpec | Sequence[KeySpec]]


def _index(verifiers: Verifiers) -> dict[tuple[str, bytes], Verifier]:
    known: dict[tuple[str, bytes], Verifier] = {}
    for name, spec in verifiers.items():
        specs = list(spec) if isinstance(spec, (list, tuple)) else [spec]
        for item in specs:
            if isinstance(item, Verifier):
                if item.name != name:
                    raise ValueError(f"verifier for {item.name!r} listed under {name!r}")
                candidates = [item]
            else:  # a bare key may sign notes (0x01) or cosign checkpoints (0x04); the key ID tells which
                candidates = [Verifier(name, alg, _raw(item)) for alg in (ALG_ED25519, ALG_COSIGNATURE_V1)]
            for verifier in candidates:
                other = known.setdefault((name, verifier.key_id), verifier)
                if other != verifier:
                    raise ValueError(f"ambiguous key {name}+{verifier.key_id.hex()}")
    return known


def open_note_detailed(signed: str | bytes, verifiers: Verifiers) -> tuple[str, list[VerifiedSignature]]:
    """:func:`open_note`, returning each verified key once with its type and cosignature time."""
    # cryptography (~6 MiB per worker) loads with the first key use, not at start
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text, signatures = split_note(signed)
    known = _index(verifiers)
    verified: dict[tuple[str, bytes], VerifiedSignature] = {}
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue  # unknown keys are ignored (spec), e.g. witnesses we do not rely on
        timestamp, message, signature = None, text.encode(), sig.signature
        if verifier.alg == ALG_COSIGNATURE_V1:  # never accept a plain signature relabelled as a cosignature
            if len(sig.signature) != _COSIGNATURE_SIZE:
                raise BadSignatureError(f"not a cosignature from key {sig.name}+{sig.key_id.hex()}")
            timestamp = cosignature_timestamp(sig.signature)
            message, signature = _cosigned_message(text, timestamp), sig.signature[8:]
        try:
            Ed25519PublicKey.from_public_bytes(verifier.public_key).verify(signature, message)
        except InvalidSignature:
            raise BadSignatureError(f"invalid signature for key {sig.name}+{sig.key_id.hex()}") from None
        result = VerifiedSignature(sig.name, sig.key_id, verifier.alg, timestamp)
        verified.setdefault((sig.name, sig.key_id), result)  # a key that signed twice is reported once
    if not verified:
        raise UnknownKeyError("note has no signature from a known key")
    return text, list(verified.values())


def open_note(signed: str | bytes, verifiers: Verifiers) -> tuple[str, list[str]]:
    """Verify a signed note against ``{key name: public key}`` and return (text, verified signer names).

    A value may be an Ed25519 public key (or its 32 bytes), a :class:`Verifier` from :func:`parse_vkey`, or a
    list of them (a rotated key). Raises :class:`MalformedNoteError`, :class:`BadSignatureError` (a known key's
    signature fails) or :class:`UnknownKeyError` (no known key signed).
    """
    text, verified = open_note_detailed(signed, verifiers)
    return text, list(dict.fromkeys(s.name for s in verified))


@dataclass(frozen=True)
class Checkpoint:
    """The body of a C2SP tlog checkpoint: origin, tree size, root hash, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        lines = (self.origin, *self.extensions)
        if any(not line or "\n" in line or any(c < " " for c in line) for line in lines):
            raise MalformedNoteError("origin and extension lines must be non-empty single lines")
        if self.size < 0 or len(self.root_hash) != HASH_SIZE:
            raise MalformedNoteError("checkpoint needs a size >= 0 and a 32-byte root hash")

    def format(self) -> str:
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        _check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedNoteError("a checkpoint has at least origin, size and root hash lines")
        if not _DECIMAL.match(lines[1]):
            raise MalformedNoteError("checkpoint size must be decimal without leading zeros")
        root_hash = _b64decode(lines[2], "checkpoint root hash")
        return cls(lines[0], int(lines[1]), root_hash, tuple(lines[3:]))


@dataclass(frozen=True)
class VerifiedCheckpoint:
    checkpoint: Checkpoint
    signed: str
    cosigners: dict[str, int]  # witness name -> cosignature timestamp


def open_checkpoint(
    signed: str,
    origin: str,
    log_key: PublicKey,
    witnesses: Mapping[str, PublicKey] | None = None,
    quorum: int = 0,
    now: int | None = None,
) -> VerifiedCheckpoint:
    """Verify a checkpoint signed by the log (key name = origin, type 0x01) and cosigned by at least ``quorum``
    of ``witnesses`` (type 0x04). With ``now``, cosignatures dated in the future are refused."""
    verifiers: dict[str, KeySpec | Sequence[KeySpec]] = {origin: Verifier(origin, ALG_ED25519, _raw(log_key))}
    for name, key in (witnesses or {}).items():
        if name == origin:
            raise ValueError("the log cannot witness itself")
        verifiers[name] = Verifier(name, ALG_COSIGNATURE_V1, _raw(key))
    text, verified = open_note_detailed(signed, verifiers)
    if not any(s.name == origin and s.alg == ALG_ED25519 for s in verified):
        raise UnknownKeyError(f"checkpoint is not signed by the log key {origin!r}")
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != origin:
        raise PolicyError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    cosigners = {s.name: s.timestamp for s in verified if s.timestamp is not None}
    if now is not None and any(t > now for t in cosigners.values()):
        raise PolicyError("a cosignature is dated in the future")
    if len(cosigners) < quorum:
        raise PolicyError(f"{len(cosigners)} witness cosignatures, {quorum} required")
    return VerifiedCheckpoint(checkpoint, signed, cosigners)


@dataclass(frozen=True)
class TlogProof:
    """C2SP ``tlog-proof``: leaf index, inclusion proof, signed checkpoint (verbatim), UNauthenticated extra."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None


def format_proof(proof: TlogProof) -> str:
    if proof.index < 0 or any(len(h) != HASH_SIZE for h in proof.hashes):
        raise ValueError("index must be >= 0 and hashes 32 bytes")
    lines = [PROOF_HEADER]
    if proof.extra is not None:
        lines.append("extra " + _b64(proof.extra))
    lines.append(f"index {proof.index}")
    lines.extend(_b64(h) for h in proof.hashes)
    return "\n".join(lines) + "\n\n" + proof.checkpoint


def parse_proof(text: str) -> TlogProof:
    """Parse the text form; the checkpoint is kept verbatim and checked by :func:`verify_proof`."""
    lines = text.split("\n")
    if lines[0] != PROOF_HEADER:
        raise MalformedNoteError(f"a tlog proof starts with {PROOF_HEADER!r}")
    pos, extra = 1, None
    if len(lines) > pos and lines[pos].startswith("extra "):
        extra = _b64decode(lines[pos][len("extra ") :], "extra data")
        pos += 1
    if len(lines) <= pos or not lines[pos].startswith("index ") or not _DECIMAL.match(lines[pos][6:]):
        raise MalformedNoteError("a tlog proof needs an 'index <decimal>' line")
    index, pos = int(lines[pos][6:]), pos + 1
    hashes = []
    while pos < len(lines) and lines[pos]:
        hashes.append(_b64decode(lines[pos], "proof hash"))
        if len(hashes[-1]) != HASH_SIZE:
            raise MalformedNoteError("proof hashes must be 32 bytes")
        pos += 1
    checkpoint = "\n".join(lines[pos + 1 :])
    if pos >= len(lines) or not checkpoint:
        raise MalformedNoteError("a tlog proof ends with an empty line and the checkpoint")
    return TlogProof(index, tuple(hashes), checkpoint, extra)


def verify_proof(
    proof: str | TlogProof,
    leaf_hash: bytes,
    origin: str,
    log_key: PublicKey,
    witnesses: Mapping[str, PublicKey] | None = None,
    quorum: int = 0,
    now: int | None = None,
) -> VerifiedCheckpoint:
    """tlog-proof verification: log signature, witness policy, then inclusion of ``leaf_hash`` in the root."""
    parsed = parse_proof(proof) if isinstance(proof, str) else proof
    verified = open_checkpoint(parsed.checkpoint, origin, log_key, witnesses, quorum, now)
    cp = verified.checkpoint
    if not verify_inclusion(leaf_hash, parsed.index, cp.size, parsed.hashes, cp.root_hash):
        raise PolicyError(f"the inclusion proof does not put this leaf at index {parsed.index}")
    return verified
