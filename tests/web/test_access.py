"""Authorization: every route declares a rule, and each role gets exactly what it should."""

import pytest

from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import OrgKind, Role
from lms.security.access import rule_of
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

ROLES = ["anonymous", "learner", "trainer", "org_admin", "other_trainer", "verifier", "site_admin"]

# (method, url, endpoint, {role: expected status}); "*" is every role not named.
MATRIX = [
    ("GET", "/", "site.home", {"*": 200}),
    ("GET", "/healthz", "site.healthz", {"*": 200}),
    ("GET", "/language?lang=en", "site.choose_language", {"*": 302}),
    ("POST", "/language", "site.set_language", {"*": 302}),
    ("GET", "/static/css/site.css", "static", {"*": 200}),
    ("GET", "/dev/outbox", "mail.outbox", {"*": 200}),
    ("GET", "/account/login", "accounts.login", {"anonymous": 200, "*": 302}),
    ("GET", "/account/register", "accounts.register", {"anonymous": 200, "*": 302}),
    ("GET", "/account/forgot", "accounts.forgot_password", {"*": 200}),
    ("GET", "/account/reset/not-a-token", "accounts.reset_password", {"*": 400}),
    ("GET", "/account/reset-code", "accounts.reset_with_code", {"*": 200}),
    ("GET", "/account/", "accounts.account", {"anonymous": 302, "*": 200}),
    ("GET", "/account/password", "accounts.change_password", {"anonymous": 302, "*": 200}),
    ("GET", "/account/real-name", "accounts.real_name", {"anonymous": 302, "*": 200}),
    ("POST", "/account/real-name/delete", "accounts.delete_real_name", {"anonymous": 302, "*": 302}),
    ("GET", "/account/my-data.json", "accounts.my_data", {"anonymous": 302, "*": 200}),
    ("GET", "/admin/organisations", "orgs.admin_organisations",
     {"anonymous": 302, "site_admin": 200, "*": 403}),
    ("GET", "/admin/identity-reviews", "identity_reviews.index", {"anonymous": 302, "site_admin": 200, "*": 403}),
    ("POST", "/admin/identity-reviews/999999", "identity_reviews.resolve",
     {"anonymous": 302, "site_admin": 302, "*": 403}),
    ("GET", "/orgs/mcn-a/", "orgs.organisation",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/bureau/", "orgs.organisation",
     {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("GET", "/orgs/no-such-org/", "orgs.organisation", {"anonymous": 302, "*": 404}),
    ("POST", "/orgs/mcn-a/invitations", "orgs.invite",
     {"anonymous": 302, "org_admin": 400, "site_admin": 400, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/invite/not-a-token", "orgs.invitation", {"*": 404}),
    ("GET", "/courses/", "catalogue.index", {"*": 200}),
    ("GET", "/courses/first-live-room", "catalogue.course", {"*": 200}),
    ("GET", "/courses/first-live-room/v1/assets/room.svg", "catalogue.asset", {"*": 200}),
    ("POST", "/courses/first-live-room/enrol", "catalogue.enrol", {"*": 302}),
    ("GET", "/courses/first-live-room/lessons/before-you-start", "learning.lesson", {"anonymous": 302, "*": 200}),
    ("POST", "/courses/first-live-room/lessons/before-you-start/finish", "learning.finish", {"*": 302}),
    ("POST", "/api/learning/heartbeat", "learning.heartbeat", {"anonymous": 401, "*": 400}),
    ("POST", "/api/learning/presence/999999", "evidence.answer_check", {"anonymous": 401, "*": 400}),
    ("POST", "/api/learning/identity", "evidence.identity_check", {"anonymous": 401, "*": 400}),
    ("GET", "/learning/face-consent", "evidence.face_consent", {"anonymous": 302, "*": 200}),
    ("GET", "/courses/first-live-room/exercises/opening-lines", "exercises.exercise", {"anonymous": 302, "*": 200}),
    ("POST", "/courses/first-live-room/exercises/opening-lines", "exercises.exercise", {"anonymous": 302, "*": 200}),
    ("GET", "/courses/first-live-room/exercises/no-such", "exercises.exercise", {"anonymous": 302, "*": 404}),
    ("GET", "/courses/first-live-room/quizzes/final", "quizzes.overview", {"anonymous": 302, "*": 200}),
    ("POST", "/courses/first-live-room/quizzes/final/start", "quizzes.start", {"*": 302}),
    ("GET", "/quiz-attempts/999999", "quizzes.attempt", {"anonymous": 302, "*": 404}),
    ("POST", "/quiz-attempts/999999/save", "quizzes.save", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/grading", "quizzes.grading_queue",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/grading/999999", "quizzes.grade",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/quiz-statistics", "quizzes.statistics_index",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/quiz-statistics/999999", "quizzes.statistics",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/learning/", "learning.dashboard", {"anonymous": 302, "*": 200}),
    ("GET", "/learning/record", "learning.record", {"anonymous": 302, "*": 200}),
    ("GET", "/learning/record.csv", "learning.record_csv", {"anonymous": 302, "*": 200}),
    ("POST", "/invite/not-a-token", "orgs.accept_invitation", {"anonymous": 302, "*": 302}),
    ("GET", "/certificates/", "certificates.mine", {"anonymous": 302, "*": 200}),
    ("GET", "/certificates/XXXXX-XXXXX-XXXXX.png", "certificates.picture", {"anonymous": 302, "*": 404}),
    ("GET", "/certificates/XXXXX-XXXXX-XXXXX.pdf", "certificates.pdf", {"anonymous": 302, "*": 404}),
    ("GET", "/certificates/XXXXX-XXXXX-XXXXX/manage", "certificates.manage", {"anonymous": 302, "*": 404}),
    ("GET", "/verify/", "certificates.verify_form", {"*": 200}),
    ("GET", "/verify/badge", "certificates.verify_badge", {"*": 200}),
    ("GET", "/verify/XXXXX-XXXXX-XXXXX", "certificates.verify", {"*": 404}),
    ("GET", "/api/v1/certificates/XXXXX-XXXXX-XXXXX", "certificates.api_certificate", {"*": 404}),
    ("GET", "/api/openapi.json", "certificates.openapi", {"*": 200}),
    ("GET", "/skills/", "skills.profile", {"anonymous": 302, "*": 200}),
    ("POST", "/skills/verticals", "skills.choose_verticals", {"*": 302}),
    ("POST", "/skills/share", "skills.share", {"*": 302}),
    ("GET", "/skills/shared/not-a-token", "skills.shared", {"*": 404}),
    ("GET", "/orgs/mcn-a/skills", "skills.cohort",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/skills.csv", "skills.cohort_csv",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/skills/assess", "skills.assess",
     {"anonymous": 302, "trainer": 302, "org_admin": 302, "site_admin": 302, "learner": 403, "*": 404}),
    ("GET", "/certificates/XXXXX-XXXXX-XXXXX.credential.json", "certificates.credential", {"anonymous": 302, "*": 404}),
    ("GET", "/.well-known/did.json", "trust.did_json", {"*": 200}),
    ("GET", "/credentials/status/1", "trust.status_list", {"*": 200}),
    ("GET", "/log/checkpoint", "transparency.checkpoint", {"*": 404}),
    ("GET", "/api/v1/certificates/XXXXX-XXXXX-XXXXX/proof", "transparency.inclusion_proof", {"*": 404}),
    ("GET", "/api/v1/log/entries?start=0&end=1", "transparency.log_entries", {"*": 200}),
    ("GET", "/api/v1/log/consistency?first=1&second=1", "transparency.log_consistency", {"*": 400}),
    ("POST", "/api/v1/verify", "trust.verify", {"*": 415}),  # a form body is not a credential
    ("GET", "/bureau/bureau/", "bureau.workspace", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("GET", "/bureau/bureau/checks/999999", "bureau.check", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/checks/999999.csv", "bureau.check_download", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/jobs/999999", "bureau.job", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/jobs/999999.json", "bureau.job_status", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/tokens", "bureau.tokens", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("POST", "/bureau/bureau/tokens/999999/revoke", "bureau.revoke_token", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/audit", "bureau.audit_log", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("GET", "/bureau/bureau/audit.csv", "bureau.audit_csv", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("POST", "/api/v1/verify/bulk", "bureau.api_bulk", {"*": 401}),
    # A bureau page under an MCN's name (and the reverse) does not exist, whatever the role.
    ("GET", "/bureau/mcn-a/", "bureau.workspace", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/bureau/cohorts", "cohorts.index", {"anonymous": 302, "*": 404}),
    ("POST", "/api/v1/log/cosignatures", "bureau.api_cosign", {"*": 401}),
    ("GET", "/bureau/bureau/witness", "bureau.witness_keys", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts", "cohorts.index",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999", "cohorts.cohort",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999.csv", "cohorts.export",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999/hours.csv", "cohorts.export_table",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999.xlsx", "cohorts.export_xlsx",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/study-policy", "evidence.org_policy",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/study-policy", "evidence.org_policy",
     {"anonymous": 302, "org_admin": 400, "site_admin": 400, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/study-policy", "evidence.org_policy", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/identity-checks", "evidence.org_identity_checks",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/identity-checks/999999.jpg", "evidence.org_snapshot",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/identity-checks/999999/not-host", "evidence.org_not_host",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999/study-policy", "evidence.cohort_policy",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/cohorts/999999/study-policy/reset", "evidence.reset_cohort_policy",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/999999", "cohorts.host",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/bureau/hosts/999999", "cohorts.host", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/import", "orgs.import_hosts",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/hosts/import", "orgs.import_hosts",
     {"anonymous": 302, "org_admin": 400, "site_admin": 400, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/import/template.csv", "orgs.import_template",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/hosts/import/confirm", "orgs.import_confirm",
     {"anonymous": 302, "org_admin": 400, "site_admin": 400, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/hosts/import", "orgs.import_hosts", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/imports/999999", "orgs.import_detail",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/import/jobs/999999", "orgs.import_job",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/members/999999/set-password-link", "orgs.renew_link",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/first-links", "orgs.first_links",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/first-links.csv", "orgs.first_links_download",
     {"anonymous": 302, "org_admin": 200, "site_admin": 200, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/first-links.xlsx?import=999999", "orgs.first_links_download",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/hosts/first-links", "orgs.first_links", {"anonymous": 302, "*": 404}),
    ("POST", "/orgs/mcn-a/settings", "orgs.settings",
     {"anonymous": 302, "org_admin": 302, "site_admin": 302, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/bureau/settings", "orgs.settings", {"anonymous": 302, "*": 404}),
    ("POST", "/account/real-name/confirm", "accounts.confirm_real_name", {"anonymous": 302, "*": 302}),
    ("GET", "/bureau/bureau/cohorts", "bureau.submitted_cohorts", {"anonymous": 302, "verifier": 200, "site_admin": 200, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999", "bureau.submitted_cohort", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/roster.csv", "bureau.roster", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/identity/999999.jpg", "evidence.bureau_snapshot",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("POST", "/bureau/bureau/cohorts/999999/identity/999999/not-host", "evidence.bureau_not_host",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/process.csv", "bureau.process_record",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/process.pdf", "bureau.process_record",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/process.json", "bureau.process_record",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/hosts/999999/process.pdf", "bureau.process_record",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/bureau/cohorts/999999/required-policy", "bureau.required_study_policy",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("POST", "/bureau/bureau/cohorts/999999/required-policy", "bureau.required_study_policy",
     {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/mcn-a/cohorts/999999/required-policy", "bureau.required_study_policy", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999/process.pdf", "evidence.cohort_process_pdf",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/cohorts/999999/hosts/999999/process.pdf", "evidence.cohort_process_pdf",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/cohorts/999999/process.pdf", "evidence.cohort_process_pdf", {"anonymous": 302, "*": 404}),
    ("GET", "/bureau/bureau/process-pdfs/999999", "bureau.process_pdf_job", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/mcn-a/process-pdfs/999999", "bureau.process_pdf_job", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/process-pdfs/999999", "evidence.process_pdf_job",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/process-pdfs/999999", "evidence.process_pdf_job", {"anonymous": 302, "*": 404}),
    ("GET", "/bureau/bureau/process-pdfs/999999.json", "bureau.process_pdf_job_status", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/mcn-a/process-pdfs/999999.json", "bureau.process_pdf_job_status", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/process-pdfs/999999.json", "evidence.process_pdf_job_status",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/process-pdfs/999999.json", "evidence.process_pdf_job_status", {"anonymous": 302, "*": 404}),
    ("GET", "/bureau/bureau/process-pdfs/999999/process.pdf", "bureau.process_pdf_download", {"anonymous": 302, "verifier": 404, "site_admin": 404, "*": 404}),
    ("GET", "/bureau/mcn-a/process-pdfs/999999/process.pdf", "bureau.process_pdf_download", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/process-pdfs/999999/process.pdf", "evidence.process_pdf_download",
     {"anonymous": 302, "org_admin": 404, "site_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
    ("GET", "/orgs/bureau/process-pdfs/999999/process.pdf", "evidence.process_pdf_download", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/", "authoring.index",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/imports/999999", "authoring.import_job",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/courses/no-course/edit", "authoring.edit_course",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/courses/no-course/share", "authoring.share",
     {"anonymous": 302, "site_admin": 404, "*": 403}),  # a site admins' route: 403 for all, members or not
    ("GET", "/orgs/mcn-a/authoring/courses/no-course/v1.zip", "authoring.export_version",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/", "authoring.draft",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/details", "authoring.details",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/publish", "authoring.publish",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/changes", "authoring.changes",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/export.zip", "authoring.export_draft",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/discard", "authoring.discard",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/lessons", "authoring.add_lesson",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/lessons/01-intro.md", "authoring.lesson",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/lessons/01-intro.md/move", "authoring.move_lesson",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/lessons/01-intro.md/delete", "authoring.delete_lesson",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/preview", "authoring.preview",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/assets/a.png", "authoring.asset",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/assets", "authoring.upload_asset",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/assets/a.png/delete", "authoring.delete_asset",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/quizzes", "authoring.add_quiz",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/quizzes/final", "authoring.quiz",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/quizzes/final.gift", "authoring.quiz_gift",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/authoring/no-draft/quizzes/final/preview", "authoring.quiz_preview",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/authoring/no-draft/quizzes/final/delete", "authoring.delete_quiz",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/account/notification-mails", "accounts.notification_mails", {"anonymous": 302, "*": 302}),
    ("GET", "/notifications", "notifications.index", {"anonymous": 302, "*": 200}),
    ("GET", "/notifications/999999", "notifications.open", {"anonymous": 302, "*": 404}),
    ("POST", "/notifications/999999/read", "notifications.mark_read", {"anonymous": 302, "*": 404}),
    ("POST", "/notifications/read-all", "notifications.mark_all_read", {"anonymous": 302, "*": 302}),
    ("GET", "/script-check/", "scriptcheck.check", {"anonymous": 302, "*": 200}),
    ("POST", "/script-check/", "scriptcheck.check", {"anonymous": 302, "*": 200}),
    ("GET", "/script-check/saved", "scriptcheck.saved", {"anonymous": 302, "*": 200}),
    ("POST", "/script-check/saved/999999/delete", "scriptcheck.delete_saved", {"anonymous": 302, "*": 404}),
    ("GET", "/orgs/mcn-a/script-rules", "scriptcheck.org_rules",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/script-rules", "scriptcheck.org_rules",
     {"anonymous": 302, "trainer": 200, "org_admin": 200, "site_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/bureau/script-rules", "scriptcheck.org_rules", {"anonymous": 302, "*": 404}),
    ("POST", "/orgs/mcn-a/script-rules/999999/delete", "scriptcheck.delete_org_rule",
     {"anonymous": 302, "trainer": 404, "org_admin": 404, "site_admin": 404, "learner": 403, "*": 404}),
    ("POST", "/api/v1/script/check", "scriptcheck.api_check", {"*": 400}),
    ("GET", "/self-check/", "wellbeing.index", {"anonymous": 302, "*": 200}),
    ("GET", "/self-check/who5-zh-CN", "wellbeing.take", {"anonymous": 302, "*": 200}),
    ("POST", "/self-check/who5-zh-CN", "wellbeing.take", {"anonymous": 302, "*": 200}),
    ("GET", "/self-check/no-such-instrument", "wellbeing.take", {"anonymous": 302, "*": 404}),
    ("GET", "/self-check/results", "wellbeing.results", {"anonymous": 302, "*": 200}),
    ("GET", "/self-check/results/999999", "wellbeing.result", {"anonymous": 302, "*": 404}),
    ("POST", "/self-check/results/999999/delete", "wellbeing.delete", {"anonymous": 302, "*": 404}),
    ("POST", "/self-check/results/delete-all", "wellbeing.delete_all", {"anonymous": 302, "*": 302}),
    ("GET", "/admin/self-check", "wellbeing.admin", {"anonymous": 302, "site_admin": 200, "*": 403}),
    ("POST", "/admin/self-check", "wellbeing.admin", {"anonymous": 302, "site_admin": 404, "*": 403}),
    # Last: it ends the session the rows above use.
    ("POST", "/account/logout", "accounts.logout", {"*": 302}),
]


#: While MCN A lets its trainers import hosts (the org admin's setting), its trainers get what its admins get on the
#: host import's routes; trainers of another organisation, hosts and the rest still get nothing.
MATRIX_TRAINERS_IMPORT = [
    ("GET", "/orgs/mcn-a/hosts/import", "orgs.import_hosts", {"trainer": 200, "org_admin": 200, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/hosts/import", "orgs.import_hosts", {"trainer": 400, "org_admin": 400, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/import/template.csv", "orgs.import_template", {"trainer": 200, "org_admin": 200, "learner": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/hosts/import/confirm", "orgs.import_confirm", {"trainer": 400, "org_admin": 400, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/imports/999999", "orgs.import_detail", {"trainer": 404, "org_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/import/jobs/999999", "orgs.import_job", {"trainer": 404, "org_admin": 404, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/first-links", "orgs.first_links", {"trainer": 200, "org_admin": 200, "learner": 403, "*": 404}),
    ("GET", "/orgs/mcn-a/hosts/first-links.csv", "orgs.first_links_download",
     {"trainer": 200, "org_admin": 200, "learner": 403, "*": 404}),
    # Not part of the setting: the organisation's settings and new links for a member stay with its admins.
    ("POST", "/orgs/mcn-a/settings", "orgs.settings", {"org_admin": 302, "learner": 403, "trainer": 403, "*": 404}),
    ("POST", "/orgs/mcn-a/members/999999/set-password-link", "orgs.renew_link", {"org_admin": 404, "learner": 403, "trainer": 403, "*": 404}),
]


def expected(row_roles: dict, role: str) -> int:
    return row_roles.get(role, row_roles.get("*"))


@pytest.fixture
def people(app, make_user, example):  # noqa: F811 - the imported fixture
    ids = {
        "learner": make_user("learner@example.com"),
        "trainer": make_user("trainer@example.com"),
        "org_admin": make_user("admin@example.com"),
        "other_trainer": make_user("other@example.com"),
        "verifier": make_user("verifier@example.com"),
        "site_admin": make_user("root@example.com", is_site_admin=True),
    }
    with app.app_context():
        session = get_session()
        from lms.accounts.models import User

        mcn_a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind=OrgKind.MCN.value)
        mcn_b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind=OrgKind.MCN.value)
        bureau = orgs.create_organisation(session, name="Bureau", slug="bureau", kind=OrgKind.BUREAU.value)
        for role, org, member_role in [
            ("learner", mcn_a, Role.LEARNER),
            ("trainer", mcn_a, Role.TRAINER),
            ("org_admin", mcn_a, Role.ORG_ADMIN),
            ("other_trainer", mcn_b, Role.TRAINER),
            ("verifier", bureau, Role.BUREAU_VERIFIER),
        ]:
            orgs.add_member(session, org=org, user=session.get(User, ids[role]), role=member_role)
        session.commit()
    return {
        "learner": "learner@example.com",
        "trainer": "trainer@example.com",
        "org_admin": "admin@example.com",
        "other_trainer": "other@example.com",
        "verifier": "verifier@example.com",
        "site_admin": "root@example.com",
    }


def test_every_route_declares_an_access_rule(app):
    missing = [r.endpoint for r in app.url_map.iter_rules() if rule_of(app.view_functions[r.endpoint]) is None]
    assert missing == []


def test_every_route_is_in_the_matrix(app):
    covered = {row[2] for row in MATRIX}
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - covered == set(), "add the new routes to MATRIX"


def test_a_route_without_a_rule_is_refused(app):
    # Deny by default: registering a view and forgetting the rule must not open it.
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    r = app.test_client().get("/forgotten")
    assert r.status_code == 403 and b"secret" not in r.data


@pytest.mark.parametrize("role", ROLES)
def test_role_by_route_matrix(app, people, role):
    web = Browserish(app.test_client())
    if role != "anonymous":
        assert web.login(people[role], PASSWORD).status_code == 302
    failures = []
    form_page = "/account/login" if role == "anonymous" else "/"  # a visitor's home has no form that posts
    for method, url, _endpoint, row in MATRIX:
        response = web.get(url) if method == "GET" else web.post(url, {}, form_page=form_page)
        status = response.status_code
        response.close()  # static files are streamed
        if status != expected(row, role):
            failures.append(f"{method} {url}: got {status}, expected {expected(row, role)}")
    assert failures == []


@pytest.mark.parametrize("role", ["learner", "trainer", "org_admin", "other_trainer", "verifier"])
def test_trainers_import_hosts_when_the_organisation_allows_it(app, people, role):
    from sqlalchemy import update

    from lms.orgs.models import Organisation

    with app.app_context():
        session = get_session()
        session.execute(update(Organisation).where(Organisation.slug.in_(["mcn-a", "mcn-b"]))
                        .values(trainers_import_hosts=True))  # fmt: skip
        session.commit()
    web = Browserish(app.test_client())
    assert web.login(people[role], PASSWORD).status_code == 302
    failures = []
    for method, url, _endpoint, row in MATRIX_TRAINERS_IMPORT:
        response = web.get(url) if method == "GET" else web.post(url, {}, form_page="/")
        if response.status_code != expected(row, role):
            failures.append(f"{method} {url}: got {response.status_code}, expected {expected(row, role)}")
    assert failures == []


def test_trainer_of_one_org_sees_nothing_of_another(app, people):
    web = Browserish(app.test_client())
    web.login(people["other_trainer"], PASSWORD)
    r = web.get("/orgs/mcn-a/")
    body = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "learner@example.com" not in body and "MCN A" not in body


def test_host_drill_down_shows_only_the_organisations_learners(app, people):
    with app.app_context():
        from sqlalchemy import select

        from lms.accounts.models import User

        ids = {u.email: u.id for u in get_session().scalars(select(User))}
    learner, admin = ids[people["learner"]], ids[people["org_admin"]]
    trainer = Browserish(app.test_client())
    trainer.login(people["trainer"], PASSWORD)
    assert trainer.get(f"/orgs/mcn-a/hosts/{learner}").status_code == 200
    assert trainer.get(f"/orgs/mcn-a/hosts/{admin}").status_code == 404  # a member, but not a learner
    other = Browserish(app.test_client())
    other.login(people["other_trainer"], PASSWORD)
    assert other.get(f"/orgs/mcn-a/hosts/{learner}").status_code == 404  # not a member: as if MCN A did not exist
    r = other.get(f"/orgs/mcn-b/hosts/{learner}")
    assert r.status_code == 404 and people["learner"] not in r.get_data(as_text=True)


def test_every_trainer_route_belongs_to_mcns_only(app):
    """Trainers exist only in MCNs: every route a trainer may use is an MCN route, so a bureau's org admin gets
    404 there like on every other cross-kind route (issue 14 §6). Pages for every kind name the bureau's roles."""
    for url_rule in app.url_map.iter_rules():
        access = rule_of(app.view_functions[url_rule.endpoint])
        if access is not None and access.kind == "org" and "trainer" in access.roles \
                and "bureau_verifier" not in access.roles:
            assert access.org_kind == "mcn", f"{url_rule.rule} ({url_rule.endpoint}) is open to any kind of org"


@pytest.mark.parametrize("path", ["/orgs/bureau/grading", "/orgs/bureau/quiz-statistics",
                                  "/orgs/bureau/quiz-statistics/1", "/orgs/bureau/skills",
                                  "/orgs/bureau/skills.csv", "/orgs/bureau/cohorts", "/orgs/bureau/courses",
                                  "/orgs/bureau/hosts/import"])  # fmt: skip
def test_a_bureau_admin_gets_404_on_mcn_pages_of_their_own_bureau(app, people, path):
    with app.app_context():
        session = get_session()
        from lms.accounts.models import User
        from sqlalchemy import select

        from lms.orgs.models import Organisation

        bureau = session.scalar(select(Organisation).where(Organisation.slug == "bureau"))
        admin = session.scalar(select(User).where(User.email == "admin@example.com"))
        orgs.add_member(session, org=bureau, user=admin, role=Role.ORG_ADMIN)
        session.commit()
    web = Browserish(app.test_client())
    web.login("admin@example.com", PASSWORD)
    assert web.get(path).status_code == 404
    assert web.get("/orgs/bureau/").status_code == 200  # their own bureau's page still opens
