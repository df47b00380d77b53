"""The draft's editors: lessons (with a live preview through the site's own sanitizing renderer), quizzes
(settings, GIFT text or file with every error at its line, and a question editor), and images."""

from __future__ import annotations


from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.authoring import folder, services
from lms.authoring.forms import (
    QUESTION_KINDS,
    AssetForm,
    GiftForm,
    LessonForm,
    NewLessonForm,
    NewQuizForm,
    QuestionForm,
    QuizSettingsForm,
    both,
    choices,
    code_or_suggested,
    problems,
)
from lms.authoring.questions import (
    AnswerRow,
    QuestionError,
    append_question,
    build_question,
    form_values,
    replace_question,
)
from lms.authoring.views import TRAINERS, bp, changed_meanwhile, draft_or_404, message
from lms.catalogue.labels import skill_names
from lms.catalogue.loader import ASSET_TYPES, MAX_ASSET_BYTES
from lms.catalogue.rendering import render_markdown, render_quiz_text
from lms.db import get_session
from lms.i18n import error_text
from lms.quizzes.filling import Fill
from lms.quizzes.gift import GiftError, parse
from lms.quizzes.questions import TEXT_FORMATS
from lms.quizzes.sheet import shown_question
from lms.security.access import rule
from lms.bounds import BadJSON, parse_json, whole_number



def _back(slug: str, anchor: str = ""):
    return redirect(url_for("authoring.draft", org_slug=g.org.slug, slug=slug) + anchor)


def _confirmed(slug: str):
    """The draft and its files for a button's POST (a bare form: only the CSRF token is checked)."""
    found = draft_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return found, services.files_of(found)


def _save(draft, files: dict[str, bytes]) -> None:
    session = get_session()
    services.save_files(session, draft, files, current_user.id)
    session.commit()


# --- lessons ---------------------------------------------------------------------------------------------------


@bp.post("/<slug>/lessons")
@rule(TRAINERS)
def add_lesson(org_slug: str, slug: str):
    found = draft_or_404(slug)
    form = NewLessonForm(prefix="lesson")
    if not form.validate_on_submit():
        flash(problems(form), "error")
        return _back(slug, "#lessons")
    files = services.files_of(found)
    taken = [lesson.slug for lesson in folder.lessons(files)]
    skills = (folder.course_data(files).get("skills") or [])[:1]
    front = {"title": both(form.title_zh, form.title_en),
             "estimated_minutes": 10, "skills": skills}  # fmt: skip
    try:
        files, path = folder.add_lesson(files, code_or_suggested(form.slug, form.title_en.data or form.title_zh.data, taken),
                                        front, f"# {form.title_zh.data.strip()}\n")
    except folder.FolderError as exc:
        flash(message(exc), "error")
        return _back(slug, "#lessons")
    _save(found, files)
    return redirect(url_for("authoring.lesson", org_slug=org_slug, slug=slug, name=path.split("/")[-1]))


def _lesson_path(files: dict[str, bytes], name: str) -> str:
    path = f"lessons/{name}"
    if path not in files or not folder.LESSON_NAME.match(path):
        abort(404)
    return path


@bp.route("/<slug>/lessons/<name>", methods=["GET", "POST"])
@rule(TRAINERS)
def lesson(org_slug: str, slug: str, name: str):
    session = get_session()
    found = draft_or_404(slug)
    files = services.files_of(found)
    path = _lesson_path(files, name)
    front, body = folder.split_lesson(files[path])
    title = front.get("title") if isinstance(front.get("title"), dict) else {}
    form = LessonForm(prefix="lesson", data={
        "title_zh": title.get("zh-CN", ""), "title_en": title.get("en", ""),
        "estimated_minutes": front.get("estimated_minutes"), "skills": front.get("skills") or [], "body": body.strip("\n"),
    } if request.method == "GET" else None)  # fmt: skip
    form.skills.choices = choices(sorted(skill_names().items()))
    conflict = request.method == "POST" and changed_meanwhile(form, files.get(path))
    if request.method == "GET":
        form.base.data = folder.file_tag(files[path])
    if request.method == "POST" and not conflict and form.validate_on_submit():
        front.update({"title": both(form.title_zh, form.title_en),
                      "estimated_minutes": form.estimated_minutes.data, "skills": form.skills.data})  # fmt: skip
        files[path] = folder.lesson_bytes(front, form.body.data or "")
        _save(found, files)
        flash(_("Lesson saved."), "success")
        return redirect(url_for("authoring.lesson", org_slug=org_slug, slug=slug, name=name))
    _spec, problems = services.check(session, found)
    lesson_problems = folder.problems_by_file(slug, problems).get(path, [])
    # The editor shows the body only, so a problem is also given as a line of the text the trainer sees.
    body_start = folder.body_first_line(files[path]) if front else 1
    return render_template("authoring/lesson.html", org=g.org, draft=found, form=form, name=name, path=path,
                           problems=lesson_problems, body_start=body_start, conflict=conflict), \
        (409 if conflict else 400 if request.method == "POST" else 200)  # fmt: skip


