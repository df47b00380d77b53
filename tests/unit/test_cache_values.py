"""How the shared cache keeps a value (lms.cache._pack): bytes and str as they are, anything else pickled, behind
the generations it was made in. A value of other generations, of an older format or that no longer unpickles is
a miss, never an error."""

from __future__ import annotations

import pickle

from markupsafe import Markup

from lms.cache import _NOT_FOUND, _pack, _stamp, _unpack


def test_each_kind_of_value_comes_back_as_it_was():
    stamp = _stamp((b"0123456789abcdef", b"fedcba9876543210"))
    for value in (b"body \x00\xff", "证书有效", Markup("<b>ok</b>"), ("etag", b"body"), {"a": [1, 2]}, None, b"", ""):
        back = _unpack(_pack(stamp, value), stamp)
        assert back == value and type(back) is type(value)


def test_bytes_and_text_are_kept_as_they_are():
    assert _pack(b"gen", b"{\"id\": 1}") == b"3:genb{\"id\": 1}"
    assert _pack(b"", "证书") == b"0:s" + "证书".encode()


def test_a_value_of_other_generations_is_a_miss():
    kept = _pack(_stamp((b"aaaa", b"bbbb")), "old")
    assert _unpack(kept, _stamp((b"aaaa", b"cccc"))) is _NOT_FOUND
    assert _unpack(kept, b"aaaa") is _NOT_FOUND
    assert _unpack(_pack(b"aaaa", "x"), _stamp((b"aaaa", b"bbbb"))) is _NOT_FOUND


def test_missing_old_format_or_broken_values_are_misses():
    stamp = b"0123456789abcdef"
    for raw in (None, ("gen", "a tuple from the files of an older version"), b"!" + pickle.dumps((stamp, "old")),
                b"", b"16:", b"x:0123456789abcdefs", b"16:0123456789abcdefzdata", b"16:0123456789abcdefp\x80broken"):
        assert _unpack(raw, stamp) is _NOT_FOUND
