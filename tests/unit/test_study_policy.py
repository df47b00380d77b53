"""The study policy's bounds and class hours, and the daily maximum of credited time (pure)."""

from datetime import date

from lms.evidence.policy import DEFAULT, StudyPolicy, snapshot
from lms.learning.studytime import cap_to_daily_max

D1, D2 = date(2026, 12, 1), date(2026, 12, 2)


def test_defaults_are_those_documented():
    assert (DEFAULT.class_hour_minutes, DEFAULT.daily_max_minutes, DEFAULT.retention_years) == (60, 480, 5)
    assert not DEFAULT.presence_checks and DEFAULT.problems() == {}


def test_out_of_bounds_values_are_named():
    problems = StudyPolicy(class_hour_minutes=10, retention_years=0, daily_max_minutes=True).problems()
    assert set(problems) == {"class_hour_minutes", "retention_years", "daily_max_minutes"}
    assert "from 30 to 60" in problems["class_hour_minutes"]


def test_class_hours_follow_the_class_hour_length():
    assert StudyPolicy(class_hour_minutes=45).class_hours(90 * 60) == 2.0
    assert StudyPolicy().class_hours(90 * 60) == 1.5


def test_a_snapshot_round_trips_and_names_its_source():
    policy = StudyPolicy(class_hour_minutes=45, presence_interval_minutes=15)
    saved = snapshot(policy, "cohort:7", 3)
    assert saved["scope"] == "cohort:7" and saved["version"] == 3
    assert StudyPolicy.from_dict(saved) == policy
    assert StudyPolicy.from_dict(None) == DEFAULT


def test_the_daily_maximum_keeps_what_fits():
    assert cap_to_daily_max([(D1, 30)], {D1: 1790}, 1800) == [(D1, 10)]
    assert cap_to_daily_max([(D1, 30)], {D1: 1800}, 1800) == []
    # across midnight the new day has its own room
    assert cap_to_daily_max([(D1, 20), (D2, 10)], {D1: 1800}, 1800) == [(D2, 10)]
    assert cap_to_daily_max([(D1, 30)], {}, 1800) == [(D1, 30)]
