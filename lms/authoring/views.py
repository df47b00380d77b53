"""Trainer pages for courses: drafts, details, check and publish, differences, zip export and import.

The lesson, quiz and image editors are in editor_views.py. Every page is the organisation's own: drafts and
courses are looked up with ``g.org.id``, so another organisation's course is simply not found.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.forms import ConfirmForm
from lms.authoring import folder, services, zipjob
from lms.authoring.forms import (
    AssetForm,
    DetailsForm,
    ImportZipForm,
    NewCourseForm,
    NewLessonForm,
    NewQuizForm,
    both,
    choices,
    code_or_suggested,
)
from lms.catalogue.labels import AREA_LABELS, skill_names, vertical_labels
from lms.catalogue.models import Quiz
from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.i18n import error_text
from lms.jobs import services as jobs
from lms.jobs.models import FAILED
from lms.orgs.models import Organisation, OrgKind, Role
from lms.quizzes.gift import GiftError, from_dict, parse
from lms.security.access import SITE_ADMIN, org_roles, rule
from lms.bounds import whole_number

bp = Blueprint("authoring", __name__, url_prefix="/orgs/<org_slug>/authoring")
TRAINERS = org_roles(Role.TRAINER, Role.ORG_ADMIN, kind=OrgKind.MCN)


def draft_or_404(slug: str):
    try:
        return services.get_draft(get_session(), g.org.id, slug)
    except NotFound:
        abort(404)


def message(exc: DomainError) -> str:
    # Pure modules raise English text marked with N_ (lms.messages); translate it here.
    return error_text(exc.message)


def changed_meanwhile(form, current: bytes | None) -> bool:
    """True when the file was saved by someone else since this form was opened. The form then carries the current
    fingerprint, so that saving again, after reading the warning, replaces their version on purpose."""
    tag = folder.file_tag(current)
    if form.base.data and form.base.data != tag:
        form.base.data = tag
        return True
    return False


def zip_response(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})  # fmt: skip


def _new_course_form() -> NewCourseForm:
    form = NewCourseForm(prefix="new")
    form.skill.choices = choices(sorted(skill_names().items()))
    return form


@bp.route("/", methods=["GET", "POST"])
@rule(TRAINERS)
def index(org_slug: str):
    session = get_session()
    form, upload = _new_course_form(), ImportZipForm(prefix="zip")
    if request.method == "POST" and request.form.get("action") == "new" and form.validate_on_submit():
        title = both(form.title_zh, form.title_en)
        try:
            draft = services.create_draft(session, g.org.id, current_user.id,
                                          slug=code_or_suggested(form.slug, title["en"], services.codes_taken(session)),
                                          title_zh=title["zh-CN"], title_en=title["en"],
                                          area=form.area.data, skill=form.skill.data)  # fmt: skip
        except DomainError as exc:
            session.rollback()
            form.slug.errors = [message(exc)]
        else:
            session.commit()
            flash(_("Draft created. Write the lessons, then check and publish."), "success")
            return redirect(url_for("authoring.draft", org_slug=org_slug, slug=draft.slug))
    if request.method == "POST" and request.form.get("action") == "zip" and upload.validate_on_submit():
        data = upload.archive.data.read()
        if len(data) > current_app.config["LMS"].zip_import_job_bytes:
            job = zipjob.queue_import(session, org_id=g.org.id, user_id=current_user.id, data=data,
                                      filename=upload.archive.data.filename, locale=str(get_locale() or "zh_CN"))  # fmt: skip
            session.commit()
            return redirect(url_for("authoring.import_job", org_slug=org_slug, job_id=job.id))
        try:
            draft = services.import_zip(session, g.org.id, current_user.id, data)
        except DomainError as exc:
            session.rollback()
            upload.archive.errors = [message(exc)]
        else:
            session.commit()
            flash(_("Archive imported into the draft of %(slug)s. Check it before publishing.", slug=draft.slug),
                  "success")
            return redirect(url_for("authoring.draft", org_slug=org_slug, slug=draft.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("authoring/index.html", org=g.org, drafts=services.drafts_of(session, g.org.id),
                           courses=services.courses_of(session, g.org.id), form=form, upload=upload,
                           confirm=ConfirmForm(), locale=locale_code()), status  # fmt: skip


@bp.get("/imports/<int:job_id>")
@rule(TRAINERS)
def import_job(org_slug: str, job_id: int):
    """A large course zip being imported in the background: waiting, refused with its reason, or done (the draft)."""
    job = jobs.get_job(get_session(), g.org.id, job_id, zipjob.KIND)
    slug = zipjob.draft_slug_of(job)
    if slug:
        flash(_("Archive imported into the draft of %(slug)s. Check it before publishing.", slug=slug), "success")
        return redirect(url_for("authoring.draft", org_slug=org_slug, slug=slug))
    message = None
    if job.state == FAILED:
        error = job.error or {}
        message = error.get("detail") if error.get("code") == "refused" else _(
            "The import could not be finished after %(n)d tries: nothing was imported. Upload the file again "
            "(job %(id)d).", n=job.attempts, id=job.id)  # fmt: skip
    return render_template("authoring/import_job.html", org=g.org, job=job, message=message)


@bp.post("/courses/<slug>/edit")
@rule(TRAINERS)
def edit_course(org_slug: str, slug: str):
    session = get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        draft = services.edit_course(session, g.org.id, current_user.id, slug)
    except NotFound:
        abort(404)
    except DomainError as exc:
        session.rollback()
        flash(message(exc), "error")
        return redirect(url_for("authoring.index", org_slug=org_slug))
    session.commit()
    target = _question_in_draft(session, draft, request.form.get("quiz_id", ""), request.form.get("question", ""))
    return redirect(target or url_for("authoring.draft", org_slug=org_slug, slug=draft.slug))


def _question_in_draft(session, draft, quiz_id: str, index: str) -> str | None:
    """Where to edit a question a trainer found weak on the statistics page, if the draft still holds it at the same
    place (the draft may have changed since the version the hosts answered)."""
    quiz_number, position = whole_number(quiz_id), whole_number(index)
    if quiz_number is None or position is None:
        return None
    quiz = session.get(Quiz, quiz_number)
    if quiz is None or quiz.version.course.slug != draft.slug or quiz.version.course.org_id != g.org.id:
        return None
    gift = services.files_of(draft).get(f"quizzes/{quiz.key}.gift")
    if gift is None or position >= len(quiz.questions):
        return None
    page = url_for("authoring.quiz", org_slug=g.org.slug, slug=draft.slug, quiz_id=quiz.key)
    try:
        questions = parse(gift.decode("utf-8", "replace"))
    except GiftError:
        questions = []
    if position < len(questions) and questions[position].text == from_dict(quiz.questions[position]).text:
        return url_for("authoring.quiz", org_slug=g.org.slug, slug=draft.slug, quiz_id=quiz.key, edit=position) + \
            "#new-question"
    flash(_("The draft's questions have changed since the version your hosts answered: find the question in the "
            "list below."), "info")  # fmt: skip
    return page


@bp.post("/courses/<slug>/share")
@rule(SITE_ADMIN)
def share(org_slug: str, slug: str):
    """Site admins publish an organisation's course to the shared catalogue (or withdraw it)."""
    session = get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    org = session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        abort(404)
    shared = request.form.get("shared") == "1"
    try:
        services.set_shared(session, org.id, slug, shared)
    except NotFound:
        abort(404)
    session.commit()
    flash(_("%(slug)s is now in the shared catalogue: every host can find it.", slug=slug) if shared else
          _("%(slug)s is private to its organisation again.", slug=slug), "success")  # fmt: skip
    return redirect(url_for("authoring.index", org_slug=org_slug))