@bp.post("/<slug>/lessons/<name>/move")
@rule(TRAINERS)
def move_lesson(org_slug: str, slug: str, name: str):
    found, files = _confirmed(slug)
    path = _lesson_path(files, name)
    _save(found, folder.move_lesson(files, path, -1 if request.form.get("direction") == "up" else 1))
    return _back(slug, "#lessons")


@bp.post("/<slug>/lessons/<name>/delete")
@rule(TRAINERS)
def delete_lesson(org_slug: str, slug: str, name: str):
    found, files = _confirmed(slug)
    try:
        files = folder.delete_lesson(files, _lesson_path(files, name))
    except folder.FolderError as exc:
        flash(message(exc), "error")
        return _back(slug, "#lessons")
    _save(found, files)
    flash(_("Lesson deleted; the lessons after it moved up."), "success")
    return _back(slug, "#lessons")


def _draft_images(org_slug: str, slug: str) -> str:
    """What the address of every image of the draft starts with (an asset "x", less the "x")."""
    return url_for("authoring.asset", org_slug=org_slug, slug=slug, name="x")[:-1]


@bp.post("/<slug>/preview")
@rule(TRAINERS)
def preview(org_slug: str, slug: str):
    """A lesson, or a question text in its GIFT format, as hosts will see it: the renderer and sanitizer of the
    published pages."""
    draft_or_404(slug)
    try:
        payload = parse_json(request.get_data(), max_bytes=1_500_000, max_depth=1)
    except BadJSON:
        abort(400)
    if not isinstance(payload, dict):
        abort(400)
    text, text_format = payload.get("markdown", ""), payload.get("format")
    if not isinstance(text, str) or len(text) > 200_000:
        abort(400)
    if text_format is not None:
        if text_format not in TEXT_FORMATS:
            abort(400)
        return jsonify(html=render_quiz_text(text, text_format, _draft_images(org_slug, slug)))
    rendered = render_markdown(
        text, asset_url=lambda asset: url_for("authoring.asset", org_slug=org_slug, slug=slug, name=asset),
        lesson_url=lambda target: url_for("authoring.lesson", org_slug=org_slug, slug=slug, name=target.split("#")[0]),
    )  # fmt: skip
    return jsonify(html=rendered.html)


# --- images ----------------------------------------------------------------------------------------------------


@bp.get("/<slug>/assets/<name>")
@rule(TRAINERS)
def asset(org_slug: str, slug: str, name: str):
    found = draft_or_404(slug)
    data = services.files_of(found).get(f"assets/{name}")
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if data is None or suffix not in ASSET_TYPES:
        abort(404)
    response = Response(data, mimetype=ASSET_TYPES[suffix])
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.post("/<slug>/assets")
@rule(TRAINERS)
def upload_asset(org_slug: str, slug: str):
    found = draft_or_404(slug)
    form = AssetForm(prefix="asset")
    if not form.validate_on_submit():
        flash(_("Choose an image to upload."), "error")
        return _back(slug, "#assets")
    upload = form.image.data
    data = upload.read(MAX_ASSET_BYTES + 1)
    files = services.files_of(found)
    try:
        name = folder.asset_name(upload.filename or "", data, MAX_ASSET_BYTES, files)
    except folder.FolderError as exc:
        flash(message(exc), "error")
        return _back(slug, "#assets")
    files[f"assets/{name}"] = data
    _save(found, files)
    original = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    description = original.rpartition(".")[0] or original
    flash(_("%(original)s saved as %(name)s. Use it in a lesson as ![%(description)s](../assets/%(name)s).",
            original=original, name=name, description=description), "success")
    return _back(slug, "#assets")


