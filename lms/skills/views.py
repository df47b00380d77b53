"""The T-profile page (the host's first page), sharing it, and the trainer's cohort skill map."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.catalogue import services as catalogue
from lms.catalogue.labels import skill_names, skills_framework
from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.orgs.models import OrgKind, Role
from lms.security.access import LOGIN, PUBLIC, org_roles, rule
from lms.bounds import whole_number
from lms.skills import services
from lms.skills.tsvg import render_t_svg

bp = Blueprint("skills", __name__)
TRAINERS = org_roles(Role.TRAINER, Role.ORG_ADMIN, kind=OrgKind.MCN)  # a bureau's admin gets 404


def level_names() -> dict[str, str]:
    return {"none": _("Not yet"), "beginner": _("Beginner"), "proficient": _("Proficient"), "expert": _("Expert")}


SHAPE_TEXT = {
    "none": lambda: _("No shape yet: answer quiz questions and finish lessons to build your profile."),
    "I": lambda: _("I-shaped: deep in your product category; now build breadth across the digital skills."),
    "dash": lambda: _("Dash-shaped: broad digital skills; now build depth in your product category."),
    "T": lambda: _("T-shaped: deep in your product category and broad across the digital skills."),
    "pi": lambda: _("π-shaped: deep in two product categories and broad across the digital skills."),
}


def _profile_context(user_id: int, title: str):
    session = get_session()
    host = services.host_profile(session, user_id)
    names = skill_names()
    svg = render_t_svg(host.profile, names, title, level_names())
    suggestions = catalogue.course_titles(session, host.next_courses)
    return {
        "host": host, "svg": svg, "names": names, "levels": level_names(), "shape_text": SHAPE_TEXT[host.profile.shape](),
        "suggestions": suggestions, "locale": locale_code(),
    }  # fmt: skip


@bp.get("/skills/")
@rule(LOGIN)
def profile():
    session = get_session()
    settings = services.settings_of(session, current_user.id)
    session.commit()
    _horizontal, verticals = services.framework_ids()
    context = _profile_context(current_user.id, _("My T-profile"))
    share_url = url_for("skills.shared", token=settings.share_token, _external=True) if settings.share_token else None
    return render_template("skills/profile.html", **context, verticals=verticals, settings=settings,
                           share_url=share_url, form=ConfirmForm())


@bp.post("/skills/verticals")
@rule(LOGIN)
def choose_verticals():
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            services.choose_verticals(session, current_user.id, request.form.getlist("vertical"))
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            session.commit()
            flash(_("Your product category is saved."), "success")
    return redirect(url_for("skills.profile"))


@bp.post("/skills/share")
@rule(LOGIN)
def share():
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        shared = request.form.get("shared") == "1"
        services.set_sharing(session, current_user.id, shared)
        session.commit()
        flash(_("Anyone with the link can now see your profile.") if shared else _("Your profile is private again."),
              "success")
    return redirect(url_for("skills.profile"))


@bp.get("/skills/shared/<token>")
@rule(PUBLIC)
def shared(token: str):
    owner = services.shared_profile_owner(get_session(), token)
    context = _profile_context(owner.id, _("T-profile of %(name)s", name=owner.display_name))
    return render_template("skills/shared.html", owner=owner, **context)


@bp.get("/orgs/<org_slug>/skills")
@rule(TRAINERS)
def cohort(org_slug: str):
    cmap = services.cohort_map(get_session(), g.org.id, sort=request.args.get("sort"))
    return render_template("skills/cohort.html", org=g.org, cmap=cmap, names=skill_names(), levels=level_names(),
                           sort=request.args.get("sort"), form=ConfirmForm(), rubric=rubric())


def rubric() -> dict[str, dict[str, str]]:
    """Per skill, the level descriptors of skills.yaml in the page's language: what each level looks like."""
    framework = skills_framework()
    key = "en" if locale_code() == "en" else "zh-CN"
    if framework is None:
        return {}
    return {s.id: {level: text.get(key, "") for level, text in s.descriptors.items()} for s in framework.skills.values()}


@bp.get("/orgs/<org_slug>/skills.csv")
@rule(TRAINERS)
def cohort_csv(org_slug: str):
    body = services.cohort_csv(services.cohort_map(get_session(), g.org.id), skill_names())
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="skills-{org_slug}.csv"'})


@bp.post("/orgs/<org_slug>/skills/assess")
@rule(TRAINERS)
def assess(org_slug: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            services.assess(
                session, org_id=g.org.id, assessor_id=current_user.id,
                host_id=_number(request.form.get("host")), skill=request.form.get("skill", ""),
                level=_number(request.form.get("level")),
                note=request.form.get("note", ""),
            )  # fmt: skip
        except NotFound:
            session.rollback()
            return render_template("catalogue/not_found.html"), 404
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            session.commit()
            flash(_("Assessment recorded."), "success")
    return redirect(url_for("skills.cohort", org_slug=org_slug))


def _number(raw: str | None) -> int:
    found = whole_number(raw)
    return -1 if found is None else found
