"""W3C Bitstring Status List: encoding, bit order, known lists, and the list credential's shape."""

import base64
import gzip

import pytest

from lms.credentials import statuslist as sl

# The W3C spec's example list: 16 KB, nothing set.
W3C_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
# 1EdTech/digital-credentials-public-validator, inspector-vc/src/test/resources/ob30/bit-string-list/testlist:
# 131,072 entries, only index 23 set.
ONEEDTECH_TESTLIST = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA"


def set_indexes(bits: bytes) -> list[int]:
    return [i for i in range(len(bits) * 8) if sl.get_status(bits, i)]


def test_w3c_example_list_is_16kb_with_nothing_set():
    bits = sl.decode_list(W3C_EXAMPLE)
    assert len(bits) == 16_384 and not any(bits)


def test_1edtech_list_has_only_index_23_set():
    bits = sl.decode_list(ONEEDTECH_TESTLIST)
    assert len(bits) * 8 == sl.MIN_ENTRIES
    assert set_indexes(bits) == [23]
    assert bits[2] == 0b0000_0001  # index 23 is the last (least significant) bit of byte 2


def test_index_0_is_the_most_significant_bit_of_the_first_byte():
    bits = sl.new_bitstring()
    sl.set_status(bits, 0, 1)
    assert bits[0] == 0x80
    sl.set_status(bits, 7, True)
    assert bits[0] == 0x81
    sl.set_status(bits, 8, 1)
    assert bits[1] == 0x80
    last = sl.MIN_ENTRIES - 1
    sl.set_status(bits, last, 1)
    assert bits[-1] == 0x01 and sl.get_status(bits, last) == 1


def test_round_trip_of_known_positions():
    bits = sl.new_bitstring()
    for index in (23, 94567):
        sl.set_status(bits, index, 1)
    encoded = sl.encode_list(bits)
    assert encoded.startswith("uH4sI")  # multibase "u" + base64url of the GZIP magic 1f 8b 08
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert set_indexes(sl.decode_list(encoded)) == [23, 94567]


def test_reproduces_the_1edtech_list():
    bits = sl.new_bitstring()
    sl.set_status(bits, 23, 1)
    # GZIP headers differ between implementations, so compare the bits rather than the strings.
    assert sl.decode_list(sl.encode_list(bits)) == sl.decode_list(ONEEDTECH_TESTLIST)


def test_encoding_is_deterministic():
    bits = sl.new_bitstring()
    sl.set_status(bits, 5, 1)
    assert sl.encode_list(bits) == sl.encode_list(bytes(bits))


def test_clearing_a_bit():
    bits = sl.new_bitstring()
    sl.set_status(bits, 12, 1)
    sl.set_status(bits, 13, 1)
    sl.set_status(bits, 12, 0)
    assert set_indexes(bits) == [13]


def test_multi_bit_statuses_are_read_most_significant_bit_first():
    bits = sl.new_bitstring(status_size=2)
    assert len(bits) * 8 == 2 * sl.MIN_ENTRIES
    sl.set_status(bits, 1, 0b10, status_size=2)
    sl.set_status(bits, 2, 0b11, status_size=2)
    assert bits[0] == 0b0010_1100
    assert [sl.get_status(bits, i, status_size=2) for i in range(4)] == [0, 2, 3, 0]
    with pytest.raises(sl.StatusRangeError):
        sl.set_status(bits, 0, 4, status_size=2)


@pytest.mark.parametrize("index", [-1, sl.MIN_ENTRIES, 10**9])
def test_out_of_range_index_is_a_range_error(index):
    bits = sl.new_bitstring()
    with pytest.raises(sl.StatusRangeError) as err:
        sl.get_status(bits, index)
    assert err.value.code == "RANGE_ERROR"
    with pytest.raises(sl.StatusRangeError):
        sl.set_status(bits, index, 1)


def test_lists_shorter_than_131072_entries_are_refused():
    with pytest.raises(sl.StatusListLengthError):
        sl.new_bitstring(1000)
    with pytest.raises(sl.StatusListLengthError):
        sl.encode_list(bytes(1024))
    short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16_383))).decode().rstrip("=")
    with pytest.raises(sl.StatusListLengthError) as err:
        sl.decode_list(short)
    assert err.value.code == "STATUS_LIST_LENGTH_ERROR"
    # 16 KB holds 131,072 one-bit entries but only 65,536 two-bit ones.
    with pytest.raises(sl.StatusListLengthError):
        sl.decode_list(W3C_EXAMPLE, status_size=2)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    "encoded",
    [
        W3C_EXAMPLE[1:],  # no multibase prefix
        "z" + W3C_EXAMPLE[1:],  # base58btc prefix
        W3C_EXAMPLE + "==",  # padding
        W3C_EXAMPLE.replace("-", "+"),  # standard base64 alphabet
        "u" + b64url(bytes(16_384)),  # not compressed
        # mtime=0: the same bytes (and test ids) in every process, so pytest-xdist's workers collect alike
        "u" + b64url(gzip.compress(bytes(16_384), mtime=0)[:-4]),  # truncated
        "u" + b64url(gzip.compress(bytes(16_384), mtime=0) + b"junk"),  # trailing data
        "uA",  # impossible base64 length
    ],
    ids=["no-prefix", "base58btc", "padding", "standard-alphabet", "not-compressed", "truncated", "trailing-data",
         "impossible-length"],
)
def test_malformed_encoded_lists_are_refused(encoded):
    with pytest.raises(sl.StatusListError):
        sl.decode_list(encoded)


def test_gzip_bombs_are_not_inflated():
    bomb = "u" + b64url(gzip.compress(bytes(64 * 1024 * 1024)))
    assert len(bomb) < 100_000
    with pytest.raises(sl.StatusListError, match="inflates beyond"):
        sl.decode_list(bomb)
    assert len(sl.decode_list(bomb, max_bytes=64 * 1024 * 1024)) == 64 * 1024 * 1024


def test_status_list_credential_shape():
    encoded = sl.encode_list(sl.new_bitstring())
    subject = sl.status_list_subject(
        "https://lms.example.cn/status/1#list", "revocation", encoded, ttl_ms=300_000
    )
    assert subject == {
        "id": "https://lms.example.cn/status/1#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": encoded,
        "ttl": 300_000,
    }
    credential = sl.status_list_credential(
        "https://lms.example.cn/status/1", "did:web:lms.example.cn", "2026-07-01T00:00:00Z", subject
    )
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["credentialSubject"] is subject and "proof" not in credential
    with pytest.raises(sl.StatusListError):
        sl.status_list_subject("https://lms.example.cn/status/1#list", "expired", encoded)


def test_status_entry_shape_and_index_parsing():
    entry = sl.status_list_entry("https://lms.example.cn/status/1", 94567)
    assert entry == {
        "id": "https://lms.example.cn/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://lms.example.cn/status/1",
    }
    assert sl.parse_status_list_index(entry["statusListIndex"]) == 94567
    for bad in (94567, "-1", "+5", "007", "1e3", " 5", ""):
        with pytest.raises(sl.StatusListError):
            sl.parse_status_list_index(bad)
