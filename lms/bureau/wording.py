"""What a bureau officer reads in pages and downloads instead of the codes the site stores: result and status
names, audit actions, audit details, people by name, China time. Every label is a lazy gettext string, so a
download speaks the language of the page that asked for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.bureau.models import ApiToken, AuditEvent

CHINA = ZoneInfo("Asia/Shanghai")


def china_time(moment: datetime | None) -> str:
    """A stored UTC moment in China time, to the second (an audit trail orders events within a minute)."""
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


RESULT_LABELS = {
    "valid": _l("valid"), "revoked": _l("revoked"), "superseded": _l("superseded"), "unknown": _l("unknown"),
    "name_mismatch": _l("name does not match"), "id_mismatch": _l("ID does not match"), "malformed": _l("malformed"),
}  # fmt: skip

ACTIONS = {
    "bulk_check": _l("Bulk check"),
    "bulk_check_rejected": _l("Bulk check refused (file unreadable)"),
    "export_csv": _l("Results downloaded (CSV)"),
    "export_xlsx": _l("Results downloaded (XLSX)"),
    "api_bulk_check": _l("Bulk check by API"),
    "lookup": _l("Single certificate lookup"),
    "token_created": _l("API token created"),
    "token_revoked": _l("API token revoked"),
    "audit_exported": _l("Audit log exported"),
    "witness_key_added": _l("Witness key added"),
    "log_cosigned": _l("Log checkpoint cosigned"),
    "subsidy_audit_viewed": _l("Submitted cohort viewed"),
    "roster_exported_csv": _l("Roster downloaded (CSV, full ID numbers)"),
    "roster_exported_xlsx": _l("Roster downloaded (XLSX, full ID numbers)"),
    "process_record_exported_csv": _l("Process record downloaded (CSV)"),
    "process_record_exported_xlsx": _l("Process record downloaded (XLSX)"),
    "process_record_exported_pdf": _l("Process record downloaded (PDF, full ID numbers)"),
    "process_record_exported_json": _l("Sealed process records downloaded for offline checking"),
    "required_policy_set": _l("Study policy required for a submitted cohort"),
    "required_policy_cleared": _l("Submitted cohort judged as the organisation chose"),
}

_DETAIL_KEYS = {
    "file": _l("file"), "summary": _l("results"), "check": _l("check"), "numbers": _l("certificate numbers"),
    "code": _l("problem"), "token": _l("token"), "name": _l("name"), "via": _l("via"), "key": _l("witness key"),
    "submission": _l("submitted cohort"), "hosts": _l("hosts"), "full_id_numbers": _l("full ID numbers"),
    "certificates": _l("certificates"), "tree_size": _l("log size"), "number": _l("certificate number"),
    "found": _l("found"), "status": _l("status"), "version": _l("version"),
    "class_hour_minutes": _l("minutes per class hour"), "daily_max_minutes": _l("most minutes per day"),
    "presence_interval_minutes": _l("presence check interval (minutes)"),
    "presence_answer_seconds": _l("seconds to answer"), "identity_at_start": _l("identity check at lesson start"),
    "identity_random": _l("identity check at random"), "retention_years": _l("evidence kept (years)"),
}  # fmt: skip


PROBLEM_TEXT = {
    "empty_number": _l("the certificate number is empty"),
    "empty_name": _l("the name is empty"),
    "number_length": _l("the certificate number must be 15 to 17 characters long"),
    "number_excel_float": _l("Excel stored the certificate number as a number and lost digits: format the column "
                             "as text"),
    "name_length": _l("the name is longer than 50 characters"),
    "id_number_format": _l("the ID number must be 18 characters: 17 digits and a final digit or X"),
    "id_number_excel_float": _l("Excel stored the ID number as a number and lost digits: format the column as text"),
}  # fmt: skip
SEPARATOR_NAMES = {
    "separator_comma": _l("a comma (,)"), "separator_semicolon": _l("a semicolon (;)"), "separator_tab": _l("a tab"),
    "separator_chinese_comma": _l("a Chinese comma (，)"), "separator_chinese_semicolon": _l("a Chinese semicolon (；)"),
}  # fmt: skip


def problem_text(problem: str) -> str:
    """A row problem of a bulk file (:class:`lms.bureau.bulkrows.Problem`) in the page's language."""
    code = getattr(problem, "code", "")
    if code in SEPARATOR_NAMES:
        return _("the cells of this row are separated by %(separator)s, not as in the header row: use the same "
                 "separator on every line", separator=SEPARATOR_NAMES[code])
    return str(PROBLEM_TEXT[code]) if code in PROBLEM_TEXT else str(problem)


