"""Which notification a deadline calls for on a given day, and what a notification is about. Pure: no Flask, no
database.

Days are calendar days in China time (Asia/Shanghai), like study time: the caller passes "today" as a China date.
"""

from __future__ import annotations

from datetime import date, timedelta

from lms.security.redirects import safe_next

#: The kinds of notification. The text is rendered from the kind and its parameters when someone reads it, in the
#: reader's language; a kind is never renamed (stored rows refer to it).
DEADLINE_SOON = "deadline_soon"
DEADLINE_OVERDUE = "deadline_overdue"
CERTIFICATE_ISSUED = "certificate_issued"
ESSAY_TO_GRADE = "essay_to_grade"
KINDS = (DEADLINE_SOON, DEADLINE_OVERDUE, CERTIFICATE_ISSUED, ESSAY_TO_GRADE)

#: An overdue reminder is only sent this many days after the deadline at most: a cron job started late (or a new
#: installation) does not remind hosts of deadlines long past.
OVERDUE_WINDOW_DAYS = 7


def deadline_kind(today: date, deadline: date, days_before: int, overdue_window: int = OVERDUE_WINDOW_DAYS) -> str | None:
    """``DEADLINE_SOON`` from ``days_before`` days before the deadline up to the deadline day itself,
    ``DEADLINE_OVERDUE`` from the day after it for ``overdue_window`` days, otherwise nothing."""
    if days_before < 0:
        raise ValueError("days_before must not be negative")
    if deadline - timedelta(days=days_before) <= today <= deadline:
        return DEADLINE_SOON
    if deadline < today <= deadline + timedelta(days=overdue_window):
        return DEADLINE_OVERDUE
    return None


def deadline_range(today: date, days_before: int, overdue_window: int = OVERDUE_WINDOW_DAYS) -> tuple[date, date]:
    """The deadlines (first, last, inclusive) for which :func:`deadline_kind` gives a kind today."""
    return today - timedelta(days=overdue_window), today + timedelta(days=days_before)


def subject_key(what: str, ident: int) -> str:
    """What a notification is about, e.g. ``cohort-course:12``: with the user and the kind, it is unique, so the same
    event never notifies anyone twice."""
    return f"{what}:{ident}"


def safe_path(link: str) -> str:
    """A link stored with a notification is a path on this site; anything else becomes the notifications page."""
    return safe_next(link, "/notifications")
