"""An org admin's import of 2,000 hosts (the file limit) through the real pages: the preview (parse, check every
account, seal), then the confirm (create every account, membership, cohort enrolment and set-password link); against
reading the same CSV with csv.reader and against one request to the upload page."""

import csv
import io
import re
import time

from _common import make_app

from lms.accounts.services import register_user
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role

ROWS = 2000
PASSWORD = "bench password 2026"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def ident(n: int) -> str:
    base = f"110105{1980 + n % 20}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    weights, codes = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], "10X98765432"
    return base + codes[sum(int(d) * w for d, w in zip(base, weights)) % 11]


def main() -> None:
    app, url = make_app()
    app.config["LMS"].base_url = "http://localhost"
    with app.app_context():
        session = get_session()
        admin = register_user(session, display_name="管理员", login="admin@bench.example.com", password=PASSWORD)
        org = orgs.create_organisation(session, name="Bench MCN", slug="bench-mcn", kind="mcn")
        orgs.add_member(session, org=org, user=admin, role=Role.ORG_ADMIN)
        session.commit()
    lines = ["昵称,手机号,邮箱,真实姓名,身份证号"]
    for n in range(ROWS):
        if n % 2:
            lines.append(f"主播{n},139{n:08d},,,")
        else:
            lines.append(f"主播{n},,host{n}@bench.example.com,王{n},{ident(n)}")
    data = ("\n".join(lines) + "\n").encode("utf-8-sig")
    print(f"{ROWS} rows, {len(data) // 1024} KB CSV, half with email and ID number; database {url.split(':')[0]}")

    start = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    baseline = time.perf_counter() - start
    print(f"{'csv.reader over the file':<44} {baseline * 1e3:8.2f} ms  ({len(rows) - 1} rows)")

    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    client.post("/account/login", data={"login": "admin@bench.example.com", "password": PASSWORD,
                                        "csrf_token": TOKEN.search(page).group(1)})  # fmt: skip
    start = time.perf_counter()
    upload = client.get("/orgs/bench-mcn/hosts/import").get_data(as_text=True)
    page_time = time.perf_counter() - start
    print(f"{'GET the upload page':<44} {page_time * 1e3:8.2f} ms")
    token = TOKEN.search(upload).group(1)
    start = time.perf_counter()
    preview = client.post("/orgs/bench-mcn/hosts/import", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(data), "hosts.csv")})  # fmt: skip
    preview_time = time.perf_counter() - start
    html = preview.get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    print(f"{'preview (parse, check, seal, render)':<44} {preview_time * 1e3:8.2f} ms  "
          f"(page {len(html) // 1024} KB, payload {len(payload) // 1024} KB)")
    start = time.perf_counter()
    result = client.post("/orgs/bench-mcn/hosts/import/confirm",
                         data={"csrf_token": token, "payload": payload, "action": "confirm"})  # fmt: skip
    confirm_time = time.perf_counter() - start
    assert result.status_code == 200, result.status_code
    print(f"{'confirm (create 2,000 hosts, mails queued)':<44} {confirm_time * 1e3:8.2f} ms")
    print(f"preview costs {preview_time / baseline:.0f}x csv.reader and {preview_time / page_time:.0f}x the upload "
          f"page; confirm {confirm_time / page_time:.0f}x the upload page")


if __name__ == "__main__":
    main()
