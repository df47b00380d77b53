from datetime import date

import pytest

from lms.accounts import idcard

# Examples printed in GB 11643-1999 itself (the second has an implausible birth year for a learner today).
STANDARD_EXAMPLES = ["11010519491231002X"]


def test_check_character_of_the_standards_examples():
    assert idcard.check_character("11010519491231002") == "X"
    assert idcard.check_character("44052418800101001") == "4"
    assert idcard.validate("440524188001010014", today=date(1990, 1, 1)) is None


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_standard_examples_are_valid(number):
    assert idcard.validate(number) is None


def test_every_wrong_check_character_is_refused():
    base = "11010519491231002"
    refused = [c for c in "0123456789X" if idcard.validate(base + c) is not None]
    assert len(refused) == 10 and "X" not in refused
    assert idcard.validate(base + "3") == idcard.IdCardProblem("check_digit")


def test_any_single_digit_typo_is_caught():
    number = "11010519491231002X"
    for pos in range(17):
        for digit in "0123456789":
            if digit == number[pos]:
                continue
            typo = number[:pos] + digit + number[pos + 1 :]
            assert idcard.validate(typo) is not None, typo


@pytest.mark.parametrize(
    "number, code",
    [
        ("1101051949123100", "length"),
        ("11010519491231002XX", "length"),
        ("1101051949123100AX", "characters"),
        ("X10105194912310020", "characters"),
        ("99010519491231002X", "region"),
        ("110105194902300021", "birth_date"),
        ("110105188912310021", "birth_date"),
        ("110105209912310021", "future"),
    ],
)
def test_problems_name_what_is_wrong(number, code):
    assert idcard.validate(number, today=date(2026, 11, 26)).code == code


def test_normalise_accepts_spaces_lowercase_and_full_width():
    assert idcard.normalise(" 110105 19491231 002x ") == "11010519491231002X"
    assert idcard.normalise("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_mask_hides_the_eight_birth_date_digits():
    masked = idcard.mask("11010519491231002X")
    assert masked == "110105********002X"
    assert "19491231" not in masked


def test_birth_date():
    assert idcard.birth_date("440524188001010014") == date(1880, 1, 1)
    assert idcard.validate("440524188001010014", today=date(2026, 11, 26)).code == "birth_date"
