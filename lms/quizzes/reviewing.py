"""What the review of a finished attempt shows, by the quiz's review options (as in Moodle). Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewShown:
    marks: bool
    answers: bool
    feedback: bool


def shown(when: str, *, passed: bool, last_attempt_done: bool) -> bool:
    """``when`` is immediately, after_passing (once the host has passed the quiz), after_last_attempt (once no
    attempt is left) or never."""
    if when == "immediately":
        return True
    if when == "after_passing":
        return passed
    if when == "after_last_attempt":
        return last_attempt_done
    return False


def review_shown(settings, *, passed: bool, last_attempt_done: bool) -> ReviewShown:
    """Apply the three review options; the older ``feedback: never`` still hides answers and feedback."""
    hidden = settings.feedback == "never"
    return ReviewShown(
        marks=shown(settings.review_marks, passed=passed, last_attempt_done=last_attempt_done),
        answers=not hidden and shown(settings.review_answers, passed=passed, last_attempt_done=last_attempt_done),
        feedback=not hidden and shown(settings.review_feedback, passed=passed, last_attempt_done=last_attempt_done),
    )
