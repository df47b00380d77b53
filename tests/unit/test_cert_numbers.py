import math
import random
import re

import pytest

from lms import certnumbers
from lms.certnumbers import ALPHABET, LENGTH, NumberCheck, check, new_number, normalise

SAMPLES = 300  # random numbers put through every single substitution and every adjacent swap


def _numbers(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [normalise(new_number(rng)) for _ in range(count)]


def test_alphabet_has_no_ambiguous_characters_and_a_prime_size():
    assert set(ALPHABET).isdisjoint("01OILUZ")
    assert ALPHABET == ALPHABET.upper() and len(set(ALPHABET)) == len(ALPHABET) == certnumbers.MODULUS == 29
    assert all(certnumbers.MODULUS % d for d in range(2, certnumbers.MODULUS))  # prime: the detection proof needs it


def test_entropy_is_at_least_60_bits():
    bits = certnumbers.RANDOM_LENGTH * math.log2(len(ALPHABET))
    assert bits >= 60, bits
    assert round(bits, 1) == 68.0


def test_new_numbers_are_formatted_random_and_always_check():
    seen = set()
    for _ in range(2000):
        number = new_number()
        assert re.fullmatch(rf"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", number), number
        result = check(number)
        assert result == NumberCheck(True, number.replace("-", ""))
        seen.add(number)
    assert len(seen) == 2000


def test_new_number_uses_the_given_rng():
    assert new_number(random.Random(7)) == new_number(random.Random(7))
    assert new_number(random.Random(7)) != new_number(random.Random(8))


def test_every_single_substitution_is_rejected():
    for raw in _numbers(SAMPLES, seed=1):
        for pos in range(LENGTH):
            for c in ALPHABET:
                if c == raw[pos]:
                    continue
                typo = raw[:pos] + c + raw[pos + 1 :]
                assert check(typo).problem == "check_character", (raw, typo)


def test_every_adjacent_transposition_is_rejected():
    swaps = 0
    for raw in _numbers(SAMPLES, seed=2):
        for pos in range(LENGTH - 1):
            if raw[pos] == raw[pos + 1]:
                continue
            swapped = raw[:pos] + raw[pos + 1] + raw[pos] + raw[pos + 2 :]
            assert check(swapped).problem == "check_character", (raw, swapped)
            swaps += 1
    assert swaps > SAMPLES * 12  # the check-character swap (last pair) is included


def test_detection_holds_for_every_number_not_only_the_sampled_ones():
    # The checksum is linear: a substitution at weight w changes it by w·d, a swap of neighbours with weights
    # 2w and w by w·d (d = difference of the two values). Exhaust every weight and every d.
    weights = [pow(certnumbers.RADIX, i, certnumbers.MODULUS) for i in range(LENGTH)]
    for d in range(1, len(ALPHABET)):
        for i, w in enumerate(weights):
            assert w * d % certnumbers.MODULUS != 0
            if i + 1 < LENGTH:
                assert (weights[i + 1] - w) * d % certnumbers.MODULUS != 0


def test_jump_transpositions_and_twin_errors_are_rejected_too():
    for raw in _numbers(100, seed=3):
        for pos in range(LENGTH - 2):
            a, b = raw[pos], raw[pos + 2]
            if a != b:
                jumped = raw[:pos] + b + raw[pos + 1] + a + raw[pos + 3 :]
                assert not check(jumped).ok
        for pos in range(LENGTH - 1):
            if raw[pos] == raw[pos + 1]:
                for c in ALPHABET.replace(raw[pos], ""):
                    assert not check(raw[:pos] + c + c + raw[pos + 2 :]).ok


def test_all_zero_value_string_is_not_valid():
    # Weighted sum ≡ 1 (ISO 7064 pure-system convention) rather than ≡ 0, so "22222…" is not a number.
    assert check(ALPHABET[0] * LENGTH).problem == "check_character"


def test_check_character_matches_generated_numbers():
    for raw in _numbers(200, seed=4):
        assert certnumbers.check_character(raw[:-1]) == raw[-1]
        assert certnumbers.is_valid_raw(raw)


def test_lower_case_spaces_hyphens_and_full_width_input_are_accepted():
    raw = _numbers(1, seed=5)[0]
    formatted = certnumbers.format(raw)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in formatted)  # Ａ…Ｚ, ２…９, －
    variants = [
        formatted,
        formatted.lower(),
        f"  {raw[:5]} {raw[5:10]}\u3000{raw[10:]} ",
        full_width,
        formatted.replace("-", "\u2014"),
        formatted.replace("-", "\u2013").lower(),
    ]
    for text in variants:
        assert check(text) == NumberCheck(True, raw), text


def test_normalise():
    assert normalise(" ab-cd\u3000ｅｆ－３\u2010x ") == "ABCDEF3X"
    assert normalise("") == ""


@pytest.mark.parametrize(
    "text, character, position",
    [("ABCD0-AAAAA-AAAAA", "0", 5), ("oAAAA", "O", 1), ("AAAAI-AAAAA-AAAAA", "I", 5), ("AA1", "1", 3),
     ("AAAAA-LAAAA-AAAAA", "L", 6), ("AAAAA-AAAAA-AAAAU", "U", 15), ("AZ", "Z", 2), ("A/B", "/", 2),
     ("AAAAA-AAAAA-AAAA字", "字", 15)],
)  # fmt: skip
def test_characters_problem_says_which_character(text, character, position):
    assert check(text) == NumberCheck(False, None, "characters", character=character, position=position)


@pytest.mark.parametrize("text", ["", "-- ", "AAAA", "AAAAA-AAAAA-AAAA", "AAAAA-AAAAA-AAAAA-A"])
def test_length_problem(text):
    assert check(text) == NumberCheck(False, None, "length")


def test_wrong_check_character_problem():
    raw = _numbers(1, seed=6)[0]
    wrong = ALPHABET[(ALPHABET.index(raw[-1]) + 1) % len(ALPHABET)]
    assert check(raw[:-1] + wrong) == NumberCheck(False, None, "check_character")


def test_format():
    assert certnumbers.format("abcdeFGHJK mnpqr") == "ABCDE-FGHJK-MNPQR"
    with pytest.raises(ValueError):
        certnumbers.format("ABCDE")
