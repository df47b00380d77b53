"""Who may use which route, declared in one place and enforced before every request.

Every view is decorated with :func:`rule`. A ``before_request`` hook looks up the rule of the endpoint and refuses a
request whose endpoint declares none (deny by default); a test walks ``app.url_map`` for the same property.

Rules:

- ``PUBLIC``: anyone.
- ``LOGIN``: any logged-in account.
- ``SITE_ADMIN``: the site's operators.
- ``org_roles(*roles)``: members of the organisation named by the ``org_slug`` URL part with one of those roles;
  ``when={role: setting}`` also lets a role in while the organisation's boolean ``setting`` is on. A non-member gets
  the 404 of an organisation that does not exist (no oracle for which slugs exist); a member without the role, 403.
- ``DEV_OUTBOX``: only while mail goes to the development outbox (never in production).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.db import get_session


@dataclass(frozen=True)
class Rule:
    kind: str  # public | login | site_admin | org | dev_outbox
    roles: frozenset[str] = field(default_factory=frozenset)
    #: For org rules: the kind of organisation the route belongs to ("mcn", "bureau"); others get 404.
    org_kind: str | None = None
    #: For org rules: (role, organisation setting) pairs; the role is let in only while the setting is on.
    when: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        conditional = [f"{role}?{setting}" for role, setting in self.when]
        roles = sorted(self.roles) + conditional
        return self.kind + (":" + ",".join(roles) if roles else "")


PUBLIC = Rule("public")
LOGIN = Rule("login")
SITE_ADMIN = Rule("site_admin")
DEV_OUTBOX = Rule("dev_outbox")


def org_roles(*roles: str, kind: str | None = None, when: dict | None = None) -> Rule:
    return Rule("org", frozenset(str(getattr(r, "value", r)) for r in roles), str(getattr(kind, "value", kind)) if kind else None,
                tuple((str(getattr(r, "value", r)), setting) for r, setting in (when or {}).items()))


def role_allowed(access_rule: Rule, org, role: str) -> bool:
    """Whether a member with ``role`` may use a route of ``access_rule`` in ``org`` (its settings included)."""
    return role in access_rule.roles or any(r == role and bool(getattr(org, setting)) for r, setting in access_rule.when)


_ATTR = "_lms_access_rule"


def rule(access_rule: Rule) -> Callable:
    """Declare who may use a view. Enforcement happens in :func:`enforce`, for every request."""

    def decorate(view: Callable) -> Callable:
        setattr(view, _ATTR, access_rule)
        return view

    return decorate


def rule_of(view: Callable) -> Rule | None:
    return getattr(view, _ATTR, None)


def _deny_anonymous():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def enforce():
    """``before_request``: apply the endpoint's rule; endpoints without one are refused."""
    if request.endpoint is None:  # 404 / 405: Flask raises the routing error itself
        return None
    view = current_app.view_functions.get(request.endpoint)
    access_rule = rule_of(view) if view else None
    if access_rule is None:
        current_app.logger.error("endpoint %s has no access rule: refused", request.endpoint)
        abort(403)
    if access_rule.kind == "public":
        return None
    if access_rule.kind == "dev_outbox":
        if current_app.config["LMS"].mail_backend != "outbox" or current_app.config["LMS"].is_production:
            abort(404)
        return None
    if not current_user.is_authenticated:
        return _deny_anonymous()
    if access_rule.kind == "login":
        return None
    if access_rule.kind == "site_admin":
        if not current_user.is_site_admin:
            abort(403)
        return None
    if access_rule.kind == "org":
        return _enforce_org(access_rule)
    abort(403)


def _enforce_org(access_rule: Rule):
    from lms.orgs.models import Membership, Organisation  # orgs builds on security, not the other way

    slug = (request.view_args or {}).get("org_slug")
    if not slug:
        abort(403)
    session = get_session()
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None or (access_rule.org_kind and org.kind.value != access_rule.org_kind):
        abort(404)
    membership = session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == current_user.id)
    )
    if membership is None and not current_user.is_site_admin:
        # Not a member: the same answer as an organisation that does not exist, so no one learns which slugs exist.
        abort(404)
    g.org = org
    g.membership = membership
    if current_user.is_site_admin:
        return None
    if not role_allowed(access_rule, org, membership.role.value):
        abort(403)  # a member without the role: tells them nothing they do not already know
    return None


_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


def guard():
    """``before_request``, the one hook after the rate limiter (each hook Flask calls costs on every request), in the
    order that matters: the guarded forms fail closed without the limits' storage; an unreadable or NUL-carrying
    body or query gets a clear 400 before CSRF would call it a missing token; CSRF; then the endpoint's rule."""
    from lms.security.forms import reject_nul_characters, reject_undecodable_forms
    from lms.security.ratelimit import fail_closed

    if request.method in _NO_BODY:
        query = request.environ.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:  # a NUL in a query value can only be spelt so
            reject_nul_characters()
        return enforce()
    refused = fail_closed()
    if refused is not None:
        return refused
    reject_undecodable_forms()
    reject_nul_characters()
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]:
        current_app.extensions["csrf"].protect(apply_exemptions=True)
    return enforce()


def init_app(app: Flask) -> None:
    """After ``csrf.init_app``: :func:`guard` takes the place of Flask-WTF's own hook (same check, same order)."""
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[:] = [f for f in hooks if not (f.__name__ == "csrf_protect" and f.__module__ == "flask_wtf.csrf")]
    hooks.append(guard)


def declare(app: Flask, endpoint: str, access_rule: Rule) -> None:
    """Give a rule to an endpoint registered by Flask or an extension (``static``)."""
    setattr(app.view_functions[endpoint], _ATTR, access_rule)
