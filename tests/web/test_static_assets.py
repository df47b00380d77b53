"""Static files are linked under content-hashed names, cached for a year, and collected for nginx."""

import hashlib
import re

from lms.resources import shipped
from lms.site.assets import collect


def test_pages_link_hashed_names_served_immutable(web):
    page = web.get("/account/login").get_data(as_text=True)
    digest = hashlib.sha256((shipped("static") / "css" / "site.css").read_bytes()).hexdigest()[:12]
    assert f'href="/static/css/site.{digest}.css"' in page
    assert re.search(r'src="/static/js/confirm\.[0-9a-f]{12}\.js"', page)
    r = web.get(f"/static/css/site.{digest}.css")
    assert r.status_code == 200 and r.data == (shipped("static") / "css" / "site.css").read_bytes()
    assert "immutable" in r.headers["Cache-Control"] and "max-age=31536000" in r.headers["Cache-Control"]
    r.close()


def test_an_old_digest_gets_the_current_file_without_the_long_cache(web):
    r = web.get("/static/css/site.000000000000.css")
    assert r.status_code == 200 and b"{" in r.data
    assert "immutable" not in r.headers.get("Cache-Control", "")
    r.close()
    assert web.get("/static/css/nothing.000000000000.css").status_code == 404
    assert web.get("/static/..%2Fpyproject.000000000000.toml").status_code == 404


def test_collect_writes_plain_and_hashed_names(tmp_path):
    names = collect(shipped("static"), tmp_path)
    assert (tmp_path / "css" / "site.css").is_file()
    hashed = [n for n in names if n.startswith("css/site.")]
    assert len(hashed) == 1 and (tmp_path / hashed[0]).read_bytes() == (tmp_path / "css" / "site.css").read_bytes()