@bp.post("/<slug>/assets/<name>/delete")
@rule(TRAINERS)
def delete_asset(org_slug: str, slug: str, name: str):
    found, files = _confirmed(slug)
    if files.pop(f"assets/{name}", None) is None:
        abort(404)
    _save(found, files)
    flash(_("Image deleted. Lessons that still show it are listed as problems."), "success")
    return _back(slug, "#assets")


# --- quizzes ---------------------------------------------------------------------------------------------------


def _pools(text: str) -> list[dict]:
    pools = []
    for number, line in enumerate(text.replace("：", ":").splitlines(), 1):
        if not line.strip():
            continue
        category, _sep, count = line.rpartition(":")
        drawn = whole_number(count.strip(), high=10_000)
        if not category.strip() or drawn is None:
            raise QuestionError(_("Line %(n)d: write a pool as category: count.", n=number), "draw")
        pools.append({"category": category.strip(), "count": drawn})
    return pools


def _settings(form: QuizSettingsForm) -> dict:
    text = (form.draw.data or "").strip()
    whole = whole_number(text, high=10_000)
    draw = whole if whole is not None else _pools(text)  # one number: that many from the whole bank
    # No draw rule: every question, in a shuffled order (the checker refuses an empty list).
    return {"title": both(form.title_zh, form.title_en),
            "pass_mark": form.pass_mark.data, **({"draw": draw} if draw else {}), "time_limit_minutes": form.time_limit_minutes.data,
            "attempts": form.attempts.data, "cooldown_minutes": form.cooldown_minutes.data,
            "feedback": form.feedback.data, "grade": form.grade.data, "required": form.required.data}  # fmt: skip


@bp.post("/<slug>/quizzes")
@rule(TRAINERS)
def add_quiz(org_slug: str, slug: str):
    found = draft_or_404(slug)
    form = NewQuizForm(prefix="quiz")
    files = services.files_of(found)
    if not form.validate_on_submit():
        flash(problems(form), "error")
        return _back(slug, "#quizzes")
    taken = [entry.get("id") for entry in folder.quiz_entries(files)]
    quiz_id = code_or_suggested(form.quiz_id, form.title_en.data or form.title_zh.data, taken)
    if any(entry.get("id") == quiz_id for entry in folder.quiz_entries(files)):
        flash(_("This course already has a quiz with that id."), "error")
        return _back(slug, "#quizzes")
    files = folder.set_quiz(files, quiz_id, {
        "title": both(form.title_zh, form.title_en),
        "pass_mark": form.pass_mark.data, "time_limit_minutes": 0, "attempts": 3, "cooldown_minutes": 0,
        "feedback": "after_submit", "grade": "highest", "required": True})  # fmt: skip
    _save(found, files)
    return redirect(url_for("authoring.quiz", org_slug=org_slug, slug=slug, quiz_id=quiz_id))


def _index(raw: str | None) -> int | None:
    return whole_number(raw, high=100_000)


def _question_form(values: dict | None = None) -> QuestionForm:
    if values is not None:
        values = {**values, "answers": values["answers"] + [{}] * max(0, 6 - len(values["answers"]))}
    # An existing question fills the form; otherwise Flask-WTF reads what was submitted.
    form = QuestionForm(prefix="question", formdata=None, data=values) if values else QuestionForm(prefix="question")
    form.skill.choices = choices([("", "—"), *sorted(skill_names().items())])
    return form


def _settings_form(entry: dict) -> QuizSettingsForm:
    title = entry.get("title") if isinstance(entry.get("title"), dict) else {}
    drawn = entry.get("draw")  # a number (that many from the whole bank) or a list of pools
    if isinstance(drawn, int) and not isinstance(drawn, bool):
        draw = str(drawn)
    else:
        pools = drawn if isinstance(drawn, list) else []
        draw = "\n".join(f"{d.get('category')}: {d.get('count')}" for d in pools if isinstance(d, dict))
    return QuizSettingsForm(prefix="quiz", data={
        "quiz_id": entry.get("id"), "title_zh": title.get("zh-CN", ""), "title_en": title.get("en", ""),
        "pass_mark": entry.get("pass_mark", 60), "draw": draw, "time_limit_minutes": entry.get("time_limit_minutes", 0),
        "attempts": entry.get("attempts", 3), "cooldown_minutes": entry.get("cooldown_minutes", 0),
        "feedback": entry.get("feedback", "after_submit"), "grade": entry.get("grade", "highest"),
        "required": entry.get("required", True),
    } if request.method == "GET" or request.form.get("action") != "settings" else None)  # fmt: skip


