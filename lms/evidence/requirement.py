"""Judging a host's process record against the study policy a bureau requires for a submitted cohort. Pure.

The record is the dict ``lms.evidence.process.build`` makes; its ``policy`` is the one the host studied under. The
reasons are in Chinese: they are read by the bureau's officer and printed in the PDF (docs/study-hours.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.evidence.policy import StudyPolicy

#: Identity-check outcomes that show the host was seen (a stored snapshot for review, or a matching comparison).
SEEN = ("stored", "matched")


@dataclass(frozen=True)
class Judgement:
    met: bool
    reasons: tuple[str, ...]
    #: The credited time in class hours of the required policy's length.
    class_hours: float


def judge(record: dict, required: StudyPolicy) -> Judgement:
    """Whether the record meets the required policy, and every reason it does not."""
    studied = StudyPolicy.from_dict(record.get("policy"))
    reasons: list[str] = []
    for day in record.get("days", []):
        if int(day["seconds"]) > required.daily_max_seconds:
            reasons.append(f"{day['day']} 计入 {int(day['seconds']) // 60} 分钟，超过要求的每日最多 "
                           f"{required.daily_max_minutes} 分钟")  # fmt: skip
    if required.presence_checks and not (
        studied.presence_checks and studied.presence_interval_minutes <= required.presence_interval_minutes
    ):
        actual = f"每 {studied.presence_interval_minutes} 分钟一次" if studied.presence_checks else "未开启"
        reasons.append(f"要求每 {required.presence_interval_minutes} 分钟内在场确认一次，学习时{actual}")
    checks = record.get("identity_checks", [])
    lessons = list(dict.fromkeys(s["lesson"] for s in record.get("sessions", [])))
    if required.identity_at_start:
        seen = {c["lesson"] for c in checks if c["moment"] == "start" and c["status"] in SEEN}
        missing = [lesson for lesson in lessons if lesson not in seen]
        if missing:
            reasons.append("要求开课时核验身份，以下课时没有通过的核验：" + "、".join(missing))
    if required.identity_random and lessons and not any(c["moment"] == "random" and c["status"] in SEEN for c in checks):
        reasons.append("要求学习中随机核验身份，没有通过的随机核验")
    if (required.identity_at_start or required.identity_random) and any(c["status"] == "no_consent" for c in checks):
        reasons.append("主播未同意采集照片，身份核验无法进行")
    if any(c["status"] == "mismatch" for c in checks):
        reasons.append("有身份比对结果不一致")
    if any("not_host" in s.get("flags", []) for s in record.get("sessions", [])):
        reasons.append("有学习记录经审核认定非本人")
    if studied.retention_years < required.retention_years:
        reasons.append(f"证据保存 {studied.retention_years} 年，短于要求的 {required.retention_years} 年")
    # What a subsidy counts: each day's credit up to the required daily maximum, in the required class hours.
    seconds = sum(min(int(day["seconds"]), required.daily_max_seconds) for day in record.get("days", []))
    return Judgement(not reasons, tuple(reasons), required.class_hours(seconds))
