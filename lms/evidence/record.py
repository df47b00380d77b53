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


def canonical(record: dict) -> bytes:
    return canonicalize(record)


def digest(record: dict) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def table_rows(record: dict) -> list[list]:
    """One row per event of the record, for the bureau's download (times as stored, ISO 8601 in China time)."""
    host, course = record["host"]["name"], record["course"]["title"]
    rows: list[list] = [[host, course, "登录", at, "", ""] for at in record.get("sign_ins", [])]
    for s in record["sessions"]:
        flags = " ".join(s["flags"])
        rows.append([host, course, "学习记录", s["start"], f"{s['lesson']} {s['start']} – {s['end']} {flags}".strip(),
                     s["credited_seconds"]])  # fmt: skip
    for d in record["days"]:
        rows.append([host, course, "每日学时", d["day"], f"{d['class_hours']} 学时", d["seconds"]])
    for c in record["presence_checks"]:
        rows.append([host, course, "在场确认", c["shown"], c["outcome"], c["withdrawn_seconds"]])
    for i in record.get("identity_checks", []):
        rows.append([host, course, "身份核验", i["time"], f"{i['moment']} {i['provider']} {i['status']}", ""])
    for a in record["quiz_attempts"]:
        rows.append([host, course, "考核", a["started"], f"{a['quiz']} #{a['number']} {a['status']}", a["score"]])
    certificate = record.get("certificate")
    if certificate:
        rows.append([host, course, "证书", certificate["issued"], certificate["number"], certificate["study_seconds"]])
    return rows
