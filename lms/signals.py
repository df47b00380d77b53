"""Events between features, so that a feature on the left never imports one on its right.

Learning and quizzes say "this enrolment made progress"; certificates listens and issues when the rule is met.
"""

from blinker import Namespace

_events = Namespace()

#: sender: the Session; kwargs: enrollment. Sent after lessons, quizzes or grading changed, before the commit.
enrollment_progressed = _events.signal("enrollment-progressed")
#: sender: the Session; kwargs: user_id. Sent when a host saved their real-name information.
real_name_saved = _events.signal("real-name-saved")
