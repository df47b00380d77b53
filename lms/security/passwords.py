"""Password hashing with Argon2id (the OWASP first choice), parameters from argon2-cffi's RFC 9106 profile."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# A hash of a random password, verified when the account does not exist, so that a login for an unknown
# account takes as long as one with a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-6f1c0e")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is not None and not password_hash.startswith("$argon2"):
        password_hash = None  # an unusable password: same work as a real check, and never a match
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def is_unusable(stored: str) -> bool:
    """True for an account that has never had a password (created by an import, waiting for its first one)."""
    return stored.startswith("!unusable:")


def unusable_password() -> str:
    """A stored value no password verifies against (not an Argon2 hash): the account can only be entered after
    a password is set through a single-use link."""
    return "!unusable:" + secrets.token_hex(16)
