"""Organisation pages: the site admin's list, an organisation's members and invitations, accepting one."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import services as account_services
from lms.accounts.forms import ConfirmForm
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.orgs import bp, firstlinks, services
from lms.orgs.forms import KIND_LABELS, ROLE_LABELS, CreateOrganisationForm, InviteForm, OrgSettingsForm, role_choices
from lms.orgs.hostimport_views import can_import_hosts
from lms.orgs.models import ROLES_BY_KIND, Role
from lms.security.access import LOGIN, PUBLIC, SITE_ADMIN, org_roles, rule
from lms.security.forms import attach_error
from lms.security.passwords import is_unusable


def _invitation_mail(org, role, link: str, days: int) -> str:
    return _(
        "You are invited to join %(org)s on the learning platform as %(role)s.\n\n"
        "Open this link to accept (valid for %(days)d days, usable once):\n%(link)s",
        org=org.name,
        role=str(ROLE_LABELS[role.value]),
        days=days,
        link=link,
    )


def _send_invitation(session, org, email: str, role: str):
    cfg = current_app.config["LMS"]
    return services.invite(
        session,
        cfg,
        org=org,
        email=email,
        role=role,
        invited_by=account_services.account(session, current_user),
        link_for=lambda token: cfg.base_url.rstrip("/") + url_for("orgs.invitation", token=token),
        subject=_("Invitation to %(org)s", org=org.name),
        body=_invitation_mail,
    )


@bp.route("/admin/organisations", methods=["GET", "POST"])
@rule(SITE_ADMIN)
def admin_organisations():
    session = get_session()
    form = CreateOrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(
                session, name=form.name.data, slug=form.slug.data.strip(), kind=form.kind.data
            )
            _send_invitation(session, org, form.admin_email.data, Role.ORG_ADMIN.value)
        except DomainError as exc:
            session.rollback()  # nothing half-written: no organisation without its admin invitation
            if not attach_error(form, "admin_email" if exc.field == "email" else exc.field, exc.message):
                flash(str(exc.message), "error")
        else:
            session.commit()
            flash(_("Organisation created and its admin invited."), "success")
            return redirect(url_for("orgs.admin_organisations"))
    orgs = services.list_organisations(session)
    return render_template(
        "orgs/admin_list.html", form=form, orgs=orgs, kind_labels=KIND_LABELS
    ), 200 if not form.errors else 400


@bp.route("/orgs/<org_slug>/", methods=["GET"])
@rule(org_roles(Role.ORG_ADMIN, Role.TRAINER, Role.BUREAU_VERIFIER))
def organisation(org_slug: str):
    return _render_org(InviteForm())


def _render_org(form: InviteForm, status: int = 200):
    session = get_session()
    org = g.org
    form.role.choices = role_choices(ROLES_BY_KIND[org.kind])
    can_invite = current_user.is_site_admin or (g.membership is not None and g.membership.role == Role.ORG_ADMIN)
    can_import = can_import_hosts(org)
    members = services.members_of(session, org)
    return render_template(
        "orgs/organisation.html",
        org=org,
        members=members,
        waiting={m.user_id for m in members if is_unusable(m.user.password_hash)},
        invitations=services.pending_invitations(session, org) if can_invite else [],
        form=form,
        can_invite=can_invite,
        can_import=can_import,
        pending_links=len(firstlinks.pending(session, current_app.extensions["lms.pii"], org.id)) if can_import else 0,
        settings_form=OrgSettingsForm(trainers_import_hosts=org.trainers_import_hosts),
        role_labels=ROLE_LABELS,
        kind_labels=KIND_LABELS,
    ), status


@bp.post("/orgs/<org_slug>/invitations")
@rule(org_roles(Role.ORG_ADMIN))
def invite(org_slug: str):
    form = InviteForm()
    form.role.choices = role_choices(ROLES_BY_KIND[g.org.kind])
    if form.validate_on_submit():
        session = get_session()
        try:
            _send_invitation(session, g.org, form.email.data, form.role.data)
        except DomainError as exc:
            session.rollback()
            if not attach_error(form, exc.field, exc.message):
                flash(str(exc.message), "error")
        else:
            session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data.strip()), "success")
            return redirect(url_for("orgs.organisation", org_slug=org_slug))
    return _render_org(form, 400)


@bp.route("/invite/<token>", methods=["GET"])
@rule(PUBLIC)
def invitation(token: str):
    session = get_session()
    try:
        found = services.find_invitation(session, token)
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 410
        return render_template("orgs/invitation_invalid.html", message=exc.message), status
    return render_template(
        "orgs/invitation.html", invitation=found, token=token, form=ConfirmForm(), role_labels=ROLE_LABELS
    )


@bp.post("/invite/<token>")
@rule(LOGIN)
def accept_invitation(token: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("orgs.invitation", token=token))
    session = get_session()
    try:
        user = account_services.account(session, current_user)  # the invitation is for its email address
        membership = services.accept_invitation(session, token=token, user=user)
    except DomainError as exc:
        session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("orgs.invitation", token=token))
    session.commit()
    flash(_("You have joined %(org)s.", org=membership.org.name), "success")
    return redirect(url_for("site.home"))
