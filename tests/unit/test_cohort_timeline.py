"""The drill-down's timeline merge and minutes per day: pure functions, tested directly."""

from datetime import date, datetime, timedelta, timezone

from lms.cohorts.timeline import AttemptMark, CertificateMark, LessonMark, hours, minutes_per_day, timeline

T0 = datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)  # 23:30 in China


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_events_of_all_kinds_merge_newest_first_in_china_time():
    events = timeline(
        [LessonMark("直播入门", "开播前", at(0), at(20)), LessonMark("直播入门", "话术", at(25))],
        [AttemptMark("直播入门", "结业测验", 1, at(40), score=100.0, passed=True)],
        [CertificateMark("直播入门", "23456-789AB-CDEFG", at(40), "valid")],
    )
    assert [e.kind for e in events] == [
        "certificate_issued", "quiz_submitted", "lesson_opened", "lesson_completed", "lesson_opened",
    ]
    assert [e.subject for e in events][2:] == ["话术", "开播前", "开播前"]
    assert events[0].at.utcoffset() == timedelta(hours=8) and events[-1].at.date() == date(2026, 11, 20)
    assert events[1].at.date() == date(2026, 11, 21)  # 00:10 China time: the next China day
    assert events[1].score == 100.0 and events[1].passed is True and events[1].attempt == 1


def test_an_essay_graded_later_shows_submission_and_grade_separately():
    events = timeline([], [AttemptMark("课", "问答", 2, at(0), graded_at=at(90), score=80.0, passed=True)], [])
    graded, submitted = events
    assert (graded.kind, graded.score, graded.passed) == ("quiz_graded", 80.0, True)
    assert (submitted.kind, submitted.score, submitted.attempt) == ("quiz_submitted", None, 2)


def test_awaiting_grading_and_open_attempts():
    events = timeline([], [AttemptMark("课", "问答", 1, at(5), awaiting_grading=True),
                           AttemptMark("课", "问答", 2, None)], [])  # fmt: skip
    (only,) = events  # the open attempt has nothing to show yet
    assert only.kind == "quiz_submitted" and only.awaiting_grading and only.score is None


def test_a_revoked_certificate_shows_issue_and_revocation():
    events = timeline([], [], [CertificateMark("课", "N", at(0), "revoked", revoked_at=at(60 * 24))])
    assert [e.kind for e in events] == ["certificate_revoked", "certificate_issued"]


def test_same_moment_keeps_the_learning_order():
    events = timeline([LessonMark("课", "一", at(0), at(0))], [], [])
    assert [e.kind for e in events] == ["lesson_completed", "lesson_opened"]
    assert timeline([], [], []) == []


def test_minutes_per_day_sums_rows_newest_first_and_drops_empty_days():
    rows = [(date(2026, 11, 20), 90), (date(2026, 11, 21), 600), (date(2026, 11, 20), 30), (date(2026, 11, 19), 0)]
    assert minutes_per_day(rows) == [(date(2026, 11, 21), 10.0), (date(2026, 11, 20), 2.0)]
    assert minutes_per_day([]) == []


def test_hours_are_hours_of_sixty_minutes_with_one_decimal():
    assert hours(720) == 0.2 and hours(3600) == 1.0 and hours(5399) == 1.5 and hours(0) == 0.0
