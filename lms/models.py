"""Every model, imported explicitly so that ``Base.metadata`` is complete for Alembic and tests."""

from lms.accounts.models import ConsentRecord, PasswordResetToken, RealNameProfile, User
from lms.db import Base
from lms.mail.models import OutboxMessage
from lms.orgs.models import Invitation, Membership, Organisation

__all__ = [
    "Base",
    "ConsentRecord",
    "Invitation",
    "Membership",
    "Organisation",
    "OutboxMessage",
    "PasswordResetToken",
    "RealNameProfile",
    "User",
]
