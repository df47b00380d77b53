"""Red-team findings on the bureaus' bulk check: it must not become a way to recover a holder's 身份证号."""

import json

from lms.accounts import idcard
from tests.web.test_bureau import registry, verifier  # noqa: F401 - fixtures
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture


def guess(birth: str) -> str:
    """A well-formed number with the holder's region and last four characters but another birth date."""
    first17 = VALID_ID[:6] + birth + VALID_ID[14:17]
    return first17 + idcard.check_character(first17)


def test_one_file_tries_only_a_few_id_numbers_per_certificate(app, registry, verifier):  # noqa: F811
    """Finding: a bulk check compared every row's ID number with the holder's, and a file may have 100,000 rows:
    with a certificate's public number, name and last four characters, a bureau token could try every birth
    date (and region) in a few requests and learn the holder's full number, which bureaus may otherwise see only
    for consenting hosts of submitted cohorts. Now one file compares at most three different ID numbers per
    certificate; further rows say the ID number was not checked (the same number twice counts once)."""
    page = verifier.post("/bureau/city-bureau/tokens", {"name": "市人社局业务系统"}).get_data(as_text=True)
    secret = page.split('readonly value="')[1].split('"')[0]
    number = registry["valid"]
    births = ["19500101", "19500102", "19500103", "19500104"]
    body = [{"number": number, "name": "林小美", "id_number": guess(b)} for b in births]
    body.insert(1, dict(body[0]))  # the same wrong number again: not a further try
    body.append({"number": number, "name": "林小美", "id_number": VALID_ID})
    r = app.test_client().post("/api/v1/verify/bulk", json=body, headers={"Authorization": f"Bearer {secret}",
                                                                           "Accept-Language": "en"})  # fmt: skip
    assert r.status_code == 200
    results = json.loads(r.data)
    assert [x["result"] for x in results] == ["id_mismatch"] * 4 + ["malformed"] * 2
    assert results[-1]["detail"] == "ID number not checked: one file can try at most 3 ID numbers per certificate"
    alone = app.test_client().post("/api/v1/verify/bulk", json=body[-1:], headers={"Authorization": f"Bearer {secret}"})
    assert [x["result"] for x in json.loads(alone.data)] == ["valid"]
