"""A host's process record judged against the study policy a bureau requires (reasons in Chinese)."""

from lms.evidence.policy import StudyPolicy
from lms.evidence.requirement import judge
from tests.unit.test_record_pdf import RECORD


def test_a_record_that_meets_the_policy_it_was_studied_under():
    judged = judge(RECORD, StudyPolicy(class_hour_minutes=45, daily_max_minutes=240, presence_interval_minutes=15,
                                       identity_at_start=True))  # fmt: skip
    assert judged.met and judged.reasons == () and judged.class_hours == 2.0  # 90 minutes of 45-minute hours


def test_every_reason_a_record_falls_short_is_named():
    record = {**RECORD, "sessions": [*RECORD["sessions"], {**RECORD["sessions"][0], "lesson": "second",
                                                           "flags": ["not_host"]}],
              "identity_checks": [*RECORD["identity_checks"], {**RECORD["identity_checks"][0], "moment": "random",
                                                               "status": "no_consent"}]}  # fmt: skip
    judged = judge(record, StudyPolicy(class_hour_minutes=60, daily_max_minutes=30, presence_interval_minutes=10,
                                       identity_at_start=True, identity_random=True, retention_years=10))  # fmt: skip
    assert not judged.met
    assert judged.reasons == (
        "2026-06-01 计入 60 分钟，超过要求的每日最多 30 分钟",
        "要求每 10 分钟内在场确认一次，学习时每 15 分钟一次",
        "要求开课时核验身份，以下课时没有通过的核验：second",
        "要求学习中随机核验身份，没有通过的随机核验",
        "主播未同意采集照片，身份核验无法进行",
        "有学习记录经审核认定非本人",
        "证据保存 5 年，短于要求的 10 年",
    )
    assert judged.class_hours == 1.0  # 30 + 30 counted minutes, each day capped at the required 30


def test_presence_checks_off_while_required():
    record = {**RECORD, "policy": {**RECORD["policy"], "presence_interval_minutes": 0}}
    assert judge(record, StudyPolicy(presence_interval_minutes=20)).reasons == (
        "要求每 20 分钟内在场确认一次，学习时未开启",)
