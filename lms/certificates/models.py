"""Issued certificates: a frozen record that is never re-rendered from live data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow

VALID = "valid"
REVOKED = "revoked"
SUPERSEDED = "superseded"
#: The public category of a revocation (what /verify shows); the detailed reason is for staff only.
REVOCATION_CATEGORIES = ("incorrect", "misconduct", "duplicate", "other")


def certificate_topic(number: str) -> str:
    """The cache topic of one certificate (its number as stored, without hyphens)."""
    return "certificate:" + number


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, grouped, with a check character (lms.certnumbers); stored without hyphens.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    #: "enrollment:<id>" for the automatic issue: the database refuses a second one, whatever races.
    #: Re-issues (corrections) leave it NULL.
    issue_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=VALID)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # --- the frozen record: copied at issue, never updated ---------------------------------------------------
    holder_name: Mapped[str] = mapped_column(String(64))
    holder_id_masked: Mapped[str] = mapped_column(String(18))
    #: Keyed hash of the holder's 身份证号 as at issue (bureau checks compare through it); never the number.
    holder_id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    course_slug: Mapped[str] = mapped_column(String(64))
    course_title_zh: Mapped[str] = mapped_column(String(200))
    course_title_en: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    study_seconds: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date] = mapped_column(Date)
    issuer_name: Mapped[str] = mapped_column(String(120))
    issuer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    skills: Mapped[list] = mapped_column(JSON)
    #: The study policy (scope, version and values) the hours were earned under; see docs/study-hours.md.
    study_policy: Mapped[dict | None] = mapped_column(JSON)
    #: What a reviewer found in the study evidence after issue, e.g. ``not_host`` (lms/evidence): the certificate
    #: is flagged for its issuer and the bureau, not revoked.
    evidence_flag: Mapped[str | None] = mapped_column(String(40))

    # --- the verifiable credential (Open Badges 3.0), signed at issue -------------------------------------
    #: The signed OpenBadgeCredential exactly as issued (JSON text); its SHA-256 is in the log entry.
    credential: Mapped[str | None] = mapped_column(Text)
    credential_sha256: Mapped[str | None] = mapped_column(String(64))
    #: This certificate's bit in the status list.
    status_index: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: Index of the log entry that recorded the issue.
    log_index: Mapped[int | None] = mapped_column(Integer)

    # --- what may change later: status, recorded as events ------------------------------------------------
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(Text)  # for staff only
    revoked_category: Mapped[str | None] = mapped_column(String(16))  # one of REVOCATION_CATEGORIES: public
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    def cache_row_topic(self) -> str:
        """lms.cache: a change of this row drops what is cached of it (its verify page and API answer)."""
        return certificate_topic(self.number)

    @property
    def hours(self) -> float:
        """Class hours (学时) of the policy the hours were earned under (60 minutes when none was recorded)."""
        minutes = (self.study_policy or {}).get("class_hour_minutes") or 60
        return round(self.study_seconds / (minutes * 60), 1)


class CertificatePdf(Base):
    """A certificate's PDF, rendered by a background job when it is issued, revoked or re-issued, so that a
    download is served without rendering. It is only used while it shows the certificate's current status."""

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    #: The status the PDF shows (a revoked certificate's PDF says so).
    status: Mapped[str] = mapped_column(String(12))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

