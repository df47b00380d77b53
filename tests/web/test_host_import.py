"""An MCN's org admin imports hosts from CSV/XLSX: preview (nothing written), confirm (all or nothing), result."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.accounts.models import ConsentRecord, PasswordResetToken, RealNameProfile, User
from lms.certificates.services import completion
from lms.cohorts.models import Cohort, CohortMember
from lms.db import get_session
from lms.learning.models import Enrollment
from lms.mail.models import OutboxMessage
from lms.orgs import hostimport
from lms.orgs import services as orgs
from lms.orgs.models import Membership, Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

ID_A = "110105199003071239"
ID_B = "440306199511114569"
URL = "/orgs/mcn-a/hosts/import"

GOOD_CSV = (
    "昵称,手机号,邮箱,真实姓名,身份证号\n"
    f"小美,,mei@example.com,王美丽,{ID_A}\n"
    "阿杰,13900139000,,,\n"
    "坏号码,12345,,,\n"
)


@pytest.fixture
def mcn(app, example, make_user):  # noqa: F811
    for login in ("admin@example.com", "trainer@example.com", "host@example.com", "otheradmin@example.com",
                  "elsewhere@example.com"):  # fmt: skip
        make_user(login, login.split("@")[0])
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.scalars(select(User))}
        a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        orgs.add_member(session, org=a, user=users["admin@example.com"], role=Role.ORG_ADMIN)
        orgs.add_member(session, org=a, user=users["trainer@example.com"], role=Role.TRAINER)
        orgs.add_member(session, org=a, user=users["host@example.com"], role=Role.LEARNER)
        orgs.add_member(session, org=b, user=users["otheradmin@example.com"], role=Role.ORG_ADMIN)
        session.commit()
    admin = Browserish(app.test_client())
    admin.login("admin@example.com", PASSWORD)
    return admin


def users(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User))


def upload(web, data: bytes, filename: str = "hosts.csv", cohort: str = ""):
    return web.post(URL, {"file": (io.BytesIO(data), filename), "cohort": cohort})


def payload_of(html: str) -> str:
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


def confirm(web, html: str, action: str = "confirm"):
    return web.post(URL + "/confirm", {"payload": payload_of(html), "action": action}, form_page=URL)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_preview_lists_rows_masks_ids_and_writes_nothing(app, mcn):
    before = users(app)
    page = mcn.get(URL).get_data(as_text=True)
    assert "Download the template" in page and "Import hosts" in page
    r = upload(mcn, GOOD_CSV.encode("utf-8"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "2 rows will be created, 1 rows have problems and will be skipped." in html
    assert "小美" in html and "mei@example.com" in html and "13900139000" in html and "王美丽" in html
    assert "110105********1239" in html and ID_A not in html
    assert ID_A not in payload_of(html) and "王美丽" not in payload_of(html)  # encrypted, not only signed
    assert re.search(r"<td[^>]*>4</td><td[^>]*>坏号码</td><td[^>]*>Mobile number</td>"
                     r"<td[^>]*>“12345” is not an 11-digit", html)  # fmt: skip
    assert users(app) == before


def test_confirm_creates_exactly_the_good_rows_with_cohort_and_real_name(app, mcn):
    today = date.today()
    mcn.post("/orgs/mcn-a/cohorts", {"name": "新主播班", "starts_on": today.isoformat(),
                                     "ends_on": (today + timedelta(days=30)).isoformat()})  # fmt: skip
    with app.app_context():
        cohort_id = get_session().scalar(select(Cohort.id))
    mcn.post(f"/orgs/mcn-a/cohorts/{cohort_id}", {"action": "course", "course": "first-live-room",
                                                  "deadline": (today + timedelta(days=9)).isoformat()})  # fmt: skip
    before = users(app)
    preview = upload(mcn, GOOD_CSV.encode("utf-8"), cohort=str(cohort_id)).get_data(as_text=True)
    assert "cohort: 新主播班" in preview
    r = confirm(mcn, preview)
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "Hosts created: 2." in html and "Rows skipped: 1." in html and "坏号码" in html
    assert users(app) == before + 2
    # The phone-only host's link is shown once; the email host's was mailed.
    links = re.findall(r"http://[^<\s]+/account/reset/[\w-]+", html)
    assert len(links) == 1 and "stays on the list of links still to hand over" in html
    sheet = html.split('class="print-sheet"')[1].split("</section>")[0]  # a printable slip: name and QR of the link
    assert sheet.count("<svg") == 1 and "class=\"qr\"" in sheet and "阿杰" in sheet and "Printable sheet" in html
    assert slip_shows_no_link_text(sheet)
    with app.app_context():
        session = get_session()
        mei = session.scalar(select(User).where(User.email == "mei@example.com"))
        jie = session.scalar(select(User).where(User.phone == "13900139000"))
        assert session.scalar(select(User).where(User.display_name == "坏号码")) is None
        for host in (mei, jie):
            assert session.scalar(select(Membership.role).where(Membership.user_id == host.id)) == Role.LEARNER
            assert session.scalar(select(CohortMember).where(CohortMember.user_id == host.id)) is not None
            enrolment = session.scalar(select(Enrollment).where(Enrollment.user_id == host.id))
            assert enrolment is not None
        profile = session.get(RealNameProfile, mei.id)
        assert profile.legal_name == "王美丽" and profile.id_number_masked == "110105********1239"
        assert ID_A.encode() not in profile.id_number_ciphertext and not profile.confirmed
        assert session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == mei.id)) is None
        enrolment = session.scalar(select(Enrollment).where(Enrollment.user_id == mei.id))
        assert completion(session, enrolment).has_real_name is False  # not on a certificate before consent
        assert session.scalar(select(func.count()).select_from(PasswordResetToken)) == 2
        mail = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "mei@example.com"))
        assert "MCN A" in mail.body and "7 days" in mail.body
    # The same payload again: the accounts now exist, nothing more is written.
    again = confirm(mcn, preview)
    assert again.status_code == 409 and "nothing was imported" in again.get_data(as_text=True)
    assert "is already in use, so no new account is made for it" in again.get_data(as_text=True)
    assert users(app) == before + 2


def test_email_host_sets_password_from_the_mail_logs_in_and_confirms_real_name(app, mcn, web):
    confirm(mcn, upload(mcn, GOOD_CSV.encode("utf-8")).get_data(as_text=True))
    with app.app_context():
        body = get_session().scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == "mei@example.com"))
    link = re.search(r"http://[^\s]+/account/reset/[\w-]+", body).group(0)
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]
    assert web.login("mei@example.com", "whatever password").status_code == 200  # no usable password yet
    welcome = web.get(path).get_data(as_text=True)
    assert "Set your password" in welcome and "Welcome, 小美" in welcome
    r = web.post(path, {"password": "new secret 123"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    # Logged in at once, and taken straight to the data the organisation supplied.
    assert "Your password is set and you are logged in" in page and "Check it and confirm it" in page
    assert "Provided by MCN A" in page and "110105********1239" in page and ID_A not in page
    assert web.post(path, {"password": "another one 456"}).status_code == 400  # single use
    web.logout()
    relogin = web.login("mei@example.com", "new secret 123")
    assert relogin.status_code == 302 and relogin.headers["Location"].endswith("/account/real-name")
    refused = web.post("/account/real-name/confirm", {}, form_page="/account/real-name")
    assert refused.status_code == 400 and "agree to the notice" in refused.get_data(as_text=True)
    assert web.post("/account/real-name/confirm", {"consent": "y"}, form_page="/account/real-name").status_code == 302
    with app.app_context():
        session = get_session()
        mei = session.scalar(select(User).where(User.email == "mei@example.com"))
        assert mei.real_name.confirmed and session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == mei.id))


def test_cancel_writes_nothing(app, mcn):
    before = users(app)
    preview = upload(mcn, GOOD_CSV.encode("utf-8")).get_data(as_text=True)
    r = confirm(mcn, preview, action="cancel")
    assert r.status_code == 302
    assert "nothing was saved" in mcn.get(r.headers["Location"]).get_data(as_text=True)
    assert users(app) == before
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(app, mcn, encoding):
    data = " 昵称 ,手机号,EMAIL\n小林,13800138001,\n小雨,,yu@example.com\n".encode(encoding)
    html = upload(mcn, data).get_data(as_text=True)
    assert "2 rows will be created, 0 rows have problems" in html and "小林" in html and "小雨" in html


def test_xlsx_with_english_headers(app, mcn):
    data = xlsx([["Name", "Phone", "Legal_Name", "ID Number"], ["Lin", "138 0013 8002", "林一", ID_B]])
    html = upload(mcn, data, "hosts.xlsx").get_data(as_text=True)
    assert "1 rows will be created, 0 rows have problems" in html and "13800138002" in html
    assert "440306********4569" in html and ID_B not in html


def test_row_problems_are_named(app, mcn):
    data = (
        "姓名,手机号,邮箱,真实姓名,身份证号\n"
        ",13800138003,,,\n"                       # 2: no name
        "甲,,,,\n"                                 # 3: no contact
        "乙,,not-an-email,,\n"                     # 4: bad email
        "丙,13800138004,,张三,110105199003071230\n"  # 5: check digit
        "丁,13800138005,,李四,\n"                  # 6: legal name without ID
        "戊,13800138004,,,\n"                      # 7: duplicate of row 5
        "己,,host@example.com,,\n"                 # 8: already a member
        "庚,,elsewhere@example.com,,\n"            # 9: exists elsewhere: the same answer
    ).encode()
    html = upload(mcn, data).get_data(as_text=True)
    assert "0 rows will be created, 8 rows have problems" in html and "No row can be imported" in html
    for row, message in [
        (2, "The name is empty."),
        (3, "Give a mobile number or an email address"),
        (4, "“not-an-email” is not a valid email address."),
        (5, "The last character does not match the others"),
        (6, "A legal name needs the ID number too."),
        (7, "Same as row 5 of this file."),
        (8, "host@example.com is already in use, so no new account is made for it."),
        (9, "elsewhere@example.com is already in use, so no new account is made for it."),
    ]:
        assert re.search(rf"<td[^>]*>{row}</td>.*?{re.escape(message)}", html), (row, message)
    assert "110105199003071230" not in html


def test_wrong_columns_and_empty_file(app, mcn):
    r = upload(mcn, "手机,备注\n13800138000,x\n".encode())
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "The file lacks the column 昵称 / name. Columns found: 手机, 备注." in html
    r = upload(mcn, b"")
    assert r.status_code == 400 and "The file has no host rows." in r.get_data(as_text=True)


def test_tampered_and_expired_payload_are_refused(app, mcn, monkeypatch):
    before = users(app)
    preview = upload(mcn, GOOD_CSV.encode()).get_data(as_text=True)
    token = payload_of(preview)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    r = mcn.post(URL + "/confirm", {"payload": tampered, "action": "confirm"}, form_page=URL)
    assert r.status_code == 400 and "was altered or is incomplete" in r.get_data(as_text=True)
    monkeypatch.setattr(hostimport, "PAYLOAD_MINUTES", -1)  # every preview is now too old
    r = mcn.post(URL + "/confirm", {"payload": token, "action": "confirm"}, form_page=URL)
    assert r.status_code == 400 and "Upload the file again" in r.get_data(as_text=True)
    assert "This preview is more than" in r.get_data(as_text=True)
    assert users(app) == before


def test_expired_payload_message(app, mcn):
    with app.app_context():
        cipher = app.extensions["lms.pii"]
        token = hostimport.seal(app.config["SECRET_KEY"], cipher, org_id=1, admin_id=1, cohort_id=None, rows=[],
                                skipped=[])  # fmt: skip
        with pytest.raises(hostimport.PayloadInvalid, match="more than"):
            import time

            time.sleep(1.1)
            hostimport.unseal(app.config["SECRET_KEY"], cipher, token, org_id=1, admin_id=1, max_age=0)
        with pytest.raises(hostimport.PayloadInvalid, match="altered"):  # another org's admin
            hostimport.unseal(app.config["SECRET_KEY"], cipher, token, org_id=2, admin_id=1)


@pytest.mark.parametrize("login", ["trainer@example.com", "host@example.com", "otheradmin@example.com"])
def test_only_the_org_admin_may_import(app, mcn, login):
    web = Browserish(app.test_client())
    web.login(login, PASSWORD)
    before = users(app)
    refused = 404 if login == "otheradmin@example.com" else 403  # a non-member: as if MCN A did not exist
    assert web.get(URL).status_code == refused
    assert web.get(URL + "/template.csv").status_code == refused
    r = web.post(URL, {"file": (io.BytesIO(GOOD_CSV.encode()), "h.csv")}, form_page="/account/")
    assert r.status_code == refused and "小美" not in r.get_data(as_text=True)
    assert users(app) == before


def test_template_and_links(app, mcn):
    r = mcn.get(URL + "/template.csv")
    assert r.data.decode("utf-8-sig").splitlines()[0] == "昵称,手机号,邮箱,真实姓名,身份证号"
    assert "/orgs/mcn-a/hosts/import" in mcn.get("/orgs/mcn-a/").get_data(as_text=True)
    assert "/orgs/mcn-a/hosts/import" in mcn.get("/orgs/mcn-a/cohorts").get_data(as_text=True)


def test_each_confirmed_import_is_recorded_for_the_organisation(app, mcn):
    assert "Earlier imports" not in mcn.get(URL).get_data(as_text=True)
    confirm(mcn, upload(mcn, GOOD_CSV.encode("utf-8"), filename="十一月新人.csv").get_data(as_text=True))
    page = mcn.get(URL).get_data(as_text=True)
    section = page[page.index("Earlier imports"):]
    assert "十一月新人.csv" in section and "admin" in section
    assert re.search(r"Created\">2<", section) and re.search(r"Skipped\">1<", section)
    other = "昵称,邮箱\n新人,new@example.com\n"
    cancelled = upload(mcn, other.encode("utf-8"), filename="cancelled.csv").get_data(as_text=True)
    confirm(mcn, cancelled, action="cancel")
    assert "cancelled.csv" not in mcn.get(URL).get_data(as_text=True)  # only confirmed imports are recorded
    # Each import lists the accounts it created, by the file's row, and whether they have chosen a password.
    detail_url = re.search(r'href="(/orgs/mcn-a/hosts/imports/\d+)">十一月新人.csv<', page).group(1)
    detail = mcn.get(detail_url).get_data(as_text=True)
    rows = re.findall(r'Row">(\d+)</td><td data-label="Name">([^<]+)</td>', detail)
    assert rows == [("2", "小美"), ("3", "阿杰")] and detail.count("not chosen yet") == 2
    other_admin = Browserish(app.test_client())
    other_admin.login("otheradmin@example.com", PASSWORD)
    assert other_admin.get(detail_url).status_code == 404
    assert other_admin.get(detail_url.replace("mcn-a", "mcn-b")).status_code == 404  # not an import of theirs


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_lost_first_link_is_replaced_by_the_org_admin(app, mcn, web, make_user):
    result = confirm(mcn, upload(mcn, GOOD_CSV.encode("utf-8")).get_data(as_text=True)).get_data(as_text=True)
    (first,) = re.findall(r"http://[^<\s]+/account/reset/[\w-]+", result)
    with app.app_context():
        session = get_session()
        jie = session.scalar(select(User.id).where(User.phone == "13900139000"))
        mei = session.scalar(select(User.id).where(User.email == "mei@example.com"))
        host = session.scalar(select(User.id).where(User.email == "host@example.com"))
        trainer = session.scalar(select(User.id).where(User.email == "trainer@example.com"))
    page = mcn.get("/orgs/mcn-a/").get_data(as_text=True)
    assert page.count("not chosen yet") == 2 and page.count(">New set-password link<") == 2
    # A phone-only host: a new link to hand over, shown once; the first one stops working.
    r = mcn.post(f"/orgs/mcn-a/members/{jie}/set-password-link", {}, form_page="/orgs/mcn-a/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store" and "阿杰" in html
    (second,) = re.findall(r"http://[^<\s]+/account/reset/[\w-]+", html)
    assert second != first
    # A dead link's page has no form: the token is a page's that has one.
    assert web.post(path_of(first), {"password": "secret from the old link"},
                    form_page="/account/login").status_code == 400
    assert web.post(path_of(second), {"password": "new secret 123"}).status_code == 302
    assert "Hello, 阿杰" in web.get("/").get_data(as_text=True)  # logged in by setting the password
    web.logout()
    assert web.login("13900139000", "new secret 123").status_code == 302
    # Once the host has chosen a password, nobody else may set it, and the page says so.
    r = mcn.post(f"/orgs/mcn-a/members/{jie}/set-password-link", {}, form_page="/orgs/mcn-a/", follow_redirects=True)
    assert "has already chosen a password" in r.get_data(as_text=True)
    r = mcn.post(f"/orgs/mcn-a/members/{host}/set-password-link", {}, form_page="/orgs/mcn-a/", follow_redirects=True)
    assert "has already chosen a password" in r.get_data(as_text=True)
    # An email host gets the new link by mail, not on the page.
    r = mcn.post(f"/orgs/mcn-a/members/{mei}/set-password-link", {}, form_page="/orgs/mcn-a/", follow_redirects=True)
    assert "sent to mei@example.com" in r.get_data(as_text=True) and "/account/reset/" not in r.get_data(as_text=True)
    with app.app_context():
        mails = get_session().scalars(select(OutboxMessage).where(OutboxMessage.recipient == "mei@example.com")).all()
        assert len(mails) == 2
    # Not a learner of this organisation, or not the org admin: nothing happens.
    assert mcn.post(f"/orgs/mcn-a/members/{trainer}/set-password-link", {}, form_page="/orgs/mcn-a/").status_code == 404
    other = Browserish(app.test_client())
    other.login("otheradmin@example.com", PASSWORD)
    assert other.post(f"/orgs/mcn-a/members/{mei}/set-password-link", {}, form_page="/").status_code == 404
    assert other.post(f"/orgs/mcn-b/members/{mei}/set-password-link", {}, form_page="/").status_code == 404


def test_an_import_says_nothing_about_another_organisations_members(app, mcn):
    """A login of this organisation's member and one of another organisation's admin get one and the same answer,
    which names no organisation (issue 14 §6)."""
    data = "昵称,手机号,邮箱\n甲,,host@example.com\n乙,,otheradmin@example.com\n".encode()
    html = upload(mcn, data).get_data(as_text=True)
    answers = [re.search(rf"<td[^>]*>{row}</td>.*?<td[^>]*>Account</td><td[^>]*>(.*?)</td>", html, re.S).group(1)
               for row in (2, 3)]  # fmt: skip
    assert answers[0].replace("host@example.com", "X") == answers[1].replace("otheradmin@example.com", "X")
    assert "organisation." not in answers[1] and "on the site" not in answers[1] and "member" not in answers[1]


def slip_shows_no_link_text(sheet: str) -> bool:
    """The slip holds the QR code only: no link text besides it, no script or inline style."""
    return "<script" not in sheet and "style=" not in sheet and "/account/reset/" not in sheet
