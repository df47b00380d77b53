"""Ed25519 Multikey encoding, checked against the W3C vc-di-eddsa key pair and base58btc edge cases."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.credentials import multikey as mk

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "w3c-di-eddsa"
# design/certificates.md §12: the vector's public key bytes.
PUBLIC_HEX = "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"


@pytest.fixture(scope="module")
def key_pair() -> dict[str, str]:
    return json.loads((VECTORS / "keyPair.json").read_text())


def raw_public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_decodes_the_vector_key_pair(key_pair):
    public = mk.decode_public_key(key_pair["publicKeyMultibase"])
    secret = mk.decode_secret_key(key_pair["privateKeyMultibase"])
    assert raw_public(public).hex() == PUBLIC_HEX
    assert raw_public(secret.public_key()) == raw_public(public)


def test_encodes_the_vector_key_pair_back(key_pair):
    secret = mk.decode_secret_key(key_pair["privateKeyMultibase"])
    assert mk.encode_secret_key(secret) == key_pair["privateKeyMultibase"]
    assert mk.encode_public_key(secret.public_key()) == key_pair["publicKeyMultibase"]


def test_multicodec_headers_are_in_the_decoded_bytes(key_pair):
    assert mk.multibase_decode(key_pair["publicKeyMultibase"]) == bytes.fromhex("ed01" + PUBLIC_HEX)
    assert mk.multibase_decode(key_pair["privateKeyMultibase"])[:2] == b"\x80\x26"


def test_fresh_public_keys_start_z6mk_and_round_trip():
    for _ in range(20):
        key = Ed25519PrivateKey.generate()
        encoded = mk.encode_public_key(key.public_key())
        assert encoded.startswith("z6Mk") and len(encoded) == 48
        assert raw_public(mk.decode_public_key(encoded)) == raw_public(key.public_key())
        assert mk.encode_secret_key(mk.decode_secret_key(mk.encode_secret_key(key))) == mk.encode_secret_key(
            key
        )


def test_secret_key_is_never_accepted_as_public_key(key_pair):
    with pytest.raises(mk.MultikeyError, match="public"):
        mk.decode_public_key(key_pair["privateKeyMultibase"])
    with pytest.raises(mk.MultikeyError, match="secret"):
        mk.decode_secret_key(key_pair["publicKeyMultibase"])


@pytest.mark.parametrize(
    "value",
    [
        "",
        "f" + "ed01" + PUBLIC_HEX,  # multibase hex: a valid encoding, but not the one the suite allows
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",  # one character short
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2a",  # one character long
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0",  # '0' is not base58
    ],
)
def test_malformed_public_keys_are_refused(value):
    with pytest.raises(mk.MultikeyError):
        mk.decode_public_key(value)


@pytest.mark.parametrize(
    "data, text",
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"\x39", "z"),  # 57, the last digit
        (b"\x3a", "21"),  # 58
        # The examples of draft-msporny-base58.
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
    ],
)
def test_base58btc_known_values(data, text):
    assert mk.base58btc_encode(data) == text
    assert mk.base58btc_decode(text) == data


def test_base58btc_round_trips_leading_zeros():
    for n in range(5):
        data = b"\0" * n + bytes(range(1, 40))
        assert mk.base58btc_decode(mk.base58btc_encode(data)) == data


def test_did_key_verification_method_resolves_offline(key_pair):
    public = mk.decode_public_key(key_pair["publicKeyMultibase"])
    vm = mk.did_key_verification_method(public)
    mb = key_pair["publicKeyMultibase"]
    assert vm == f"did:key:{mb}#{mb}"
    resolved = mk.public_key_from_did_key(vm)
    assert resolved is not None and raw_public(resolved).hex() == PUBLIC_HEX


@pytest.mark.parametrize(
    "vm",
    [
        "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
        "did:key:not-base58",
    ],
)
def test_did_key_resolution_refuses_other_methods(vm):
    assert mk.public_key_from_did_key(vm) is None
