"""The process record (培训过程记录) of one host on one course: its canonical bytes, digest and table rows. Pure.

A record is a JSON object (see docs/study-hours.md): ``host``, ``course``, ``policy``, ``sessions``, ``days``,
``presence_checks``, ``quiz_attempts`` and ``certificate``. Its canonical form is RFC 8785 (JCS); the SHA-256 of
those bytes is what the transparency log's ``process`` entry holds.
"""

from __future__ import annotations

import hashlib

from lms.credentials.jcs import canonicalize

#: Columns of the process-record table (CSV and XLSX), in the bureau's language.
COLUMNS = ["主播", "课程", "类别", "时间（北京时间）", "内容", "数值"]
#: The record's codes as the table names them, in the bureau's language (an unknown code is written as it is).
WORDS = {
    # presence checks: kind and outcome
    "tap": "点数字", "question": "算术题", "lesson": "本课问题", "heading": "本课小标题",
    "answered": "已回答", "missed": "错过", "wrong": "答错", "pending": "待回答",
    # identity checks: moment and verdict
    "start": "开课时", "random": "随机在场确认时", "stored": "已保存待人工核对", "matched": "比对一致",
    "mismatch": "比对不一致", "skipped": "未核验", "no_consent": "未同意拍照", "bad_image": "图像不可用",
    # flags of a lesson session
    "periodic": "心跳过于规律", "no_scroll": "长课未滚动", "parallel": "多课同时学习",
    "not_host": "复核：非本人", "identity_unmet": "未满足身份核验要求",
}  # fmt: skip


def _words(*codes: str) -> str:
    return " ".join(WORDS.get(code, code) for code in codes)


def canonical(record: dict) -> bytes:
    return canonicalize(record)


def digest(record: dict) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


#: The flag a reviewer's "not the host" sets on a lesson session.
NOT_HOST = "not_host"


def reviewed_after(sealed: dict, live: dict) -> tuple[dict, ...]:
    """Sessions the live record shows as marked "not the host" that the sealed record did not."""
    before = {(s["lesson"], s["start"]) for s in sealed.get("sessions", []) if NOT_HOST in s["flags"]}
    return tuple(s for s in live.get("sessions", []) if NOT_HOST in s["flags"] and (s["lesson"], s["start"]) not in before)


def review_rows(record: dict, reviewed: tuple[dict, ...]) -> list[list]:
    """One row per session marked "not the host" after the record was sealed: its minutes no longer count."""
    host, course = record["host"]["name"], record["course"]["title"]
    return [[host, course, "复核", s["start"], f"{s['lesson']} {s['start']} – {s['end']} {WORDS[NOT_HOST]}，学习时间已扣除",
             -s["credited_seconds"]] for s in reviewed]  # fmt: skip


def table_rows(record: dict) -> list[list]:
    """One row per event of the record, for the bureau's download (times as stored, ISO 8601 in China time)."""
    host, course = record["host"]["name"], record["course"]["title"]
    rows: list[list] = [[host, course, "登录", at, "", ""] for at in record.get("sign_ins", [])]
    for s in record["sessions"]:
        flags = _words(*s["flags"])
        rows.append([host, course, "学习记录", s["start"], f"{s['lesson']} {s['start']} – {s['end']} {flags}".strip(),
                     s["credited_seconds"]])  # fmt: skip
    for d in record["days"]:
        rows.append([host, course, "每日学时", d["day"], f"{d['class_hours']} 学时", d["seconds"]])
    for c in record["presence_checks"]:
        rows.append([host, course, "在场确认", c["shown"], _words(c.get("kind", ""), c["outcome"]).strip(),
                     c["withdrawn_seconds"]])  # fmt: skip
    for i in record.get("identity_checks", []):
        rows.append([host, course, "身份核验", i["time"], f"{_words(i['moment'])} {i['provider']} {_words(i['status'])}", ""])
    for a in record["quiz_attempts"]:
        rows.append([host, course, "考核", a["started"], f"{a['quiz']} #{a['number']} {a['status']}", a["score"]])
    certificate = record.get("certificate")
    if certificate:
        rows.append([host, course, "证书", certificate["issued"], certificate["number"], certificate["study_seconds"]])
    return rows
