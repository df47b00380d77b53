"""Password hashing with Argon2id (the OWASP first choice), parameters from argon2-cffi's RFC 9106 profile."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# Both are made on first use (module __getattr__ below), not at import: argon2 and its cffi backend cost every
# worker 0.5 MiB and the hash 0.2 s of CPU at start, and most workers never see a password.
_hasher: PasswordHasher
# A hash of a random password, verified when the account does not exist, so that a login for an unknown
# account takes as long as one with a wrong password (no account enumeration by timing).
_DUMMY_HASH: str


def __getattr__(name: str) -> Any:
    if name == "_hasher":
        from argon2 import PasswordHasher

        value: Any = PasswordHasher()
    elif name == "_DUMMY_HASH":
        value = _made("_hasher").hash("not-a-real-password-6f1c0e")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _made(name: str) -> Any:
    return globals()[name] if name in globals() else __getattr__(name)


def hash_password(password: str) -> str:
    return _made("_hasher").hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    # Made before knowing whether the account exists: the first check in a process costs the same either way.
    dummy = _made("_DUMMY_HASH")
    if password_hash is not None and not password_hash.startswith("$argon2"):
        password_hash = None  # an unusable password: same work as a real check, and never a match
    try:
        return _made("_hasher").verify(password_hash or dummy, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _made("_hasher").check_needs_rehash(password_hash)


def is_unusable(stored: str) -> bool:
    """True for an account that has never had a password (created by an import, waiting for its first one)."""
    return stored.startswith("!unusable:")


def unusable_password() -> str:
    """A stored value no password verifies against (not an Argon2 hash): the account can only be entered after
    a password is set through a single-use link."""
    return "!unusable:" + secrets.token_hex(16)
