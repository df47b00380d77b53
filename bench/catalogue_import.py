"""Import time of the shipped catalogue, against loading the same files without a database."""

from _common import ROOT, describe, make_app, timed

from lms.catalogue.loader import load_catalogue
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.models import Base


def main() -> None:
    app, url = make_app()
    courses = ROOT / "courses"
    result = load_catalogue(courses)
    lessons = sum(len(c.lessons) for c in result.courses)
    questions = sum(len(q.questions) for c in result.courses for q in c.quizzes)
    print(f"catalogue: {len(result.courses)} courses, {lessons} lessons, {questions} questions; database {url.split(':')[0]}")
    baseline = describe("load + check files (no database)", timed(lambda: load_catalogue(courses), 5))

    engine = app.extensions["lms.db"].engine

    def fresh_import():
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        with app.app_context():
            session = get_session()
            sync_catalogue(session, load_catalogue(courses))
            session.commit()

    full = describe("load + check + import into empty database", timed(fresh_import, 5))

    def unchanged():
        with app.app_context():
            session = get_session()
            report = sync_catalogue(session, load_catalogue(courses))
            session.commit()
            assert not report.changed

    again = describe("sync again (nothing changed)", timed(unchanged, 5))
    print(f"import costs {full / baseline:.1f}x the file check; a no-change sync {again / baseline:.1f}x")


if __name__ == "__main__":
    main()
