"""The real-name profile: checked, encrypted, masked, consented, downloadable and deletable by its owner."""

import json
import logging

from sqlalchemy import func, select

from lms.accounts.models import ConsentRecord, RealNameProfile
from lms.db import get_session
from tests.conftest import PASSWORD

VALID_ID = "11010519491231002X"
MASKED = "110105********002X"


def fill(web, name="林小美", number=VALID_ID, consent="y"):
    data = {"legal_name": name, "id_number": number}
    if consent:
        data["consent"] = consent
    return web.post("/account/real-name", data)


def logged_in(web, make_user, login="host@example.com"):
    make_user(login)
    web.login(login, PASSWORD)
    return web


def test_saved_encrypted_and_shown_masked(web, app, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    logged_in(web, make_user)
    assert fill(web).status_code == 302
    page = web.get("/account/").get_data(as_text=True)
    assert MASKED in page and VALID_ID not in page and "林小美" in page
    with app.app_context():
        profile = get_session().scalar(select(RealNameProfile))
        assert VALID_ID.encode() not in profile.id_number_ciphertext
        assert profile.id_number_masked == MASKED and len(profile.id_number_hash) == 64
        consent = get_session().scalar(select(ConsentRecord))
        assert consent.purpose == "real_name" and consent.version and consent.withdrawn_at is None
    assert VALID_ID not in caplog.text and "19491231" not in caplog.text


def test_wrong_check_digit_is_refused_on_the_field(web, app, make_user):
    logged_in(web, make_user)
    r = fill(web, number="110105194912310021")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'id="id_number-error"' in html and "a digit is probably mistyped" in html
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(RealNameProfile)) == 0


def test_each_kind_of_bad_number_says_what_is_wrong(web, make_user):
    logged_in(web, make_user)
    cases = {
        "1101051949": "18 characters",
        "11010519491231002A": "digits only",
        "99010519491231002X": "region code",
        "110105194913310021": "real birth date",
        "110105209912310021": "in the future",
    }
    for number, message in cases.items():
        r = fill(web, number=number)
        assert r.status_code == 400 and message in r.get_data(as_text=True), number


def test_consent_is_required(web, app, make_user):
    logged_in(web, make_user)
    r = fill(web, consent=None)
    assert r.status_code == 400 and "agree to the notice" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(ConsentRecord)) == 0


def test_every_problem_is_shown_at_once(web, app, make_user):
    """The missing consent does not hide the wrong check digit, nor a name that is too short."""
    logged_in(web, make_user)
    r = fill(web, name="林", number="110105194912310021", consent=None)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "agree to the notice" in html and "a digit is probably mistyped" in html and "as on your identity card" in html
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(RealNameProfile)) == 0


def test_owner_downloads_everything_including_the_full_number(web, make_user):
    logged_in(web, make_user)
    fill(web)
    r = web.get("/account/my-data.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["real_name"] == {"legal_name": "林小美", "id_number": VALID_ID, "updated_at": data["real_name"]["updated_at"]}
    assert data["account"]["email"] == "host@example.com"
    assert data["consents"][0]["purpose"] == "real_name"


def test_delete_erases_the_profile_and_withdraws_consent(web, app, make_user):
    logged_in(web, make_user)
    fill(web)
    r = web.post("/account/real-name/delete", {}, form_page="/account/")
    assert r.status_code == 302
    assert "Not provided" in web.get("/account/").get_data(as_text=True)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(RealNameProfile)) == 0
        assert session.scalar(select(ConsentRecord.withdrawn_at)) is not None
    # The number is free again after deletion.
    assert fill(web).status_code == 302


def test_real_name_pages_need_login(web):
    for url in ("/account/real-name", "/account/my-data.json"):
        r = web.get(url)
        assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_changing_only_the_name_keeps_the_number_on_file(web, app, make_user):
    logged_in(web, make_user)
    r = web.post("/account/real-name", {"legal_name": "林小美", "id_number": "", "consent": "y"})
    assert r.status_code == 400 and "This field is required" in r.get_data(as_text=True)  # nothing on file yet
    assert fill(web).status_code == 302
    page = web.get("/account/real-name").get_data(as_text=True)
    assert f"Leave empty to keep {MASKED}" in page and VALID_ID not in page
    assert web.post("/account/real-name", {"legal_name": "林晓美", "id_number": "", "consent": "y"}).status_code == 302
    with app.app_context():
        profile = get_session().scalar(select(RealNameProfile))
        assert profile.legal_name == "林晓美" and profile.id_number_masked == MASKED
