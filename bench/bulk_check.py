"""Bulk certificate checks for labor bureaus: 10,000 and 100,000 rows, file parsing and checking separately,
against reading the same file as plain CSV (the baseline) in the same run."""

import csv
import io
import random

from _common import describe, make_app, timed
from sqlalchemy import insert

from lms import certnumbers
from lms.accounts.models import User
from lms.bureau import services
from lms.bureau.bulkfile import read_rows
from lms.catalogue.models import Course, CourseVersion
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.learning.models import Enrollment

ISSUED = 20_000


def issue_certificates(app, rng: random.Random, count: int = ISSUED) -> list[str]:
    """``count`` valid certificates held by 学员0, 学员1, …; their normalised numbers."""
    now = utcnow()
    with app.app_context():
        session = get_session()
        user = User(display_name="h", email="h@example.com", password_hash="x")
        course = Course(slug="c")
        session.add_all([user, course])
        session.flush()
        version = CourseVersion(course_id=course.id, number=1, content_hash="0" * 64, title_zh="课", title_en="c",
                                summary_zh="", summary_en="", area="compliance", level=1, skills=[], estimated_minutes=1,
                                required_minutes=1, prerequisites=[], certificate=True, search_text="")  # fmt: skip
        session.add(version)
        session.flush()
        enrollment = Enrollment(user_id=user.id, course_id=course.id, version_id=version.id)
        session.add(enrollment)
        session.flush()
        issued = [certnumbers.normalise(certnumbers.new_number(rng)) for _ in range(count)]
        session.execute(insert(Certificate), [dict(
            number=n, status="valid", user_id=user.id, enrollment_id=enrollment.id, course_id=course.id,
            version_id=version.id, issued_at=now, holder_name=f"学员{i}", holder_id_masked="110105********002X",
            holder_id_hash=None, course_slug="c", course_title_zh="课", course_title_en="c", course_version=1,
            content_hash="0" * 64, study_seconds=3600, score=90.0, started_on=now.date(), completed_on=now.date(),
            issuer_name="主播学堂", skills=[]) for i, n in enumerate(issued)])  # fmt: skip
        session.commit()
    return issued


def bureau_file(rng: random.Random, issued: list[str], count: int) -> bytes:
    """A GBK CSV of ``count`` rows: nine in ten issued certificates, one in ten unknown numbers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["证书编号", "姓名"])
    for i in range(count):
        k = rng.randrange(len(issued))
        writer.writerow([certnumbers.format(issued[k]), f"学员{k}"] if i % 10 else [certnumbers.new_number(rng), "某人"])
    return out.getvalue().encode("gbk")


def main() -> None:
    app, url = make_app()
    rng = random.Random(3)
    issued = issue_certificates(app, rng)
    print(f"database {url.split(':')[0]}: {ISSUED:,} certificates issued")
    cipher = app.extensions["lms.pii"]
    for count in (10_000, 100_000):
        data = bureau_file(rng, issued, count)
        print(f"--- {count:,} rows ({len(data) / 1e6:.1f} MB, GBK)")
        describe("baseline: csv.reader over the decoded text", timed(lambda: list(csv.reader(io.StringIO(data.decode("gbk")))), 3), 1, "s")
        parsed = read_rows(data, "b.csv")
        describe("read_rows (encoding, header, row checks)", timed(lambda: read_rows(data, "b.csv"), 3), 1, "s")
        with app.app_context():
            rows = list(parsed.rows)
            describe("check_rows (one query per 1,000 rows)",
                     timed(lambda: services.check_rows(get_session(), cipher, rows), 3), 1, "s")


if __name__ == "__main__":
    main()
