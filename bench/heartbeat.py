"""Cost of one study-time heartbeat request, against a /healthz request (one SELECT 1) in the same run."""

import json
import re

from _common import ROOT, describe, make_app, timed

from lms.accounts.services import register_user
from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Lesson
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.learning.models import StudyTime
from sqlalchemy import func, select


def main() -> None:
    app, url = make_app()
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "docs" / "example-course", ROOT / "courses" / "skills.yaml"))
        register_user(session, display_name="bench", login="bench@example.com", password="bench password 1")
        session.commit()
        lesson_id = session.scalar(select(Lesson.id).order_by(Lesson.position))
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/account/login", data={"csrf_token": token, "login": "bench@example.com", "password": "bench password 1"})
    page = client.get("/courses/first-live-room").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/courses/first-live-room/enrol", data={"csrf_token": token})

    def health():
        assert client.get("/healthz").status_code == 200

    def beat():
        r = client.post("/api/learning/heartbeat", data=json.dumps({"lesson": lesson_id, "visible": True, "idle": 0}),
                        content_type="application/json", headers={"X-CSRFToken": token})
        assert r.status_code == 200

    print(f"database {url.split(':')[0]}; in-process WSGI test client (no network)")
    for _ in range(20):
        health(), beat()
    baseline = describe("GET /healthz (baseline)", timed(health, 300))
    cost = describe("POST /api/learning/heartbeat", timed(beat, 300))
    with app.app_context():
        rows = get_session().scalar(select(func.count()).select_from(StudyTime))
    print(f"a heartbeat costs {cost / baseline:.1f}x the baseline request; study_time rows after 320 beats: {rows}")


if __name__ == "__main__":
    main()
