"""The browser editor's costly steps on the largest shipped course: checking a draft held in the database (on every
editor page), publishing it, and a zip export and import; against checking the same folder from disk."""

from _common import ROOT, describe, make_app, timed

from lms.authoring import coursezip, folder
from lms.authoring import services as authoring
from lms.catalogue.loader import folder_files, load_catalogue
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.orgs import services as orgs

SKILLS = ROOT / "courses" / "skills.yaml"


def main() -> None:
    app, url = make_app()
    biggest = max((p for p in (ROOT / "courses").iterdir() if (p / "course.yaml").is_file()),
                  key=lambda p: sum(len(d) for d in folder_files(p).values()))  # fmt: skip
    files = folder_files(biggest)
    print(f"course {biggest.name}: {len(files)} files, {sum(map(len, files.values())) // 1024} KB; "
          f"database {url.split(':')[0]}")
    baseline = describe("check the folder from disk (lms courses check)",
                        timed(lambda: load_catalogue(biggest, SKILLS), 10))  # fmt: skip
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "courses"))
        org = orgs.create_organisation(session, name="Bench MCN", slug="bench-mcn", kind="mcn")
        session.commit()

        def new_draft(number: int):
            slug = f"bench-{number}"
            renamed = {**files, "course.yaml": files["course.yaml"].replace(
                f"id: {biggest.name}".encode(), f"id: {slug}".encode())}  # fmt: skip
            draft = authoring.import_zip(session, org.id, None, coursezip.write_course_zip(slug, renamed))
            session.commit()
            return draft

        drafts = iter([new_draft(i) for i in range(6)])
        check = describe("check a draft held in the database", timed(
            lambda: authoring.check(session, authoring.get_draft(session, org.id, "bench-0")), 10))  # fmt: skip
        export = describe("export a draft as a zip", timed(
            lambda: authoring.draft_zip(authoring.get_draft(session, org.id, "bench-0")), 10))  # fmt: skip
        zipped = coursezip.write_course_zip(biggest.name, files)
        unzip = describe("read and check a zip upload (no database)", timed(
            lambda: coursezip.read_course_zip(zipped), 10))  # fmt: skip

        def publish():
            authoring.publish(session, next(drafts))
            session.commit()

        published = describe("publish a new course from a draft", timed(publish, 5))
        diffs = describe("diff a draft against its published version", timed(lambda: folder.diff(
            files, authoring.files_of(authoring.get_draft(session, org.id, "bench-1"))), 10))  # fmt: skip
    print(f"a draft check costs {check / baseline:.1f}x the disk check; publishing {published / baseline:.1f}x; "
          f"export {export / baseline:.2f}x, zip read {unzip / baseline:.2f}x, diff {diffs / baseline:.2f}x")


if __name__ == "__main__":
    main()
