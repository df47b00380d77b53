"""The catalogue: browse by area and vertical, search, a course's page, enrolment, and course images."""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms import cache
from lms.accounts.forms import ConfirmForm
from lms.catalogue import services
from lms.catalogue.outlines import version_outlines
from lms.certificates.standing import standing as study_standing
from lms.catalogue.labels import AREA_LABELS, LEVEL_LABELS, skill_names, vertical_labels
from lms.db import get_session
from lms.learning import services as learning
from lms.security.access import LOGIN, PUBLIC, rule

bp = Blueprint("catalogue", __name__)


def user_org_ids() -> list[int]:
    if not current_user.is_authenticated:
        return []
    return [m.org_id for m in current_user.memberships]


def locale_code() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


def _fragment(name: str, template: str, context: Callable[[], dict]) -> Markup:
    """A part of a page that is the same for everyone who may see it, rendered once per language and cached
    until a course is published, synced or shared. ``name`` must say everything the part depends on;
    ``context`` is called only when the part is not cached."""
    locale = str(get_locale())
    return cache.fresh((cache.CATALOGUE,), f"catalogue:{name}:{locale}",
                       lambda: Markup(render_template(template, locale=locale_code(), **context())))  # fmt: skip


@bp.get("/courses/")
@rule(PUBLIC)
def index():
    area = request.args.get("area") or None
    vertical = request.args.get("vertical") or None
    query = (request.args.get("q") or "").strip()[:100]
    org_ids, area = user_org_ids(), area if area in AREA_LABELS else None
    def context() -> dict:
        rows = services.course_cards(get_session(), org_ids=org_ids, area=area, vertical=vertical, query=query)
        return dict(rows=rows, area=area, vertical=vertical, query=query, area_labels=AREA_LABELS,
                    vertical_labels=vertical_labels(), level_labels=LEVEL_LABELS)  # fmt: skip

    # The same for everyone in the same organisations. Searches are made each time (any text can be asked;
    # caching them would only crowd the cache out).
    listed = not query and (vertical is None or vertical in vertical_labels())

    def listing() -> Markup:
        if listed:
            return _fragment(f"listing:{sorted(org_ids)}:{area}:{vertical}", "catalogue/_listing.html", context)
        return Markup(render_template("catalogue/_listing.html", locale=locale_code(), **context()))

    # A visitor's whole page, for the few addresses of the catalogue's own links (no other query can fill it).
    if not current_user.is_authenticated and listed and _own_link(request.args):
        return cache.visitor_page((cache.CATALOGUE,), f"catalogue:page:{request.full_path}:{get_locale()}",
                                  lambda extra: render_template("catalogue/index.html", listing=listing(), **extra))
    return render_template("catalogue/index.html", listing=listing())


def _own_link(args) -> bool:
    """An address the catalogue's own links make (an area, a vertical), so no other query fills the cache."""
    return not args or (set(args) <= {"area", "vertical"} and all(len(v) == 1 for v in args.listvalues())
            and args.get("area", "") in ("", *AREA_LABELS) and args.get("vertical", "") in ("", *vertical_labels()))


def _public_course(slug: str) -> tuple[str, Markup, Markup]:
    """What a visitor who is not logged in sees of a course (title, facts, outline): made once per language until a
    course is published, synced or shared. An unknown or private slug raises NotFound and is never cached."""
    def make() -> tuple[str, Markup, Markup]:
        session = get_session()
        _found, version = services.get_visible_course(session, slug, [])
        context = dict(version=version, area_labels=AREA_LABELS, vertical_labels=vertical_labels(),
                       level_labels=LEVEL_LABELS, locale=locale_code())  # fmt: skip
        titles = services.course_titles(session, version.prerequisites) if version.prerequisites else {}
        facts = render_template("catalogue/_course_facts.html", skill_names=skill_names(), prerequisites=titles,
                                **context)  # fmt: skip
        outline = render_template("catalogue/_course_outline.html", progress=None,
                                  outline=version_outlines(session, [version.id])[version.id], **context)  # fmt: skip
        return version.title(locale_code()), Markup(facts), Markup(outline)

    return cache.fresh((cache.CATALOGUE,), f"catalogue:course:{slug}:{get_locale()}", make)


@bp.get("/courses/<slug>")
@rule(PUBLIC)
def course(slug: str):
    if not current_user.is_authenticated:  # no query on a warm cache
        def render(extra: dict) -> str:
            title, facts, outline_html = _public_course(slug)
            return render_template("catalogue/course.html", page_title=title, progress=None, form=None, facts=facts,
                                   outline_html=outline_html, standing=None, locale=locale_code(), **extra)  # fmt: skip

        if request.query_string:  # only the course's own address is kept whole
            return render({})
        return cache.visitor_page((cache.CATALOGUE,), f"catalogue:page:course:{slug}:{get_locale()}", render)
    session = get_session()
    found, version = services.get_visible_course(session, slug, user_org_ids())
    progress = standing = None
    if current_user.is_authenticated:
        enrollment = learning.enrollment_for(session, current_user.id, found.id)
        if enrollment is not None:
            progress = learning.course_progress(session, enrollment)
            version = enrollment.version  # an enrolled host sees the version they study
            cfg = current_app.config["LMS"]
            rules = learning.StudyRules(completion_ratio=cfg.lesson_completion_ratio)
            standing = study_standing(session, enrollment, rules, cfg, progress)
            session.commit()  # a certificate the study time earned since the last page

    def context() -> dict:
        return dict(course=found, version=version, outline=version_outlines(session, [version.id])[version.id],
                    progress=None, area_labels=AREA_LABELS, vertical_labels=vertical_labels(),
                    level_labels=LEVEL_LABELS)  # fmt: skip

    def facts_context() -> dict:
        titles = services.course_titles(session, version.prerequisites) if version.prerequisites else {}
        return {**context(), "skill_names": skill_names(), "prerequisites": titles}

    facts = _fragment(f"facts:{version.id}", "catalogue/_course_facts.html", facts_context)
    if progress:
        outline_html = Markup(render_template("catalogue/_course_outline.html", locale=locale_code(),
                                              **{**context(), "progress": progress}))  # fmt: skip
    else:
        outline_html = _fragment(f"outline:{version.id}", "catalogue/_course_outline.html", context)
    return render_template("catalogue/course.html", page_title=version.title(locale_code()), course=found,
                           version=version, progress=progress,
                           form=ConfirmForm(), facts=facts, outline_html=outline_html, standing=standing,
                           locale=locale_code())


@bp.post("/courses/<slug>/enrol")
@rule(LOGIN)
def enrol(slug: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("catalogue.course", slug=slug))
    session = get_session()
    found, _version = services.get_visible_course(session, slug, user_org_ids())
    enrollment = learning.enroll(session, current_user.id, found)
    session.commit()
    flash(_("You are enrolled. Start with the first lesson."), "success")
    first = learning.course_progress(session, enrollment).resume_lesson
    if first is None:
        return redirect(url_for("catalogue.course", slug=slug))
    return redirect(url_for("learning.lesson", slug=slug, lesson_slug=first.slug))


@bp.get("/courses/<slug>/v<int:number>/assets/<name>")
@rule(PUBLIC)
def asset(slug: str, number: int, name: str):
    found, public = services.get_asset(get_session(), slug, number, name, user_org_ids())
    response = Response(found.data, mimetype=found.media_type)
    # Versions are immutable, so the bytes at this address never change; an organisation's private course is for
    # its members only, so no shared cache may keep its images.
    response.headers["Cache-Control"] = f"{'public' if public else 'private'}, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.set_etag(found.sha256)
    return response