@bp.route("/<slug>/quizzes/<quiz_id>", methods=["GET", "POST"])
@rule(TRAINERS)
def quiz(org_slug: str, slug: str, quiz_id: str):
    session = get_session()
    found = draft_or_404(slug)
    files = services.files_of(found)
    entry = next((e for e in folder.quiz_entries(files) if e.get("id") == quiz_id), None)
    gift_path = f"quizzes/{quiz_id}.gift"
    if entry is None:
        abort(404)
    gift_text = files.get(gift_path, b"").decode("utf-8", "replace")
    settings_form, gift_form, question_form = _settings_form(entry), GiftForm(prefix="gift"), _question_form()
    action, status, gift_errors = request.form.get("action"), 200, []
    edit_index = _index(request.args.get("edit")) if request.method == "GET" else None
    back = url_for("authoring.quiz", org_slug=org_slug, slug=slug, quiz_id=quiz_id)
    if request.method == "POST":
        status = 400
        if action == "settings" and settings_form.validate_on_submit():
            try:
                files = folder.set_quiz(files, quiz_id, _settings(settings_form))
            except QuestionError as exc:
                settings_form.draw.errors = [error_text(exc.message)]
            else:
                _save(found, files)
                flash(_("Quiz settings saved."), "success")
                return redirect(back)
        elif action == "gift" and changed_meanwhile(gift_form, files.get(gift_path)):
            status = 409
            gift_errors = [_("Someone else saved these questions since you opened the page. Your text is below: "
                             "compare it with theirs (open the quiz in a new tab); saving again replaces their version.")]
        elif action == "gift" and gift_form.validate_on_submit():
            gift_errors = _save_gift(found, files, gift_path, gift_form)
            if gift_errors is None:
                flash(_("Questions saved."), "success")
                return redirect(back)
        elif action == "question" and question_form.validate_on_submit():
            edit_index = _index(request.form.get("index"))
            if _save_question(found, files, gift_path, gift_text, question_form, edit_index):
                flash(_("Question saved.") if edit_index is not None else _("Question added."), "success")
                return redirect(back + "#questions")
        elif action == "delete-question" and ConfirmForm().validate_on_submit():
            try:
                files[gift_path] = replace_question(gift_text, _index(request.form.get("index")) or 0, None).encode()
            except (QuestionError, GiftError):
                flash(_("That question could not be deleted; edit the GIFT text instead."), "error")
            else:
                _save(found, files)
                flash(_("Question deleted."), "success")
            return redirect(back + "#questions")
    if gift_form.gift.data is None:  # a first visit, or a post of another form: the file as saved
        gift_form.gift.data = gift_text
    if not gift_form.base.data:
        gift_form.base.data = folder.file_tag(files.get(gift_path))
    gift_warnings: list = []  # what imports, as in Moodle, but may not mean what the trainer meant
    try:
        questions = parse(gift_text, filename=gift_path, warnings=gift_warnings) if gift_text.strip() else []
    except GiftError:
        questions = []
    if request.method == "GET" and edit_index is not None:
        if edit_index >= len(questions):
            abort(404)
        question_form = _question_form(form_values(questions[edit_index]))
    _spec, problems = services.check(session, found)
    by_file = folder.problems_by_file(slug, problems)
    quiz_problems = by_file.get(gift_path, []) + [p for p in by_file.get("course.yaml", []) if quiz_id in p.message]
    return render_template("authoring/quiz.html", org=g.org, draft=found, quiz_id=quiz_id, entry=entry,
                           settings_form=settings_form, gift_form=gift_form, question_form=question_form,
                           questions=questions, gift_errors=gift_errors, gift_warnings=gift_warnings,
                           problems=quiz_problems,
                           confirm=ConfirmForm(), kind_labels=dict(QUESTION_KINDS), edit_index=edit_index), status  # fmt: skip


