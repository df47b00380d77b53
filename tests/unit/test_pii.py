import base64

import pytest

from lms.security.pii import PIICipher, PIIDecryptError, PIIKeyError

KEY = base64.b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.b64encode(bytes(range(1, 33))).decode()


def test_round_trip_and_no_plaintext_in_ciphertext():
    cipher = PIICipher(KEY)
    blob = cipher.encrypt("11010519491231002X", context="user:1")
    assert b"11010519491231002X" not in blob
    assert cipher.decrypt(blob, context="user:1") == "11010519491231002X"


def test_same_number_encrypts_differently_each_time():
    cipher = PIICipher(KEY)
    assert cipher.encrypt("11010519491231002X", context="c") != cipher.encrypt("11010519491231002X", context="c")


def test_ciphertext_is_bound_to_its_row():
    cipher = PIICipher(KEY)
    blob = cipher.encrypt("11010519491231002X", context="user:1")
    with pytest.raises(PIIDecryptError):
        cipher.decrypt(blob, context="user:2")


def test_altered_ciphertext_or_wrong_key_fails():
    cipher = PIICipher(KEY)
    blob = bytearray(cipher.encrypt("11010519491231002X", context="c"))
    blob[-1] ^= 1
    with pytest.raises(PIIDecryptError):
        cipher.decrypt(bytes(blob), context="c")
    with pytest.raises(PIIDecryptError):
        PIICipher(OTHER_KEY).decrypt(cipher.encrypt("x", context="c"), context="c")


def test_lookup_hash_is_stable_and_keyed():
    a, b = PIICipher(KEY), PIICipher(OTHER_KEY)
    assert a.lookup_hash("11010519491231002X") == a.lookup_hash("11010519491231002X")
    assert a.lookup_hash("11010519491231002X") != b.lookup_hash("11010519491231002X")
    assert len(a.lookup_hash("x")) == 64


def test_short_or_bad_keys_are_refused():
    with pytest.raises(PIIKeyError):
        PIICipher(base64.b64encode(b"short").decode())
    with pytest.raises(PIIKeyError):
        PIICipher("not base64 !!!")
