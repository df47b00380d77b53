"""The pure study-time rule: the server's clock, a shared clock across tabs, gaps, China days."""

from datetime import date, datetime, timedelta, timezone

from lms.learning.studytime import china_day, credit

T0 = datetime(2026, 11, 26, 2, 0, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


def test_first_heartbeat_earns_nothing():
    assert credit(None, T0) == []


def test_interval_between_beats_is_credited():
    assert credit(T0, T0 + timedelta(seconds=30)) == [(date(2026, 11, 26), 30)]


def test_a_gap_longer_than_the_limit_earns_nothing():
    assert credit(T0, T0 + timedelta(seconds=91)) == []
    assert credit(T0, T0 + timedelta(seconds=90)) == [(date(2026, 11, 26), 90)]


def test_clock_going_backwards_earns_nothing():
    assert credit(T0, T0 - timedelta(seconds=5)) == []


def test_interval_across_china_midnight_is_split():
    last = datetime(2026, 11, 26, 15, 59, 30, tzinfo=timezone.utc)  # 23:59:30 Beijing
    now = last + timedelta(seconds=45)
    assert credit(last, now) == [(date(2026, 11, 26), 30), (date(2026, 11, 27), 15)]


def test_credits_telescope_without_rounding_drift():
    beats = [T0 + timedelta(seconds=7.3 * i) for i in range(500)]
    total = sum(s for a, b in zip(beats, beats[1:]) for _d, s in credit(a, b))
    assert total == int(beats[-1].timestamp()) - int(beats[0].timestamp())


def test_china_day():
    assert china_day(datetime(2026, 11, 26, 16, 0, tzinfo=timezone.utc)) == date(2026, 11, 27)
