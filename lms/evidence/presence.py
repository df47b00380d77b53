"""Presence checks (在场确认): what is asked, when the next one comes, and whether an answer is right. Pure.

A check asks the host either to tap one of several shown numbers or to answer a one-line sum. Each prompt differs
from the one before, its answer stays on the server, and it must be answered before it expires. The page only shows
the prompt; a script that does not read it cannot answer it.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TAP = "tap"
QUESTION = "question"

PENDING = "pending"
ANSWERED = "answered"
#: Not answered before it expired.
MISSED = "missed"
#: Answered wrongly: counts like a missed check.
WRONG = "wrong"

_SYSTEM = secrets.SystemRandom()


@dataclass(frozen=True)
class Prompt:
    kind: str
    #: Values for the prompt's text: ``{"n": 37}`` for a tap, ``{"a": 3, "b": 4}`` for a sum.
    params: dict
    #: The numbers shown as buttons (a tap); empty for a question, which is typed.
    choices: list[str] = field(default_factory=list)
    answer: str = ""

    def public(self) -> dict:
        """What the page may see: never the answer."""
        return {"kind": self.kind, "params": self.params, "choices": self.choices}


def make_prompt(previous: dict | None = None, rng: random.Random | None = None) -> Prompt:
    """A new prompt, different from ``previous`` (the stored public part of the last one)."""
    rng = rng or _SYSTEM
    while True:
        prompt = _tap(rng) if rng.random() < 0.5 else _question(rng)
        if previous is None or prompt.public() != previous:
            return prompt


def _tap(rng: random.Random) -> Prompt:
    numbers = rng.sample(range(10, 100), 4)
    target = rng.choice(numbers)
    return Prompt(TAP, {"n": target}, [str(n) for n in numbers], str(target))


def _question(rng: random.Random) -> Prompt:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return Prompt(QUESTION, {"a": a, "b": b}, [], str(a + b))


def is_right(expected: str, given: object) -> bool:
    """Compare ignoring spaces and full-width digits (a Chinese keyboard may type １２)."""
    if not isinstance(given, (str, int)) or isinstance(given, bool):
        return False
    text = unicodedata.normalize("NFKC", str(given)).strip()
    return len(text) <= 8 and text == expected


def next_due(after: datetime, interval_minutes: int, rng: random.Random | None = None) -> datetime:
    """A random moment in the second half of the interval after ``after``: at least one check per interval."""
    rng = rng or _SYSTEM
    seconds = interval_minutes * 60
    return after + timedelta(seconds=rng.randint(seconds // 2, seconds))


def outcome_of_late(expires_at: datetime, now: datetime) -> str | None:
    """MISSED once a pending check's time is up, else None (still answerable)."""
    return MISSED if now > expires_at else None
