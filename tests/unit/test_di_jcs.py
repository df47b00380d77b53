"""RFC 8785 (JSON Canonicalization Scheme): the RFC's own examples."""

import json
import struct

import pytest

from lms.credentials.jcs import JcsError, canonicalize


def test_rfc8785_section_3_2_2_sample():
    # RFC 8785 §3.2.2: the input is given as JSON text, with its odd number spellings and escapes.
    text = r"""{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"""
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    out = canonicalize(json.loads(text))
    assert out == expected.encode("utf-8")
    # §3.2.4 gives the same result as UTF-8 bytes; spot-check its start and end.
    assert out[:8].hex() == "7b226c6974657261" and out[-3:].hex() == "2f227d"


def test_rfc8785_section_3_2_3_sorting_by_utf16_code_units():
    text = r"""{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"""
    keys = list(json.loads(canonicalize(json.loads(text))))
    # U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 although its code point is larger.
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize("bits, expected", APPENDIX_B)
def test_rfc8785_appendix_b_numbers(bits, expected):
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonicalize(value) == expected.encode()
    assert canonicalize({"n": value}) == f'{{"n":{expected}}}'.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinity_are_refused(bits):
    with pytest.raises(JcsError):
        canonicalize(struct.unpack(">d", bytes.fromhex(bits))[0])


def test_integers_beyond_double_precision_are_refused():
    assert canonicalize(2**53 - 1) == b"9007199254740991"
    with pytest.raises(JcsError):
        canonicalize(2**53 + 1)


def test_lone_surrogates_and_non_string_keys_are_refused():
    with pytest.raises(JcsError):
        canonicalize("\ud800")
    with pytest.raises(JcsError):
        canonicalize({1: "x"})


def test_non_ascii_is_emitted_as_utf8_not_escaped():
    assert canonicalize({"名称": "培训合格证书"}) == '{"名称":"培训合格证书"}'.encode()
    assert canonicalize("\u007f\u001f") == b'"\x7f\\u001f"'
