"""Demo content for a first look: one MCN with a trainer and hosts, one labor bureau, a site admin.

Idempotent: running it again finds what exists and creates only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathlib import Path

from lms.accounts import services as accounts
from lms.catalogue.loader import load_catalogue
from lms.catalogue.services import sync_catalogue
from lms.config import PROJECT_ROOT
from lms.accounts.identifiers import parse_identifier
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, OrgKind, Role

DEMO_PASSWORD = "demo-pass-2026"

#: (label, email, display name, org slug or None, role or None, site admin)
DEMO_ACCOUNTS = [
    ("site admin", "admin@demo.example.com", "站点管理员", None, None, True),
    ("MCN org admin", "mcn-admin@demo.example.com", "星光MCN 管理员", "demo-mcn", Role.ORG_ADMIN, False),
    ("MCN trainer", "trainer@demo.example.com", "王老师", "demo-mcn", Role.TRAINER, False),
    ("host", "host@demo.example.com", "小林", "demo-mcn", Role.LEARNER, False),
    ("host", "host2@demo.example.com", "阿美", "demo-mcn", Role.LEARNER, False),
    ("bureau verifier", "verifier@demo.example.com", "人社局核验员", "demo-bureau", Role.BUREAU_VERIFIER, False),
]

DEMO_ORGS = [
    ("demo-mcn", "星光直播 MCN（演示）", OrgKind.MCN),
    ("demo-bureau", "示例市人力资源和社会保障局（演示）", OrgKind.BUREAU),
]


@dataclass
class DemoSummary:
    password: str = DEMO_PASSWORD
    courses: int = 0
    catalogue_note: str = ""
    logins: list[tuple[str, str]] = field(default_factory=list)


def load_demo(session: Session, catalogue: Path = PROJECT_ROOT / "courses") -> DemoSummary:
    summary = DemoSummary()
    result = load_catalogue(catalogue)
    report = sync_catalogue(session, result)
    summary.courses = len(result.courses)
    summary.catalogue_note = (
        f"{len(report.created)} new, {len(report.new_versions)} updated, {len(report.unchanged)} unchanged"
        + (f", {len(report.rejected)} rejected: run `lms courses check courses/`" if report.rejected else "")
    )
    by_slug: dict[str, Organisation] = {}
    for slug, name, kind in DEMO_ORGS:
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        by_slug[slug] = org or orgs.create_organisation(session, name=name, slug=slug, kind=kind.value)
    for label, email, display_name, slug, role, site_admin in DEMO_ACCOUNTS:
        user = accounts.find_user(session, parse_identifier(email))
        if user is None:
            user = accounts.register_user(
                session, display_name=display_name, login=email, password=DEMO_PASSWORD
            )
        user.is_site_admin = site_admin
        if slug and role:
            orgs.add_member(session, org=by_slug[slug], user=user, role=role)
        summary.logins.append((label, email))
    session.flush()
    return summary
