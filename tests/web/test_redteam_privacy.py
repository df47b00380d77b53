"""Red-team findings on what leaves the site: an organisation's private material is never marked for shared caches."""

from sqlalchemy import select

from lms.catalogue.models import Course
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

ASSET = "/courses/first-live-room/v1/assets/room.svg"


def test_an_organisations_private_course_images_are_not_cacheable_by_shared_caches(app, example, make_user):  # noqa: F811
    """Finding: every course image was served "Cache-Control: public, immutable", also those of an organisation's
    private course, which only its members may see: a shared cache (a proxy, a CDN in front of the site) could
    keep one and hand it to anyone. Now a private course's images are "private"; the catalogue's stay public."""
    public = app.test_client().get(ASSET)
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    user_id = make_user("host@example.com")
    with app.app_context():
        session = get_session()
        from lms.accounts.models import User

        org = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        orgs.add_member(session, org=org, user=session.get(User, user_id), role=Role.LEARNER)
        session.scalar(select(Course).where(Course.slug == "first-live-room")).org_id = org.id
        session.commit()
    assert app.test_client().get(ASSET).status_code == 404  # not a member: no such image
    member = Browserish(app.test_client())
    member.login("host@example.com", PASSWORD)
    private = member.get(ASSET)
    assert private.status_code == 200 and private.data == public.data
    assert private.headers["Cache-Control"] == "private, max-age=31536000, immutable"
