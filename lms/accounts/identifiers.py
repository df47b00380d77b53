"""Login identifiers: an email address or a mainland mobile number. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHONE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class LoginIdentifier:
    kind: str  # "email" | "phone"
    value: str


class BadIdentifier(ValueError):
    pass


def parse_identifier(raw: str) -> LoginIdentifier:
    text = raw.strip()
    if "@" in text:
        # email-validator (with idna) loads with the first address typed, not in every worker at start
        from email_validator import EmailNotValidError, validate_email

        try:
            email = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise BadIdentifier("email") from exc
        return LoginIdentifier("email", email.lower())
    digits = re.sub(r"[\s\-()]", "", text)
    digits = digits.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _PHONE.match(digits):
        raise BadIdentifier("phone")
    return LoginIdentifier("phone", digits)
