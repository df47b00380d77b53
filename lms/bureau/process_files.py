"""The process record (培训过程记录) of a cohort as files: a PDF (per host or for the cohort) and the JSON file the
offline verifier checks seals with (``lms verify CREDENTIAL --process process.json``).

The bureau reviewing a submitted cohort gets the full 身份证号 of consenting hosts in the PDF (as in the roster);
the organisation's admin gets the masked one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.accounts.models import User
from lms.bureau.audit_subsidy import HostAudit, ProcessView, process_views
from lms.catalogue.models import CourseVersion, Lesson
from lms.cohorts.models import Cohort
from lms.cohorts.services import dashboard
from lms.credentials.processseal import EXPORT_FORMAT
from lms.evidence.models import IdentityCheck, ProcessRecord
from lms.evidence.requirement import Judgement
from lms.learning.studytime import CHINA
from lms.transparency import log

#: The language of the PDF, whatever the reader's: it is a record for a Chinese authority.
PDF_LOCALE = "zh_Hans_CN"


def cohort_views(session: Session, cohort: Cohort) -> list[ProcessView]:
    """Every member's record in the cohort (for the organisation's admin, who sees their hosts' study anyway)."""
    board = dashboard(session, cohort)
    return process_views(session, board, [HostAudit(host, True) for host in board.hosts])


def _reviews(session: Session, views: Sequence[ProcessView]) -> dict[tuple[int, int], list[tuple[str, str, str]]]:
    """Reviewers' judgements of identity checks, per (host, course)."""
    if not views:
        return {}
    rows = session.execute(
        select(IdentityCheck.user_id, CourseVersion.course_id, IdentityCheck.taken_at, Lesson.slug, IdentityCheck.review)
        .join(Lesson, IdentityCheck.lesson_id == Lesson.id).join(CourseVersion, Lesson.version_id == CourseVersion.id)
        .where(IdentityCheck.user_id.in_({v.host.id for v in views}), IdentityCheck.review.is_not(None))
        .order_by(IdentityCheck.taken_at)
    )  # fmt: skip
    found: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for user_id, course_id, taken_at, slug, review in rows:
        at = taken_at.astimezone(CHINA).isoformat(timespec="seconds")
        found.setdefault((user_id, course_id), []).append((at, slug, review))
    return found


def process_pdf(session: Session, views: Sequence[ProcessView], *, title: str, id_number: Callable[[User], str],
                judge: Callable[[ProcessView], Judgement] | None = None, cjk_font_path: str | None = None) -> bytes:  # fmt: skip
    """The PDF of these records; ``id_number`` says how each holder's 身份证号 is printed for this reader, and
    ``judge`` (the bureau's copy) whether each record meets the policy the bureau requires."""
    from lms.evidence.recordpdf import HostPage, render_process_pdf  # ReportLab loads when a PDF is first made

    reviews = _reviews(session, views)
    pages = []
    with force_locale(PDF_LOCALE):
        for view in views:
            sealed = view.sealed
            problems = tuple(_(p) for p in view.check.problems) if view.check else ()
            judged = judge(view) if judge is not None else None
            pages.append(HostPage(view.record, id_number(view.host), sealed.sha256 if sealed else None,
                                  sealed.log_index if sealed else None, problems,
                                  tuple(reviews.get((view.host.id, view.course_id), ())),
                                  (judged.met, judged.reasons) if judged else None))  # fmt: skip
    return render_process_pdf(pages, title=title, cjk_font_path=cjk_font_path)


def process_json(session: Session, views: Sequence[ProcessView]) -> bytes:
    """The sealed records with their log inclusion proofs, for ``lms verify --process`` (records not yet sealed,
    having no certificate, are left out: there is nothing to check them against)."""
    return sealed_json(session, [view.sealed for view in views if view.sealed is not None])


def sealed_json(session: Session, sealed: Sequence[ProcessRecord]) -> bytes:
    """The ``lms-process-export-v1`` file of these sealed records (lms.credentials.processseal)."""
    records = []
    for record in sealed:
        if record.log_index is None:
            continue
        body = json.loads(record.body)
        records.append({"certificate": certnumbers.format(body["certificate"]["number"]), "log_index": record.log_index,
                        "record": body, "proof": log.proof_text(session, record.log_index)})  # fmt: skip
    return json.dumps({"format": EXPORT_FORMAT, "records": records}, ensure_ascii=False, indent=1).encode("utf-8")
