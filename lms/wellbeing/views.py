"""The host's wellbeing self-check (take it, see the result with help resources, optionally store it), the
host's own stored results (change over time, delete), and the site operator's switch per instrument."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.i18n import error_text
from lms.security.access import LOGIN, SITE_ADMIN, rule
from lms.security.forms import attach_error
from lms.wellbeing import services, trend
from lms.wellbeing.forms import LicenceForm, TurnOffForm, answers, item_fields, take_form
from lms.wellbeing.instruments import Instrument, IncompleteAnswers

bp = Blueprint("wellbeing", __name__)


def _cipher():
    return current_app.extensions["lms.pii"]


def _extra() -> str | None:
    """The operator's own instrument folder (LMS_INSTRUMENTS_DIR), if any."""
    return current_app.config["LMS"].instruments_dir


def _show_error(session, form, exc: DomainError) -> None:
    """Nothing half-written: roll back, and show the message on its field (or on top of the page)."""
    session.rollback()
    if not attach_error(form, exc.field, error_text(exc.message)):
        flash(error_text(exc.message), "error")


def _history(instrument: Instrument) -> tuple[list, str]:
    stored = services.results(get_session(), _cipher(), current_user.id, instrument.id, _extra())
    steps = trend.steps([s.result.score for s in stored], instrument.max_score, instrument.meaningful_change)
    return list(zip(stored, steps)), trend.polyline(steps)


def _render_result(instrument: Instrument, result, stored_id: int | None, **extra):
    history, line = _history(instrument)
    return render_template("wellbeing/result.html", instrument=instrument, result=result, stored_id=stored_id,
                           history=history, polyline=line, locale=locale_code(), confirm=ConfirmForm(),
                           svg=trend, **extra)


@bp.get("/self-check/")
@rule(LOGIN)
def index():
    session = get_session()
    has_results = bool(services.results(session, _cipher(), current_user.id, extra_dir=_extra()))
    return render_template("wellbeing/index.html", instruments=services.enabled_instruments(session, _extra()),
                           locale=locale_code(), has_results=has_results)


@bp.route("/self-check/<instrument_id>", methods=["GET", "POST"])
@rule(LOGIN)
def take(instrument_id: str):
    session = get_session()
    try:
        instrument = services.instrument(instrument_id, _extra())
    except NotFound:
        abort(404)
    if not services.is_enabled(session, instrument):
        return render_template("wellbeing/unavailable.html", instrument=instrument, locale=locale_code())
    form = take_form(instrument)
    if form.validate_on_submit():
        try:
            result = services.take(session, instrument, answers(form))
        except IncompleteAnswers:
            flash(_("Choose an answer for every statement: an incomplete self-check has no score."), "error")
        else:
            if not form.consent.data:
                return _render_result(instrument, result, None)
            try:
                stored = services.store(session, _cipher(), current_user.id, instrument, result, consent=True)
            except DomainError as exc:
                _show_error(session, form, exc)
            else:
                session.commit()
                flash(_("Your result is stored. Only you can see it, and you can delete it at any time."), "success")
                return redirect(url_for("wellbeing.result", result_id=stored.id))
    return render_template("wellbeing/take.html", instrument=instrument, form=form, items=item_fields(form),
                           locale=locale_code())


@bp.get("/self-check/results")
@rule(LOGIN)
def results():
    session = get_session()
    stored = services.results(session, _cipher(), current_user.id, extra_dir=_extra())
    catalogue = services.instruments(_extra())
    by_instrument = []
    for instrument_id in dict.fromkeys(s.instrument_id for s in stored):
        instrument = catalogue[instrument_id]
        history, line = _history(instrument)
        by_instrument.append((instrument, history, line))
    return render_template("wellbeing/results.html", by_instrument=by_instrument, locale=locale_code(),
                           confirm=ConfirmForm(), svg=trend)


@bp.get("/self-check/results/<int:result_id>")
@rule(LOGIN)
def result(result_id: int):
    try:
        stored = services.own_result(get_session(), _cipher(), current_user.id, result_id, _extra())
    except NotFound:
        abort(404)
    return _render_result(services.instrument(stored.instrument_id, _extra()), stored.result, stored.id,
                          stored=stored)


@bp.post("/self-check/results/<int:result_id>/delete")
@rule(LOGIN)
def delete(result_id: int):
    if ConfirmForm().validate_on_submit():
        session = get_session()
        try:
            services.delete(session, current_user.id, result_id)
        except NotFound:
            abort(404)
        session.commit()
        flash(_("The result is deleted."), "success")
    return redirect(url_for("wellbeing.results"))


@bp.post("/self-check/results/delete-all")
@rule(LOGIN)
def delete_all():
    """Withdraw consent: every stored result of the host is deleted at once."""
    if ConfirmForm().validate_on_submit():
        session = get_session()
        count = services.delete_all(session, current_user.id)
        session.commit()
        flash(_("All your stored results are deleted (%(n)s).", n=count), "success")
    return redirect(url_for("wellbeing.results"))


@bp.route("/admin/self-check", methods=["GET", "POST"])
@rule(SITE_ADMIN)
def admin():
    session = get_session()
    instruments = services.instruments(_extra())
    forms = {i: (LicenceForm(prefix=i), TurnOffForm(prefix=f"{i}-off")) for i in instruments}
    if request.method == "POST":
        instrument_id = request.form.get("instrument", "")
        if instrument_id not in forms:
            abort(404)
        on_form, off_form = forms[instrument_id]
        try:
            if off_form.turn_off.data and off_form.validate_on_submit():
                services.turn_off(session, instrument_id)
                message = _("The self-check is switched off; hosts see that it is not available.")
            elif on_form.validate_on_submit():
                services.turn_on(session, instrument_id, current_user.id, bool(on_form.confirm_licence.data),
                                 _extra())
                message = _("The self-check is switched on; your licence confirmation is recorded with every "
                            "stored result.")
            else:
                abort(400)
        except DomainError as exc:
            _show_error(session, on_form, exc)
        else:
            session.commit()
            flash(message, "success")
            return redirect(url_for("wellbeing.admin"))
    rows = [(i, services.switch(session, i.id), services.is_enabled(session, i), *forms[i.id])
            for i in instruments.values()]
    return render_template("wellbeing/admin.html", rows=rows, locale=locale_code())
