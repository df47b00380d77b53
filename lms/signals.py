"""Events between features, so that a feature on the left never imports one on its right.

Learning and quizzes say "this enrolment made progress"; certificates listens and issues when the rule is met.
Certificates say "issued" and quizzes say "submitted"; notifications listens and tells the people concerned.
"""

from blinker import Namespace

_events = Namespace()

#: sender: the Session; kwargs: enrollment. Sent after lessons, quizzes or grading changed, before the commit.
enrollment_progressed = _events.signal("enrollment-progressed")
#: sender: the Session; kwargs: user_id. Sent when a host saved their real-name information.
real_name_saved = _events.signal("real-name-saved")
#: sender: the Session; kwargs: certificate. Sent once, when a certificate was issued automatically (not re-issues).
certificate_issued = _events.signal("certificate-issued")
#: sender: the Session; kwargs: attempt. Sent once per attempt, when its submission was graded automatically (its
#: status is then "finished", or "needs_grading" while essays wait for a trainer).
attempt_submitted = _events.signal("attempt-submitted")
#: sender: the Session; kwargs: action, user_id, detail. A site-level event to audit (real-name saves, identity
#: reviews); the bureau feature keeps the audit log and writes it (lms.bureau.listeners), before the commit.
site_audited = _events.signal("site-audited")
