"""A second process for the concurrency test: issue certificates for the given enrolments as fast as it can.

Run as: python -m tests.web.issue_worker DATABASE_URL INSTANCE START_AT ENROLLMENT_ID...
"""

import sys
import time

from lms import create_app
from lms.certificates.services import try_issue
from lms.db import get_session
from lms.learning.models import Enrollment
from tests.conftest import make_config


def main() -> None:
    url, instance, start_at, *ids = sys.argv[1:]
    app = create_app(make_config(url, instance))
    time.sleep(max(0.0, float(start_at) - time.time()))  # both processes start issuing at the same instant
    with app.app_context():
        session = get_session()
        for enrollment_id in map(int, ids):
            certificate = try_issue(session, session.get(Enrollment, enrollment_id), app.config["LMS"])
            assert certificate is not None
            session.commit()
    app.extensions["lms.db"].engine.dispose()


if __name__ == "__main__":
    main()
