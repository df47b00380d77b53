"""Which reminder a deadline calls for on a China day, and which links a notification may point to."""

from datetime import date

import pytest

from lms.notifications.schedule import (
    DEADLINE_OVERDUE,
    DEADLINE_SOON,
    OVERDUE_WINDOW_DAYS,
    deadline_kind,
    deadline_range,
    safe_path,
    subject_key,
)

DEADLINE = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 6), None),  # four days before: too early for a three-day notice
        (date(2026, 12, 7), DEADLINE_SOON),  # three days before
        (date(2026, 12, 10), DEADLINE_SOON),  # the deadline day itself still counts as "soon"
        (date(2026, 12, 11), DEADLINE_OVERDUE),
        (date(2026, 12, 17), DEADLINE_OVERDUE),  # the last day of the overdue window
        (date(2026, 12, 18), None),  # long past: no late reminder of an old deadline
    ],
)
def test_deadline_kind_by_day(today, expected):
    assert deadline_kind(today, DEADLINE, days_before=3) == expected


def test_zero_days_before_reminds_on_the_day_only():
    assert deadline_kind(date(2026, 12, 9), DEADLINE, days_before=0) is None
    assert deadline_kind(DEADLINE, DEADLINE, days_before=0) == DEADLINE_SOON


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        deadline_kind(DEADLINE, DEADLINE, days_before=-1)


def test_range_holds_exactly_the_deadlines_with_a_kind():
    today = date(2026, 12, 10)
    first, last = deadline_range(today, 3)
    assert (first, last) == (date(2026, 12, 3), date(2026, 12, 13))
    assert first == date(2026, 12, 10).fromordinal(today.toordinal() - OVERDUE_WINDOW_DAYS)
    for offset in range(-20, 21):
        deadline = date.fromordinal(today.toordinal() + offset)
        inside = first <= deadline <= last
        assert (deadline_kind(today, deadline, 3) is not None) == inside, deadline


def test_subject_key_and_safe_paths():
    assert subject_key("cohort-course", 12) == "cohort-course:12"
    assert safe_path("/orgs/mcn-a/grading") == "/orgs/mcn-a/grading"
    for unsafe in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        assert safe_path(unsafe) == "/notifications"
