"""The organisation's setting "trainers may import hosts", and the first set-password links still waiting to be
used: a printable sheet of QR codes and a CSV/XLSX download, for the whole organisation or one import."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms import spreadsheets
from lms.bounds import whole_number
from lms.cohorts.export import attachment
from lms.db import get_session
from lms.orgs import bp, firstlinks, services
from lms.orgs.forms import OrgSettingsForm
from lms.orgs.hostimport import SET_PASSWORD_DAYS, get_import
from lms.orgs.hostimport_views import ADMINS, IMPORTERS, qr_svg
from lms.security.access import rule


@bp.post("/orgs/<org_slug>/settings")
@rule(ADMINS)
def settings(org_slug: str):
    form = OrgSettingsForm()
    if form.validate_on_submit():
        services.set_trainers_import_hosts(get_session(), g.org, bool(form.trainers_import_hosts.data))
        get_session().commit()
        flash(_("Settings saved: trainers may import hosts.") if g.org.trainers_import_hosts
              else _("Settings saved: only organisation admins import hosts."), "success")  # fmt: skip
    return redirect(url_for("orgs.organisation", org_slug=org_slug) + "#settings")


def _pending():
    """The pending links of the organisation, or of the import named by ``?import=`` (404 if not this org's)."""
    session = get_session()
    import_id = whole_number(request.args.get("import", ""))
    record = get_import(session, g.org.id, import_id) if import_id is not None else None
    links = firstlinks.pending(session, current_app.extensions["lms.pii"], g.org.id,
                               import_id=record.id if record else None)  # fmt: skip
    return record, links


@bp.get("/orgs/<org_slug>/hosts/first-links")
@rule(IMPORTERS)
def first_links(org_slug: str):
    record, links = _pending()
    response = Response(render_template("orgs/first_links.html", org=g.org, record=record, links=links,
                                        qr_svg=qr_svg, days=SET_PASSWORD_DAYS))  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/orgs/<org_slug>/hosts/first-links.<any(csv, xlsx):fmt>")
@rule(IMPORTERS)
def first_links_download(org_slug: str, fmt: str):
    record, links = _pending()
    body = firstlinks.download(links, fmt, _("Set-password links"))
    suffix = f"-{record.id}" if record else ""
    name = _("%(org)s set-password links", org=g.org.name) + f"{suffix}.{fmt}"
    return Response(body, mimetype=spreadsheets.MIMETYPES[fmt],
                    headers={"Content-Disposition": attachment(name, f"first-links{suffix}.{fmt}"),
                             "Cache-Control": "no-store"})  # fmt: skip
