"""First set-password links of imported hosts that are still waiting to be used: issued (and kept encrypted) here,
listed for the printable QR sheet and the CSV/XLSX of pending links.

A link stays pending while its token is unused, unexpired, and the host has not chosen a password some other way.
Only then is it listed; a used or expired link is never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import spreadsheets
from lms.accounts.models import PasswordResetToken, User
from lms.cohorts.models import Cohort, CohortMember
from lms.db import utcnow
from lms.orgs.models import FirstLink
from lms.security.passwords import is_unusable
from lms.security.pii import PIICipher, PIIDecryptError
from lms.security.tokens import new_token
from lms.learning.studytime import CHINA

COLUMNS = ("name", "login", "cohort", "link", "expires")
HEADERS = {"name": _l("Host"), "login": _l("Mobile number or email (masked)"), "cohort": _l("Cohort"),
           "link": _l("Set-password link"), "expires": _l("Valid until (China time)")}  # fmt: skip


def _context(org_id: int, token_id: int) -> str:
    return f"first_link:org:{org_id}:token:{token_id}"


def issue(session: Session, user_id: int, expires_at: datetime, link_for) -> tuple[PasswordResetToken, str]:
    """A single-use set-password token (only its hash in the token table) and its link. Only flushes."""
    token, digest = new_token()
    record = PasswordResetToken(user_id=user_id, token_hash=digest, expires_at=expires_at)
    session.add(record)
    session.flush()
    return record, link_for(token)


def keep(session: Session, cipher: PIICipher, org_id: int, user: User, token: PasswordResetToken, link: str,
         import_id: int | None = None) -> None:  # fmt: skip
    """Keep a first link, encrypted, for the pending-links sheet and download."""
    session.add(FirstLink(token_id=token.id, org_id=org_id, user_id=user.id, import_id=import_id,
                          link_ciphertext=cipher.encrypt(link, context=_context(org_id, token.id)),
                          mailed=bool(user.email)))  # fmt: skip


def mask_login(login: str) -> str:
    """13812345678 → 138****5678; mei@example.com → m***@example.com: enough to tell hosts apart, not to reach one."""
    if "@" in login:
        local, _at, domain = login.partition("@")
        return (local[:1] + "***@" + domain) if local else login
    if len(login) >= 7:
        return login[:3] + "*" * (len(login) - 7) + login[-4:]
    return "*" * len(login)


@dataclass(frozen=True)
class Pending:
    user: User
    link: str
    expires_at: datetime
    cohorts: tuple[str, ...]
    mailed: bool

    @property
    def login_masked(self) -> str:
        return mask_login(self.user.login_name)


def pending(session: Session, cipher: PIICipher, org_id: int, *, import_id: int | None = None) -> list[Pending]:
    """The organisation's first links still usable (of one import, when given), oldest host first."""
    query = (select(FirstLink, PasswordResetToken.expires_at)
             .join(PasswordResetToken, PasswordResetToken.id == FirstLink.token_id)
             .where(FirstLink.org_id == org_id, PasswordResetToken.used_at.is_(None),
                    PasswordResetToken.expires_at > utcnow())
             .order_by(FirstLink.user_id, FirstLink.token_id))  # fmt: skip
    if import_id is not None:
        query = query.where(FirstLink.import_id == import_id)
    found = session.execute(query).all()
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_({f.user_id for f, _e in found})))}
    names: dict[int, list[str]] = {}
    for user_id, name in session.execute(
        select(CohortMember.user_id, Cohort.name).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.org_id == org_id, CohortMember.user_id.in_(users)).order_by(Cohort.name)
    ):  # fmt: skip
        names.setdefault(user_id, []).append(name)
    result: list[Pending] = []
    for link, expires_at in found:
        user = users[link.user_id]
        if not is_unusable(user.password_hash):  # chose a password some other way: nothing to hand over
            continue
        try:
            plain = cipher.decrypt(link.link_ciphertext, context=_context(org_id, link.token_id))
        except PIIDecryptError:
            continue
        result.append(Pending(user, plain, expires_at, tuple(names.get(user.id, ())), link.mailed))
    return result


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def table(links: list[Pending]) -> tuple[list[str], list[list[object]]]:
    """The download's header (in the reader's language) and rows."""
    header = [str(HEADERS[c]) for c in COLUMNS]
    rows = [[p.user.display_name, p.login_masked, "、".join(p.cohorts), p.link, china_time(p.expires_at)]
            for p in links]  # fmt: skip
    return header, rows


def download(links: list[Pending], fmt: str, sheet_title: str) -> bytes:
    header, rows = table(links)
    if fmt == "xlsx":
        return spreadsheets.xlsx_bytes([spreadsheets.Sheet(sheet_title[:31], header, rows)])
    return spreadsheets.csv_bytes(header, rows)
