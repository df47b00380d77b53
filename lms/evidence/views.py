"""Organisation-admin pages: the organisation's default study policy and a cohort's override."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.cohorts import services as cohorts
from lms.db import get_session
from lms.evidence import services
from lms.evidence.forms import StudyPolicyForm
from lms.orgs.models import OrgKind, Role
from lms.security.access import org_roles, rule

bp = Blueprint("evidence", __name__)
ORG_ADMIN = org_roles(Role.ORG_ADMIN, kind=OrgKind.MCN)


@bp.route("/orgs/<org_slug>/study-policy", methods=["GET", "POST"])
@rule(ORG_ADMIN)
def org_policy(org_slug: str):
    session = get_session()
    form = StudyPolicyForm()
    if form.validate_on_submit():
        services.save_policy(session, org_id=g.org.id, cohort_id=None, policy=form.policy(), by_user_id=current_user.id)
        session.commit()
        flash(_("Study policy saved. It applies to study from now on."), "success")
        return redirect(url_for("evidence.org_policy", org_slug=org_slug))
    governing = services.org_policy(session, g.org.id)
    if request.method == "GET":
        form.fill(governing.policy)
    return render_template(
        "evidence/policy.html", org=g.org, cohort=None, form=form, governing=governing,
        cohorts=cohorts.cohorts_of(session, g.org.id), reset_form=None,
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/orgs/<org_slug>/cohorts/<int:cohort_id>/study-policy", methods=["GET", "POST"])
@rule(ORG_ADMIN)
def cohort_policy(org_slug: str, cohort_id: int):
    session = get_session()
    cohort = cohorts.get_cohort(session, g.org.id, cohort_id)
    form = StudyPolicyForm()
    if form.validate_on_submit():
        services.save_policy(session, org_id=g.org.id, cohort_id=cohort.id, policy=form.policy(),
                             by_user_id=current_user.id)  # fmt: skip
        session.commit()
        flash(_("The cohort now has its own study policy."), "success")
        return redirect(url_for("evidence.cohort_policy", org_slug=org_slug, cohort_id=cohort.id))
    governing = services.cohort_policy(session, cohort)
    if request.method == "GET":
        form.fill(governing.policy)
    return render_template(
        "evidence/policy.html", org=g.org, cohort=cohort, form=form, governing=governing, cohorts=[],
        reset_form=ConfirmForm() if governing.scope == services.cohort_scope(cohort.id) else None,
    ), 400 if form.errors else 200  # fmt: skip


@bp.post("/orgs/<org_slug>/cohorts/<int:cohort_id>/study-policy/reset")
@rule(ORG_ADMIN)
def reset_cohort_policy(org_slug: str, cohort_id: int):
    session = get_session()
    cohort = cohorts.get_cohort(session, g.org.id, cohort_id)
    if ConfirmForm().validate_on_submit():
        services.remove_override(session, cohort.id)
        session.commit()
        flash(_("The cohort follows the organisation's study policy again."), "success")
    return redirect(url_for("evidence.cohort_policy", org_slug=org_slug, cohort_id=cohort.id))
