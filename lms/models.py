"""Every model, imported explicitly so that ``Base.metadata`` is complete for Alembic and tests."""

from lms.accounts.models import ConsentRecord, PasswordResetToken, RealNameProfile, SignIn, User
from lms.authoring.models import CourseDraft, DraftFile
from lms.bureau.models import ApiToken, AuditEvent, BulkCheck
from lms.catalogue.models import Course, CourseAsset, CourseFile, CourseVersion, Exercise, Lesson, Quiz
from lms.certificates.models import Certificate, CertificatePdf
from lms.cohorts.models import Cohort, CohortCourse, CohortMember, CohortSubmission
from lms.db import Base
from lms.exercises.models import RewriteResult
from lms.jobs.models import Job
from lms.evidence.models import IdentityCheck, LessonSession, PresenceCheck, PresenceState, ProcessRecord, StudyPolicyRecord
from lms.learning.models import Enrollment, LessonProgress, StudyClock, StudyTime
from lms.mail.models import OutboxMessage
from lms.notifications.models import Notification
from lms.orgs.models import HostImport, HostImportAccount, Invitation, Membership, Organisation
from lms.quizzes.models import QuizAttempt, QuizResponse
from lms.scriptcheck.models import OrgScriptRule, SavedScript, ScriptFindingCount
from lms.skills.models import SkillAssessment, SkillSettings
from lms.transparency.models import Cosignature, LogEntry, LogNode, LogState, WitnessKey
from lms.trust.models import SigningKey, StatusList
from lms.wellbeing.models import SelfCheckResult, SelfCheckSwitch

__all__ = [
    "SelfCheckResult",
    "SelfCheckSwitch",
    "Exercise",
    "RewriteResult",
    "OrgScriptRule",
    "SavedScript",
    "ScriptFindingCount",
    "ApiToken",
    "AuditEvent",
    "BulkCheck",
    "Base",
    "Certificate",
    "CertificatePdf",
    "Cohort",
    "IdentityCheck",
    "LessonSession",
    "PresenceCheck",
    "PresenceState",
    "ProcessRecord",
    "SignIn",
    "StudyPolicyRecord",
    "CohortCourse",
    "CohortMember",
    "CohortSubmission",
    "ConsentRecord",
    "Cosignature",
    "Course",
    "CourseAsset",
    "CourseDraft",
    "CourseFile",
    "CourseVersion",
    "DraftFile",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "LogEntry",
    "LogNode",
    "LogState",
    "Quiz",
    "QuizAttempt",
    "QuizResponse",
    "StudyClock",
    "StudyTime",
    "HostImport",
    "Job",
    "HostImportAccount",
    "Invitation",
    "Membership",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "PasswordResetToken",
    "RealNameProfile",
    "SkillAssessment",
    "SigningKey",
    "SkillSettings",
    "StatusList",
    "User",
    "WitnessKey",
]
