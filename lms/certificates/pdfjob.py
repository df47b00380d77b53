"""Certificate PDFs rendered in the background: a job is queued with the issue (and with a revocation or a
re-issue, whose PDFs look different), and downloads are served from what it stored. Until the job has run, or when
the stored PDF shows an older status, the download renders it at once, as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.certificates.masking import mask_id_public
from lms.certificates.models import REVOKED, Certificate, CertificatePdf
from lms.db import utcnow
from lms.jobs.queue import enqueue
from lms.jobs.runner import JobContext, handler
from lms.learning.studytime import china_day

if TYPE_CHECKING:  # ReportLab is loaded when a PDF is first made, not by every worker at start-up
    from lms.certificates.pdf import CertificateRecord

KIND = "certificates.render_pdf"


def verify_url(number: str) -> str:
    """The public check page of a certificate: in a request, a job or a command alike."""
    path = current_app.url_map.bind("localhost").build("certificates.verify", {"number": certnumbers.format(number)})
    return current_app.config["LMS"].base_url.rstrip("/") + path


def record_of(certificate: Certificate) -> CertificateRecord:
    from lms.certificates.pdf import CertificateRecord

    return CertificateRecord(
        number=certnumbers.format(certificate.number),
        holder_name=certificate.holder_name,
        holder_id_masked=mask_id_public(certificate.holder_id_masked),  # printed, so handed around: public
        course_title_zh=certificate.course_title_zh,
        course_title_en=certificate.course_title_en,
        course_version=f"v{certificate.course_version} · {certificate.content_hash[:12]}",
        hours=certificate.hours,
        score=round(certificate.score) if certificate.score is not None else None,
        started_on=certificate.started_on,
        completed_on=certificate.completed_on,
        issued_on=china_day(certificate.issued_at),
        issuer_name=certificate.issuer_name,
        skills=tuple(f"{s['zh-CN']} {s['en']}" if isinstance(s, dict) else str(s) for s in certificate.skills),
    )


def render(certificate: Certificate) -> bytes:
    from lms.certificates.pdf import render_certificate_pdf
    from lms.certificates.textlayout import find_cjk_font_file

    return render_certificate_pdf(record_of(certificate), verify_url(certificate.number),
                                  revoked=certificate.status == REVOKED, cjk_font_path=find_cjk_font_file())  # fmt: skip


def queue_render(session: Session, certificate: Certificate) -> None:
    """In the caller's transaction: render this certificate's PDF once that commits."""
    enqueue(session, KIND, user_id=certificate.user_id, label=certnumbers.format(certificate.number),
            args={"certificate": certificate.id}, max_attempts=3)  # fmt: skip


def pdf_of(session: Session, certificate: Certificate) -> bytes:
    """The stored PDF if it shows the certificate as it is now; otherwise rendered now."""
    stored = session.get(CertificatePdf, certificate.id)
    if stored is not None and stored.status == certificate.status:
        return stored.body
    return render(certificate)


@handler(KIND)
def render_job(ctx: JobContext) -> str | None:
    session = ctx.session
    certificate = session.get(Certificate, ctx.job.args["certificate"])
    if certificate is None:
        return None
    stored = session.get(CertificatePdf, certificate.id)
    if stored is None:
        stored = CertificatePdf(certificate_id=certificate.id)
        session.add(stored)
    elif stored.status == certificate.status:
        return f"certificate_pdf:{certificate.id}"  # rendered already (the job was queued twice)
    stored.status, stored.body, stored.rendered_at = certificate.status, render(certificate), utcnow()
    session.flush()
    return f"certificate_pdf:{certificate.id}"
