"""Red-team finding: which organisations exist must not be learnable by asking for their pages."""

import pytest
from itsdangerous import TimestampSigner

from tests.conftest import PASSWORD, Browserish
from tests.web.test_access import people  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture

#: (method, a page of an organisation that exists, the same page of one that does not, who is not a member)
PAIRS = [
    ("GET", "/orgs/mcn-a/", "/orgs/no-such-org/", "other_trainer"),  # an organisation's page
    ("GET", "/orgs/mcn-a/", "/orgs/no-such-org/", "verifier"),
    ("POST", "/orgs/mcn-a/invitations", "/orgs/no-such-org/invitations", "other_trainer"),
    ("GET", "/orgs/mcn-a/skills.csv", "/orgs/no-such-org/skills.csv", "verifier"),  # a download
    ("GET", "/bureau/bureau/", "/bureau/no-such-bureau/", "trainer"),  # a bureau's page
    ("GET", "/bureau/bureau/audit.csv", "/bureau/no-such-bureau/audit.csv", "org_admin"),
    ("GET", "/bureau/bureau/jobs/999999.json", "/bureau/no-such-bureau/jobs/999999.json", "learner"),  # JSON
]


def answer(web: Browserish, method: str, url: str) -> tuple[int, str, bytes]:
    r = web.get(url) if method == "GET" else web.post(url, {}, form_page="/")
    # The page's language switch returns to the address asked for: that is the asker's own input, not an answer.
    return r.status_code, r.content_type, r.data.replace(url.encode(), b"<the address asked for>")


@pytest.mark.parametrize("method,existing,missing,role", PAIRS)
def test_a_non_member_gets_the_answer_of_an_organisation_that_does_not_exist(app, people, monkeypatch,  # noqa: F811
                                                                              method, existing, missing, role):
    """Finding: a logged-in non-member got 403 for /orgs/<slug>/… and /bureau/<slug>/… of an organisation that
    exists and 404 for one that does not, so any account could list which agencies and bureaus use the site. Now
    the two answers are the same, byte for byte (the same request id and form token asked for both)."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_800_000_000)  # one CSRF token for both
    web = Browserish(app.test_client())
    assert web.login(people[role], PASSWORD).status_code == 302
    web.headers["X-Request-ID"] = "redteam-orgs-1"
    seen = answer(web, method, existing)
    assert seen == answer(web, method, missing)
    assert seen[0] == 404


def test_a_member_without_the_role_still_gets_403(app, people):  # noqa: F811
    """A learner of MCN A knows MCN A exists: refusing them a trainers' page says nothing new."""
    web = Browserish(app.test_client())
    web.login(people["learner"], PASSWORD)
    r = web.get("/orgs/mcn-a/skills")
    assert r.status_code == 403 and "Not allowed" in r.get_data(as_text=True)
    assert web.get("/orgs/no-such-org/skills").status_code == 404
