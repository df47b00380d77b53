"""Presence-check prompts, answers and timing (pure)."""

import random
from datetime import datetime, timedelta, timezone

from lms.evidence import presence

T0 = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)


def test_a_tap_prompt_shows_the_number_among_others_and_hides_the_answer():
    rng = random.Random(1)
    prompts = [presence.make_prompt(None, rng) for _ in range(40)]
    taps = [p for p in prompts if p.kind == presence.TAP]
    sums = [p for p in prompts if p.kind == presence.QUESTION]
    assert taps and sums
    for p in taps:
        assert len(set(p.choices)) == 4 and p.answer in p.choices and p.answer == str(p.params["n"])
    for p in sums:
        assert p.choices == [] and p.answer == str(p.params["a"] + p.params["b"])
    assert all("answer" not in p.public() for p in prompts)


def test_each_prompt_differs_from_the_one_before():
    rng = random.Random(7)
    previous = None
    for _ in range(200):
        prompt = presence.make_prompt(previous, rng)
        assert prompt.public() != previous
        previous = prompt.public()


def test_answers_are_compared_on_the_server_kindly_but_strictly():
    assert presence.is_right("12", "12") and presence.is_right("12", " 12 ") and presence.is_right("12", "１２")
    assert presence.is_right("12", 12)
    for wrong in ("13", "", None, True, ["12"], "12" * 10, 12.0):
        assert not presence.is_right("12", wrong)


def test_the_next_check_comes_within_the_interval():
    rng = random.Random(3)
    for _ in range(100):
        due = presence.next_due(T0, 15, rng)
        assert T0 + timedelta(minutes=7, seconds=30) <= due <= T0 + timedelta(minutes=15)


def test_a_check_is_missed_only_after_it_expired():
    assert presence.outcome_of_late(T0, T0) is None
    assert presence.outcome_of_late(T0, T0 + timedelta(seconds=1)) == presence.MISSED
