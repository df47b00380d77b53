"""The logged-in person as every page sees them: plain, immutable values read by one statement per request
(:func:`lms.accounts.services.load_viewer`), not an ORM object. A view that changes the account loads the ORM
``User`` itself (:func:`lms.accounts.services.account`).

Pure: the rows come in as plain tuples; nothing here touches Flask or the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

LEARNER = "learner"  # lms.orgs.models.Role.LEARNER.value (orgs sits beside accounts, not under it)


@dataclass(frozen=True, slots=True)
class ViewerOrg:
    id: int
    slug: str
    name: str
    kind: Any  #: lms.orgs.models.OrgKind


@dataclass(frozen=True, slots=True)
class ViewerMembership:
    """The shape code used on ORM memberships: ``m.role`` (the Role enum), ``m.org_id``, ``m.org.slug`` ..."""

    org_id: int
    role: Any  #: lms.orgs.models.Role
    org: ViewerOrg


@dataclass(frozen=True, slots=True)
class Viewer:
    """A Flask-Login user: ``get_id()`` gives the same ``id:version`` as :meth:`User.get_id`."""

    id: int
    session_version: int
    display_name: str
    is_site_admin: bool
    #: Chosen UI language, None to follow the browser.
    locale: str | None
    has_real_name: bool
    #: As of the start of the request (see lms.site.templating for pages that change it before rendering).
    unread_notifications: int
    memberships: tuple[ViewerMembership, ...]

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def org_links(self) -> tuple[tuple[str, str], ...]:
        """(slug, name) of the organisations where this person works (any role but learner): header links."""
        return tuple((m.org.slug, m.org.name) for m in self.memberships if m.role.value != LEARNER)

    @property
    def shows_learner_links(self) -> bool:
        """A learner somewhere, or a member nowhere: the header links to learning."""
        return not self.memberships or any(m.role.value == LEARNER for m in self.memberships)

    @property
    def is_host(self) -> bool:
        """Only learns (no site admin, no other role): navigates by the phone's tab bar."""
        return not self.is_site_admin and not self.org_links


#: One row of the viewer statement: the user's columns, then one membership's (None without memberships).
ViewerRow = tuple[int, int, str, bool, "str | None", bool, int, "int | None", Any, "str | None", "str | None", Any]


def viewer_from_rows(rows: Iterable[ViewerRow]) -> Viewer | None:
    """Build the viewer from the rows of the user LEFT JOIN their memberships and organisations."""
    first = None
    memberships = []
    for row in rows:
        if first is None:
            first = row
        user_id, version, name, admin, locale, real_name, unread, org_id, role, slug, org_name, kind = row
        if org_id is not None:
            memberships.append(ViewerMembership(org_id, role, ViewerOrg(org_id, slug, org_name, kind)))
    if first is None:
        return None
    user_id, version, name, admin, locale, real_name, unread = first[:7]
    return Viewer(id=user_id, session_version=version, display_name=name, is_site_admin=bool(admin), locale=locale,
                  has_real_name=bool(real_name), unread_notifications=int(unread or 0),
                  memberships=tuple(memberships))  # fmt: skip