@bp.get("/courses/<slug>/v<int:number>.zip")
@rule(TRAINERS)
def export_version(org_slug: str, slug: str, number: int):
    try:
        data = services.version_zip(get_session(), g.org.id, slug, number)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(message(exc), "error")
        return redirect(url_for("authoring.index", org_slug=org_slug))
    return zip_response(data, f"{slug}-v{number}.zip")


def _details_form(files: dict[str, bytes]) -> DetailsForm:
    data = folder.course_data(files)
    title, summary = data.get("title") or {}, data.get("summary") or {}
    prerequisites = data.get("prerequisites") or []
    form = DetailsForm(prefix="details", data={
        "title_zh": title.get("zh-CN", ""), "title_en": title.get("en", ""),
        "summary_zh": summary.get("zh-CN", ""), "summary_en": summary.get("en", ""),
        "area": data.get("area"), "vertical": data.get("vertical") or "", "level": data.get("level") or 1,
        "skills": data.get("skills") or [], "estimated_minutes": data.get("estimated_minutes"),
        "required_minutes": data.get("required_minutes"),
        "prerequisites": ", ".join(str(p) for p in prerequisites) if isinstance(prerequisites, list) else "",
        "certificate": bool(data.get("certificate")),
    } if request.method == "GET" else None)  # fmt: skip
    if request.method == "GET":
        form.base.data = folder.file_tag(files.get("course.yaml"))
    form.vertical.choices = choices([("", _("None")), *vertical_labels().items()])
    form.skills.choices = choices(sorted(skill_names().items()))
    return form


