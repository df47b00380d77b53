"""Idle and automation signals of a lesson session. Pure: what the page reports and the server saw in, verdicts out.

Time is credited only while the page is visible and its reader has touched, scrolled or typed in the last two
minutes. Patterns a script would make are not refused but flagged on the session for a reviewer: beats arriving
with clockwork regularity, a long lesson never scrolled, several lessons studied at once.
"""

from __future__ import annotations

from statistics import pstdev

from lms.messages import N_

#: No input for longer than this and the reader is away (the page stops beating after it, too).
IDLE_LIMIT_SECONDS = 120
#: How many beat-to-beat gaps the periodicity test looks at, and the spread (ms) below which they are clockwork.
PERIODIC_WINDOW = 12
PERIODIC_SPREAD_MS = 5.0
#: A scrollable lesson read this long (credited seconds) without any scrolling is flagged.
NO_SCROLL_AFTER_SECONDS = 180
#: Beats for two lessons closer than this are "several lessons at once".
PARALLEL_SECONDS = 45

PERIODIC = "periodic"
NO_SCROLL = "no_scroll"
PARALLEL = "parallel"
FLAG_LABELS = {
    PERIODIC: N_("Heartbeats arrived with clockwork regularity (a script?)"),
    NO_SCROLL: N_("A long lesson was never scrolled"),
    PARALLEL: N_("Several lessons were open and beating at once"),
    "not_host": N_("A reviewer found that the person studying was not the host"),
    "identity_unmet": N_("The policy requires identity checks, but the host has not consented to them"),
}


def active(visible: object, idle_seconds: object) -> bool:
    """Whether a beat may earn time: the page says it is visible and had input within the idle limit."""
    if visible is not True or isinstance(idle_seconds, bool) or not isinstance(idle_seconds, int):
        return False
    return 0 <= idle_seconds <= IDLE_LIMIT_SECONDS


def is_periodic(gaps_ms: list[int]) -> bool:
    """The last gaps between beats as seen by the server are too regular for a person's browser and network."""
    recent = gaps_ms[-PERIODIC_WINDOW:]
    return len(recent) >= PERIODIC_WINDOW and pstdev(recent) < PERIODIC_SPREAD_MS


def never_scrolled(scrollable: bool, max_scroll: int, credited_seconds: int) -> bool:
    return scrollable and max_scroll <= 0 and credited_seconds >= NO_SCROLL_AFTER_SECONDS


def with_flag(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]
