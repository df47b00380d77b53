"""The logged-in person as pages see them (lms.accounts.viewer): built from the rows of one statement, shaped like
the ORM account where code reads it (memberships with role and organisation), and a Flask-Login user."""

from __future__ import annotations

import dataclasses

import pytest

from lms.accounts.viewer import viewer_from_rows
from lms.orgs.models import OrgKind, Role

USER = (7, 3, "小林", False, "en", True, 4)


def test_no_row_is_nobody():
    assert viewer_from_rows([]) is None


def test_a_person_without_memberships_is_a_host_with_learner_links():
    viewer = viewer_from_rows([USER + (None, None, None, None, None)])
    assert viewer.get_id() == "7:3" and viewer.is_authenticated and viewer.is_active and not viewer.is_anonymous
    assert (viewer.display_name, viewer.locale, viewer.has_real_name, viewer.unread_notifications) == ("小林", "en", True, 4)
    assert viewer.memberships == () and viewer.org_links == ()
    assert viewer.is_host and viewer.shows_learner_links


def test_memberships_keep_the_orm_shape_and_work_roles_make_header_links():
    viewer = viewer_from_rows([
        USER + (1, Role.LEARNER, "mcn-a", "A 机构", OrgKind.MCN),
        USER + (2, Role.TRAINER, "mcn-b", "B 机构", OrgKind.MCN),
    ])
    learner, trainer = viewer.memberships
    assert (learner.role, learner.org_id, learner.org.id, learner.org.slug, learner.org.kind) == (
        Role.LEARNER, 1, 1, "mcn-a", OrgKind.MCN)
    assert trainer.role == Role.TRAINER and trainer.org.name == "B 机构"
    assert viewer.org_links == (("mcn-b", "B 机构"),)
    assert not viewer.is_host and viewer.shows_learner_links


@pytest.mark.parametrize("admin, role, host, learner_links", [
    (True, None, False, True), (False, Role.BUREAU_VERIFIER, False, False), (False, Role.ORG_ADMIN, False, False)])
def test_site_admins_and_workers_are_not_hosts(admin, role, host, learner_links):
    row = (7, 1, "x", admin, None, False, 0) + ((1, role, "o", "O", OrgKind.BUREAU) if role else (None,) * 5)
    viewer = viewer_from_rows([row])
    assert viewer.is_host is host and viewer.shows_learner_links is learner_links


def test_the_viewer_cannot_be_changed():
    viewer = viewer_from_rows([USER + (None, None, None, None, None)])
    with pytest.raises(dataclasses.FrozenInstanceError):
        viewer.is_site_admin = True  # type: ignore[misc]
