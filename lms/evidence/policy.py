"""A programme's study policy (学时 length, daily maximum, presence checks, identity checks, retention). Pure.

An organisation chooses defaults; a cohort may override them. Defaults and meaning: docs/study-hours.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
#: The bounds a policy must keep; the settings form and :func:`StudyPolicy.problems` use the same numbers.
BOUNDS = {
    "class_hour_minutes": (30, 60),
    "daily_max_minutes": (30, 24 * 60),
    "presence_interval_minutes": (0, 120),
    "presence_answer_seconds": (20, 300),
    "retention_years": (1, 30),
}


@dataclass(frozen=True)
class StudyPolicy:
    #: Minutes in one class hour (学时); many 人社 schemes use 45.
    class_hour_minutes: int = 60
    #: At most this many minutes are credited per host and China day, over all lessons.
    daily_max_minutes: int = 480
    #: A presence check comes at a random moment within each interval of this many minutes; 0 turns checks off.
    presence_interval_minutes: int = 0
    #: The host has this many seconds to answer a presence check.
    presence_answer_seconds: int = 60
    identity_at_start: bool = False
    identity_random: bool = False
    #: Study evidence (presence checks, snapshots) is kept this many years, then purged.
    retention_years: int = 5

    def problems(self) -> dict[str, str]:
        """Field name -> why the value is out of bounds (English; the form shows its own translated message)."""
        found = {}
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                found[name] = f"{name} must be a whole number from {low} to {high}"
        return found

    @property
    def daily_max_seconds(self) -> int:
        return self.daily_max_minutes * 60

    @property
    def presence_checks(self) -> bool:
        return self.presence_interval_minutes > 0

    def class_hours(self, seconds: int) -> float:
        """Credited seconds as class hours (学时) of this policy, one decimal."""
        return round(seconds / (self.class_hour_minutes * 60), 1)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "StudyPolicy":
        """A policy from a stored snapshot; unknown keys are ignored, missing ones take the default."""
        if not data:
            return cls()
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


DEFAULT = StudyPolicy()


def snapshot(policy: StudyPolicy, scope: str, version: int) -> dict:
    """What a certificate records about the policy its hours were earned under."""
    return {"scope": scope, "version": version, **policy.as_dict()}