def _render_draft(draft, form: DetailsForm, status: int = 200, conflict: bool = False):
    session = get_session()
    files = services.files_of(draft)
    _spec, problems = services.check(session, draft)
    base = services.base_version(session, draft)
    changes = folder.diff(services.version_files(base), files) if base is not None else None
    lessons = folder.lessons(files)
    return render_template(
        "authoring/draft.html", org=g.org, draft=draft, form=form, files=files, base=base, changes=changes,
        problems=problems, by_file=folder.problems_by_file(draft.slug, problems), lessons=lessons,
        titles={lesson.path: folder.split_lesson(files[lesson.path])[0].get("title") for lesson in lessons},
        quizzes=folder.quiz_entries(files), assets=sorted(p[len("assets/"):] for p in files if p.startswith("assets/")),
        lesson_form=NewLessonForm(prefix="lesson"), quiz_form=NewQuizForm(prefix="quiz"),
        asset_form=AssetForm(prefix="asset"), confirm=ConfirmForm(), area_labels=AREA_LABELS, conflict=conflict,
    ), status  # fmt: skip


@bp.get("/<slug>/")
@rule(TRAINERS)
def draft(org_slug: str, slug: str):
    found = draft_or_404(slug)
    return _render_draft(found, _details_form(services.files_of(found)))


@bp.post("/<slug>/details")
@rule(TRAINERS)
def details(org_slug: str, slug: str):
    session = get_session()
    found = draft_or_404(slug)
    files = services.files_of(found)
    form = _details_form(files)
    if changed_meanwhile(form, files.get("course.yaml")):
        return _render_draft(found, form, 409, conflict=True)
    if not form.validate_on_submit():
        return _render_draft(found, form, 400)
    prerequisites = [p.strip() for p in (form.prerequisites.data or "").replace("，", ",").split(",") if p.strip()]
    files = folder.set_course_fields(files, {
        "title": both(form.title_zh, form.title_en),
        "summary": both(form.summary_zh, form.summary_en),
        "area": form.area.data, "vertical": form.vertical.data or None, "level": form.level.data,
        "skills": form.skills.data, "estimated_minutes": form.estimated_minutes.data,
        "required_minutes": form.required_minutes.data, "prerequisites": prerequisites,
        "certificate": form.certificate.data,
    })  # fmt: skip
    services.save_files(session, found, files, current_user.id)
    session.commit()
    flash(_("Details saved."), "success")
    return redirect(url_for("authoring.draft", org_slug=org_slug, slug=slug))


@bp.post("/<slug>/publish")
@rule(TRAINERS)
def publish(org_slug: str, slug: str):
    session = get_session()
    found = draft_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("certificate_asked") == "1":  # the publish form asks whether it awards a certificate
        files = services.files_of(found)
        wanted = request.form.get("certificate") == "y"
        if bool(folder.course_data(files).get("certificate")) != wanted:
            services.save_files(session, found, folder.set_course_fields(files, {"certificate": wanted}), current_user.id)
    try:
        published = services.publish(session, found)
    except DomainError as exc:
        session.rollback()
        flash(message(exc), "error")
        return redirect(url_for("authoring.draft", org_slug=org_slug, slug=slug))
    session.commit()
    if published.unchanged:
        flash(_("Nothing changed since version %(n)d: nothing was published.", n=published.number), "info")
    else:
        flash(_("Published as version %(n)d. New enrolments get it; hosts already studying keep their version.",
                n=published.number), "success")  # fmt: skip
    return redirect(url_for("authoring.draft", org_slug=org_slug, slug=slug))


@bp.get("/<slug>/changes")
@rule(TRAINERS)
def changes(org_slug: str, slug: str):
    session = get_session()
    found = draft_or_404(slug)
    base = services.base_version(session, found)
    return render_template("authoring/changes.html", org=g.org, draft=found, base=base,
                           changes=folder.diff(services.version_files(base), services.files_of(found)))  # fmt: skip


@bp.get("/<slug>/export.zip")
@rule(TRAINERS)
def export_draft(org_slug: str, slug: str):
    found = draft_or_404(slug)
    return zip_response(services.draft_zip(found), f"{slug}-draft.zip")


@bp.post("/<slug>/discard")
@rule(TRAINERS)
def discard(org_slug: str, slug: str):
    session = get_session()
    found = draft_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.discard(session, found)
    session.commit()
    flash(_("Draft discarded. Published versions are unchanged."), "success")
    return redirect(url_for("authoring.index", org_slug=org_slug))
