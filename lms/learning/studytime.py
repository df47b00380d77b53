"""How much study time a heartbeat earns. Pure: the server's clock in, credited seconds per day out.

Rules (documented in docs/study-hours.md):

- Only the server's clock counts. A heartbeat says "I am here, visible and active"; any duration it claims is ignored.
- One clock per host, shared by every tab and device: a heartbeat earns the time since the host's previous
  heartbeat from anywhere, so two tabs interleaving never count a minute twice, and a day can never hold more
  study time than the wall clock allows.
- A gap longer than ``max_gap`` earns nothing: the page was hidden, the phone asleep, or the host away.
- Days are calendar days in China time (Asia/Shanghai); an interval across midnight is split between the two days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
DEFAULT_MAX_GAP = timedelta(seconds=90)


def china_day(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def credit(last_beat: datetime | None, now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP) -> list[tuple[date, int]]:
    """Seconds earned by a heartbeat at ``now`` after the host's previous one, split by China day."""
    if last_beat is None or now <= last_beat or now - last_beat > max_gap:
        return []
    start_day, end_day = china_day(last_beat), china_day(now)
    if start_day == end_day:
        return [(end_day, _seconds_between(last_beat, now))]
    midnight = datetime.combine(end_day, datetime.min.time(), tzinfo=CHINA)
    parts = [(start_day, _seconds_between(last_beat, midnight)), (end_day, _seconds_between(midnight, now))]
    return [(day, seconds) for day, seconds in parts if seconds > 0]


def _seconds_between(start: datetime, end: datetime) -> int:
    # Whole seconds on the epoch scale telescope: beat-to-beat credits add up exactly, with no rounding drift.
    return int(end.timestamp()) - int(start.timestamp())


def cap_to_daily_max(parts: list[tuple[date, int]], credited: dict[date, int], daily_max_seconds: int) -> list[tuple[date, int]]:
    """Keep only what fits under the daily maximum, given the seconds already ``credited`` on each day."""
    kept = []
    for day, seconds in parts:
        room = max(0, daily_max_seconds - credited.get(day, 0))
        if min(seconds, room) > 0:
            kept.append((day, min(seconds, room)))
    return kept
