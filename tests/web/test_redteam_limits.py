"""Red-team findings on size, depth and range limits: a hostile body gets a clear 4xx, never a 500."""


def test_script_check_api_refuses_deeply_nested_json_with_a_400(app):
    """Finding: POST /api/v1/script/check parsed its body with plain json.loads, so a few KB of "[" (well under
    the 256 KB limit) raised RecursionError and answered 500. Now it is bounded like every other JSON body."""
    client = app.test_client()
    for body in ("[" * 50_000, '{"text": ' + "[" * 3_000 + "]" * 3_000 + "}"):
        r = client.post("/api/v1/script/check", data=body, content_type="application/json")
        assert r.status_code == 400, r.status_code
        detail = r.get_json()["error"]["detail"]
        assert detail.startswith("the body must be JSON") and "levels deep" in detail
    ok = client.post("/api/v1/script/check", json={"text": "全网最好用的口红", "category": "beauty"})
    assert ok.status_code == 200 and ok.get_json()["findings"][0]["text"] == "全网最好用"


def sparse_xlsx(rows: list[list[str]], dimension: str) -> bytes:
    """A small workbook whose sheet claims the ``dimension`` it likes (Excel's maximum is A1:XFD1048576)."""
    import io
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{text}</t></is></c>'
                                   for c, text in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1))  # fmt: skip
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><dimension ref="{dimension}"/><sheetData>{cells}'
        "</sheetData></worksheet>",
    }  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return out.getvalue()


def test_an_xlsx_claiming_excels_whole_grid_is_read_as_the_rows_it_holds(app):
    """Finding: openpyxl pads a read-only sheet to the size its <dimension> claims, so a 1.5 KB workbook saying
    A1:XFD1048576 became a million rows of 16,384 empty cells, each scanned for content: about 13 minutes of CPU
    per upload of a bulk check or host import (the unpacked-size limit does not see it). Now the claim is ignored
    and only the rows and cells in the file are read."""
    from lms.bureau.xlsxfile import first_sheet

    data = sparse_xlsx([["昵称", "手机号"], ["小美", "13900139000"]], "A1:XFD1048576")
    assert len(data) < 2_000
    with first_sheet(data) as sheet:
        read = [(line, tuple(cells)) for line, cells in sheet.records]
    assert read == [(1, ("昵称", "手机号")), (2, ("小美", "13900139000"))]


def test_a_saved_script_number_that_is_no_number_is_a_404_not_a_500(app, make_user):
    """Finding: the script-check page read ?saved= and the hidden script_id with str.isdigit() and int(), so
    "²" (a digit to isdigit, not to int) or a number past the database's integers answered 500 (PostgreSQL: 503,
    "the database is unavailable"). Now they are bounded whole numbers: not a saved script of yours, 404."""
    from sqlalchemy import select

    from lms.db import get_session
    from lms.scriptcheck.models import SavedScript
    from tests.conftest import PASSWORD, Browserish

    make_user("host@example.com")
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    for raw in ("999999", "²", "99999999999999999999"):
        assert web.get("/script-check/?saved=" + raw).status_code == 404, raw
    r = web.post("/script-check/", {"script": "全网最好用", "category": "general", "title": "t", "script_id": "²",
                                    "save": "y"})  # fmt: skip
    assert r.status_code == 200 and "Saved. Only you can see your saved scripts." in r.get_data(as_text=True)
    with app.app_context():
        assert [s.title for s in get_session().scalars(select(SavedScript))] == ["t"]


def test_a_nul_character_in_a_query_or_form_is_a_400_not_database_unavailable(app, make_user):
    """Finding: PostgreSQL refuses text holding NUL, and fields read straight from the request (the catalogue's
    search, a cohort's name) reached it: anyone could make /courses/?q=%00 answer 503 "database unavailable" (and
    log it as an outage). Now a NUL anywhere in the query or form is refused first, with a clear 400."""
    from tests.conftest import PASSWORD, Browserish

    web = Browserish(app.test_client())
    r = web.get("/courses/?q=a%00b")
    assert r.status_code == 400 and "not valid text" in r.get_data(as_text=True)
    assert web.get("/courses/?q=ab").status_code == 200
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    r = web.post("/script-check/", {"script": "a\x00b", "category": "general"})
    assert r.status_code == 400 and "not valid text" in r.get_data(as_text=True)
    api = app.test_client().get("/api/v1/log/entries?start=0%00&end=1", headers={"Accept-Language": "en"})
    assert api.status_code == 400 and "not valid text" in api.get_json()["error"]["detail"]


def test_a_jwt_with_a_deeply_nested_payload_is_refused_by_the_bounds_not_by_a_recursion_error(app):
    """Finding: the other-issuer check decoded a JWT's header and payload with plain json.loads, so a payload of a
    few KB of "[" hit Python's recursion limit; the catch-all answered "could not be checked: RecursionError:
    maximum recursion depth exceeded…". Now JWT parts are read with the same bounds as every credential."""
    import base64

    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    jwt = ".".join([part(b'{"alg":"EdDSA"}'), part(b"[" * 5_000), "c2ln"])
    r = app.test_client().post("/api/v1/verify", data=jwt, content_type="application/jwt",
                               headers={"Accept-Language": "en"})  # fmt: skip
    assert r.status_code == 200
    report = r.get_json()
    assert report["state"] == "failed"
    signature = next(c for c in report["checks"] if c["check"] == "signature")
    assert "RecursionError" not in signature["detail"] and "levels deep" in signature["detail"]