def result_label(code: str | None) -> str:
    return str(RESULT_LABELS[code]) if code in RESULT_LABELS else (code or "")


def status_label(status: str | None) -> str:
    """A certificate's status (valid, revoked, superseded) as a word of the page's language."""
    return result_label(status)


def action_label(action: str) -> str:
    return str(ACTIONS[action]) if action in ACTIONS else action


def _value(key: str, value: object, names: Mapping[int, str]) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if key == "summary" and isinstance(value, Mapping):
        return ", ".join(f"{result_label(k)} {v}" for k, v in value.items() if v)
    if key == "hosts" and isinstance(value, list):
        return "、".join(names.get(v, str(v)) if isinstance(v, int) else str(v) for v in value)
    if key == "status" and isinstance(value, str):
        return status_label(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def detail_text(detail: Mapping[str, object] | None, names: Mapping[int, str] | None = None) -> str:
    """An audit event's detail as a sentence of labelled values (never a Python or JSON dict)."""
    order = list(_DETAIL_KEYS)
    items = sorted((detail or {}).items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
    return "; ".join(f"{_DETAIL_KEYS.get(k, k)}: {_value(k, v, names or {})}" for k, v in items)


def people(session: Session, events: Sequence[AuditEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the users (operators and hosts named in details) and tokens of these events."""
    user_ids = {e.user_id for e in events if e.user_id}
    for event in events:
        user_ids.update(h for h in (event.detail or {}).get("hosts", []) if isinstance(h, int))
    users = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    token_ids = {e.token_id for e in events if e.token_id}
    tokens = dict(session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(token_ids))).all()) if token_ids else {}
    return users, tokens


def operator(event: AuditEvent, users: Mapping[int, str], tokens: Mapping[int, str]) -> str:
    if event.user_id:
        return users.get(event.user_id) or _("user %(id)d", id=event.user_id)
    if event.token_id:
        return _("API token “%(name)s”", name=tokens.get(event.token_id, str(event.token_id)))
    return _("command line")


def audit_rows(session: Session, events: Sequence[AuditEvent]) -> list[dict[str, object]]:
    """What the audit page and its CSV show of each event: China time, who by name, the action in words."""
    users, tokens = people(session, events)
    return [{"time": china_time(e.created_at), "who": operator(e, users, tokens), "action": action_label(e.action),
             "rows": e.rows, "detail": detail_text(e.detail, users)} for e in events]  # fmt: skip


def audit_header() -> list[str]:
    return [_("Time (China)"), _("Who"), _("Action"), _("Rows"), _("Detail")]


def audit_table(rows: Iterable[Mapping[str, object]]) -> Iterable[list[object]]:
    return ([r["time"], r["who"], r["action"], r["rows"], r["detail"]] for r in rows)


def results_header() -> list[str]:
    return [_("Row"), _("Certificate number"), _("Submitted name"), _("Result"), _("Detail")]


def results_table(stored: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """The stored results of a bulk check, keyed by the header of the page's language, results in words."""
    header = results_header()
    rows = []
    for row in stored:
        line = row.get("row")
        values = [int(line) if isinstance(line, str) and line.isdigit() else line, row.get("number"), row.get("name"),
                  result_label(row.get("result")), row.get("detail")]  # fmt: skip
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def policy_summary(policy) -> str:
    """A study policy (lms.evidence.policy.StudyPolicy) in one line of the reader's language."""
    identity = [word for wanted, word in ((policy.identity_at_start, _("identity check at lesson start")),
                                          (policy.identity_random, _("identity check at random"))) if wanted]  # fmt: skip
    parts = [
        _("%(m)d minutes per class hour", m=policy.class_hour_minutes),
        _("at most %(m)d minutes a day", m=policy.daily_max_minutes),
        _("a presence check every %(m)d minutes", m=policy.presence_interval_minutes) if policy.presence_checks
        else _("no presence checks"),
        *(identity or [_("no identity checks")]),
        _("evidence kept %(y)d years", y=policy.retention_years),
    ]
    return _(", ").join(parts)