@bp.get("/<slug>/quizzes/<quiz_id>/preview")
@rule(TRAINERS)
def quiz_preview(org_slug: str, slug: str, quiz_id: str):
    """Every question of the draft's quiz as hosts will see it, each followed by its key and feedback."""
    files = services.files_of(draft_or_404(slug))
    gift_path = f"quizzes/{quiz_id}.gift"
    if gift_path not in files:
        abort(404)
    try:
        questions = parse(files[gift_path].decode("utf-8", "replace"), filename=gift_path)
    except GiftError:
        questions = None  # the quiz page lists the errors; the preview says where to fix them
    images = _draft_images(org_slug, slug)
    items = [PreviewItem(i, q, images) for i, q in enumerate(questions or [])]
    return render_template("authoring/quiz_preview.html", org=g.org, draft_slug=slug, quiz_id=quiz_id, items=items,
                           broken=questions is None, quiz={"version": images}, images=images, no_answer=Fill(),
                           kind_labels=dict(QUESTION_KINDS))  # fmt: skip


class PreviewItem:
    """A question laid out as on a paper, in the file's order, with nothing answered yet."""

    def __init__(self, position: int, question, images: str) -> None:
        self.position, self.question, self.response, self.answer_order = position, question, None, None
        listed = question.type in ("multichoice", "multiresponse", "ordering")
        self.option_order = list(range(len(question.answers))) if listed else None
        self.shown = shown_question(question, images)  # the texts as the attempt page renders them


def _save_gift(found, files: dict[str, bytes], gift_path: str, form: GiftForm) -> list | None:
    """Save the GIFT text (with an uploaded file appended or in its place); None when saved, else its errors."""
    text = (form.gift.data or "").replace("\r\n", "\n")
    if form.upload.data:
        try:
            uploaded = form.upload.data.read(500_001).decode("utf-8-sig")
        except UnicodeDecodeError:
            form.upload.errors = [_("The file is not UTF-8 text: save it as UTF-8 and upload it again.")]
            return []
        text = uploaded if form.mode.data == "replace" else text.rstrip("\n") + "\n\n" + uploaded
    try:
        parse(text, filename=gift_path) if text.strip() else []
    except GiftError as exc:
        form.gift.data = text  # the trainer's text stays in the box, with its errors listed
        return list(exc.problems)
    files[gift_path] = text.encode("utf-8")
    _save(found, files)
    return None


def _save_question(found, files: dict[str, bytes], gift_path: str, gift_text: str, form: QuestionForm,
                   index: int | None) -> bool:  # fmt: skip
    """Add the question built from the form (or replace question ``index``); False with errors on the form."""
    rows = [AnswerRow(r.text.data or "", r.match.data or "", r.percent.data or "", r.feedback.data or "")
            for r in form.answers]  # fmt: skip
    try:
        question = build_question(
            kind=form.kind.data, text=form.text.data, name=form.name.data or "", category=form.category.data or "",
            general_feedback=form.general_feedback.data or "", skill=form.skill.data or "",
            difficulty=form.difficulty.data or "", correct=form.correct.data or "", rows=rows,
            text_format=form.text_format.data or "moodle")  # fmt: skip
        gift = append_question(gift_text, question) if index is None else replace_question(gift_text, index, question)
    except QuestionError as exc:
        form.form_errors.append(error_text(exc.message))
        return False
    except GiftError:
        form.form_errors.append(_("Fix the errors in the questions above before adding another."))
        return False
    files[gift_path] = gift.encode("utf-8")
    _save(found, files)
    return True


@bp.get("/<slug>/quizzes/<quiz_id>.gift")
@rule(TRAINERS)
def quiz_gift(org_slug: str, slug: str, quiz_id: str):
    """The quiz's question bank as a GIFT file, for Moodle or another course."""
    data = services.files_of(draft_or_404(slug)).get(f"quizzes/{quiz_id}.gift")
    if data is None:
        abort(404)
    return Response(data, mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{slug}-{quiz_id}.gift"', "Cache-Control": "no-store"})


@bp.post("/<slug>/quizzes/<quiz_id>/delete")
@rule(TRAINERS)
def delete_quiz(org_slug: str, slug: str, quiz_id: str):
    found, files = _confirmed(slug)
    if not any(e.get("id") == quiz_id for e in folder.quiz_entries(files)):
        abort(404)
    _save(found, folder.delete_quiz(files, quiz_id))
    flash(_("Quiz deleted."), "success")
    return _back(slug, "#quizzes")
