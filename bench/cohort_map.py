"""The trainer's cohort skill map for 1,000 hosts, against the organisation's member list for the same hosts."""

import random
import re
from datetime import timedelta

from _common import ROOT, describe, make_app, timed
from sqlalchemy import insert, select

from lms.accounts.models import User
from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Lesson, Quiz
from lms.catalogue.services import sync_catalogue
from lms.db import get_session, utcnow
from lms.learning.models import LessonProgress
from lms.orgs.models import Membership, Organisation, OrgKind, Role
from lms.quizzes.models import FINISHED, QuizAttempt, QuizResponse
from lms.security.passwords import hash_password
from lms.skills.services import cohort_map

HOSTS = 1000


def main() -> None:
    app, url = make_app()
    rng = random.Random(7)
    now = utcnow()
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "courses"))
        org = Organisation(slug="bench-mcn", name="Bench MCN", kind=OrgKind.MCN)
        trainer = User(display_name="trainer", email="trainer@example.com", password_hash=hash_password("bench pass 1"))
        session.add_all([org, trainer])
        session.flush()
        session.add(Membership(user_id=trainer.id, org_id=org.id, role=Role.TRAINER))
        dummy = hash_password("not used 12345")
        session.execute(insert(User), [{"display_name": f"host{i:04d}", "email": f"h{i}@example.com",
                                        "password_hash": dummy, "is_site_admin": False, "session_version": 1,
                                        "failed_logins": 0, "created_at": now} for i in range(HOSTS)])  # fmt: skip
        host_ids = list(session.scalars(select(User.id).where(User.email.like("h%@example.com"))))
        session.execute(insert(Membership), [{"user_id": h, "org_id": org.id, "role": Role.LEARNER, "created_at": now}
                                             for h in host_ids])  # fmt: skip
        quizzes = session.scalars(select(Quiz)).all()
        lessons = session.scalars(select(Lesson)).all()
        attempts, progress = [], []
        for h in host_ids:
            for quiz in rng.sample(quizzes, 3):
                attempts.append({"user_id": h, "quiz_id": quiz.id, "number": 1, "status": FINISHED, "started_at": now,
                                 "submitted_at": now - timedelta(days=rng.randint(0, 200)), "paper": [], "score": 70.0,
                                 "passed": True})  # fmt: skip
            for lesson in rng.sample(lessons, 8):
                progress.append({"user_id": h, "lesson_id": lesson.id, "first_opened_at": now, "completed_at": now})
        session.execute(insert(QuizAttempt), attempts)
        session.execute(insert(LessonProgress), progress)
        rows = session.execute(select(QuizAttempt.id, QuizAttempt.quiz_id)).all()
        sizes = {q.id: len(q.questions) for q in quizzes}
        responses = [{"attempt_id": a, "position": p, "question_index": rng.randrange(sizes[q]), "score": rng.random() < 0.7
                      and 1.0 or 0.0, "needs_manual": False} for a, q in rows for p in range(10)]  # fmt: skip
        session.execute(insert(QuizResponse), responses)
        session.commit()
        org_id = org.id
        print(f"database {url.split(':')[0]}: {HOSTS} hosts, {len(attempts)} attempts, {len(responses)} graded answers, "
              f"{len(progress)} completed lessons")  # fmt: skip

    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/account/login", data={"csrf_token": token, "login": "trainer@example.com", "password": "bench pass 1"})

    def members():
        assert client.get("/orgs/bench-mcn/").status_code == 200

    def skill_map_page():
        assert client.get("/orgs/bench-mcn/skills").status_code == 200

    def skill_map_service():
        with app.app_context():
            cohort_map(get_session(), org_id)

    members()
    skill_map_page()
    baseline = describe("members page, 1,000 hosts (baseline)", timed(members, 5))
    service = describe("cohort_map() service, 1,000 hosts", timed(skill_map_service, 5))
    full = describe("cohort skill map page, 1,000 hosts", timed(skill_map_page, 5))
    print(f"the skill map page costs {full / baseline:.1f}x the member list; computing mastery is "
          f"{service / full:.0%} of the page")


if __name__ == "__main__":
    main()
