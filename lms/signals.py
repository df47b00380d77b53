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
