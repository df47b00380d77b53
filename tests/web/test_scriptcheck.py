"""The script check in the browser and by API: what the host sees, saving (only the owner sees it), privacy
(nothing stored without saving; counts hold no text), organisation rules, and the API's JSON and limits."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys

import docx
import jsonschema
import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import OrgKind, Role
from lms.scriptcheck.models import OrgScriptRule, SavedScript, ScriptFindingCount
from tests.conftest import PASSWORD, ROOT, Browserish
from tests.web.test_catalogue import sync

SCRIPT = "这是全网最好用的面霜，没有之一\n原价399，今天直播间只要99\n想便宜的加我微信私下转账"
CLEAN = "这款面霜质地偏滋润，适合秋冬干皮用\n今天直播间到手99元，活动规则在详情页\n喜欢的直接在小黄车下单"


@pytest.fixture
def agency(app, make_user):
    """MCN A with a host, a trainer and a host of MCN B; the ads-claims course in the catalogue."""
    ids = {role: make_user(f"{role}@example.com", name=role) for role in ("host", "trainer", "other")}
    with app.app_context():
        session = get_session()
        a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind=OrgKind.MCN.value)
        b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind=OrgKind.MCN.value)
        orgs.add_member(session, org=a, user=session.get(User, ids["host"]), role=Role.LEARNER)
        orgs.add_member(session, org=a, user=session.get(User, ids["trainer"]), role=Role.TRAINER)
        orgs.add_member(session, org=b, user=session.get(User, ids["other"]), role=Role.LEARNER)
        session.commit()
        ids["org_a"], ids["org_b"] = a.id, b.id
    return ids


@pytest.fixture
def ads_course(app, tmp_path):
    root = tmp_path / "catalogue"
    shutil.copytree(ROOT / "courses" / "reg-ads-claims", root / "reg-ads-claims")
    sync(app, root)


def logged_in(app, login: str, language: str = "zh-CN") -> Browserish:
    web = Browserish(app.test_client(), language=language)
    assert web.login(login, PASSWORD).status_code == 302
    return web


def check(web, text, category="beauty", **extra):
    return web.post("/script-check/", {"script": text, "category": category, "check": "1", **extra})


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_host_sees_each_risky_span_with_law_article_lesson_and_rewrite(app, agency, ads_course):
    web = logged_in(app, "host@example.com")
    page = check(web, SCRIPT).get_data(as_text=True)
    assert "3 处违规，1 处需核实" in page
    assert '<mark class="sev-violation">全网最好用</mark><a class="mark-tag" href="#finding-1">[1 违规]</a>' in page
    assert '<mark class="sev-check">原价399，今天</mark><a class="mark-tag" href="#finding-2">[2 需核实]</a>' in page
    assert '<mark class="sev-violation">加我微信</mark><a class="mark-tag" href="#finding-3">[3 违规]</a>' in page
    assert '<mark class="sev-violation">私下转账</mark>' in page
    assert "《中华人民共和国广告法》第九条第（三）项" in page
    assert "《明码标价和禁止价格欺诈规定》第十六条第二款" in page
    assert 'href="/courses/reg-ads-claims/lessons/absolute-terms"' in page  # the lesson that teaches 第九条
    assert "别这样说：</strong> “全网最好用”" in page
    assert "可以这样说：" in page and "这款面霜质地偏滋润，适合秋冬干皮用" in page
    assert "工具无法判断" in page
    # the script stays in the box to edit and check again
    assert "想便宜的加我微信私下转账</textarea>" in page


def test_a_clean_script_says_what_was_checked_and_what_the_tool_cannot_judge(app, agency):
    web = logged_in(app, "host@example.com")
    page = check(web, CLEAN).get_data(as_text=True)
    assert "没有发现问题" in page and "<mark" not in page
    assert "绝对化用语" in page and "平台外私下交易" in page
    assert "价格、原价、销量、奖项和效果是否属实" in page


def test_english_page_and_bad_input_named_at_the_field(app, agency):
    web = logged_in(app, "host@example.com", language="en")
    page = check(web, "   ").get_data(as_text=True)
    assert "Paste a script or upload a file to check." in page and "<mark" not in page
    page = check(web, "最好" * 10_001).get_data(as_text=True)
    assert "The script has 20002 characters; at most 20000 can be checked at once." in page
    page = check(web, SCRIPT, category="toys").get_data(as_text=True)
    assert "Not a valid choice." in page


def test_the_english_page_explains_each_finding_in_english(app, agency):
    english = check(logged_in(app, "host@example.com", language="en"), SCRIPT).get_data(as_text=True)
    assert "<strong>Why:</strong> Article 9(3) of the Advertising Law bans terms such as" in english
    assert "Every platform&#39;s rules forbid steering buyers to trade privately" in english
    assert "《广告法》第九条第（三）项禁止" not in english  # not the Chinese explanation
    assert "这款面霜质地偏滋润" in english  # the rewrites stay Chinese: they are what to say on air
    chinese = check(logged_in(app, "trainer@example.com"), SCRIPT).get_data(as_text=True)
    assert "《广告法》第九条第（三）项禁止" in chinese and "Advertising Law bans" not in chinese


def test_upload_txt_and_docx_land_in_the_box_and_are_checked(app, agency):
    web = logged_in(app, "host@example.com", language="en")
    page = web.post("/script-check/", {"script": "", "category": "food", "check": "1",
                                       "upload": (io.BytesIO("这是国家指定的特供茶".encode("gb18030")), "s.txt")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert '<mark class="sev-violation">国家指定的特供</mark>' in page and "这是国家指定的特供茶</textarea>" in page
    document = docx.Document()
    document.add_paragraph("开场白")
    document.add_paragraph("加盟我们稳赚不赔")
    buffer = io.BytesIO()
    document.save(buffer)
    page = web.post("/script-check/", {"script": "", "category": "general", "check": "1",
                                       "upload": (io.BytesIO(buffer.getvalue()), "s.docx")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert '<mark class="sev-violation">稳赚不赔</mark>' in page and "line 2" in page
    page = web.post("/script-check/", {"script": "", "category": "general", "check": "1",
                                       "upload": (io.BytesIO(b"not a zip"), "bad.docx")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert "bad.docx: the file is not a valid .docx (Word) document" in page
    page = web.post("/script-check/", {"script": "", "category": "general", "check": "1",
                                       "upload": (io.BytesIO(b"x"), "s.pdf")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert "s.pdf: only .txt and .docx files can be checked" in page


def test_nothing_is_stored_without_saving_and_counts_hold_no_text(app, agency):
    web = logged_in(app, "host@example.com")
    check(web, SCRIPT)
    check(web, SCRIPT)  # a second check of the day adds to the same counters
    assert count(app, SavedScript) == 0
    with app.app_context():
        rows = get_session().scalars(select(ScriptFindingCount)).all()
        assert {(r.org_id, r.rule_id, r.count) for r in rows} == {
            (agency["org_a"], "absolute.superlative", 2), (agency["org_a"], "price.original", 2),
            (agency["org_a"], "offplatform.private", 4)}
        stored = json.dumps([[r.rule_id, str(r.day), r.count] for r in rows], ensure_ascii=False)
        assert "面霜" not in stored and "微信" not in stored


def test_saved_scripts_are_visible_only_to_their_owner(app, agency):
    web = logged_in(app, "host@example.com", language="en")
    page = check(web, SCRIPT, title="Face cream, Monday", save="1").get_data(as_text=True)
    assert "Saved. Only you can see your saved scripts." in page
    with app.app_context():
        (saved,) = get_session().scalars(select(SavedScript)).all()
        script_id = saved.id
    listing = web.get("/script-check/saved").get_data(as_text=True)
    assert "Face cream, Monday" in listing
    reopened = web.get(f"/script-check/?saved={script_id}").get_data(as_text=True)
    assert "想便宜的加我微信私下转账</textarea>" in reopened
    # saving again with the same id updates it rather than adding another
    check(web, CLEAN, title="Face cream, fixed", save="1", script_id=str(script_id))
    assert count(app, SavedScript) == 1
    for other in ("trainer@example.com", "other@example.com"):
        snoop = logged_in(app, other, language="en")
        assert "Face cream" not in snoop.get("/script-check/saved").get_data(as_text=True)
        assert snoop.get(f"/script-check/?saved={script_id}").status_code == 404
        deleted = snoop.post(f"/script-check/saved/{script_id}/delete", {}, form_page="/script-check/saved")
        assert deleted.status_code == 404
        assert check(snoop, "x", title="steal", save="1", script_id=str(script_id)).status_code == 404
    assert count(app, SavedScript) == 1
    web.post(f"/script-check/saved/{script_id}/delete", {}, form_page="/script-check/saved")
    assert count(app, SavedScript) == 0


def test_org_rules_apply_to_its_hosts_only_and_counts_show_to_trainers(app, agency):
    trainer = logged_in(app, "trainer@example.com")
    page = trainer.post("/orgs/mcn-a/script-rules", {"kind": "banned", "phrase": "秒杀",
                                                     "reason": "本平台规则：不得使用“秒杀”"}).get_data(as_text=True)
    trainer.post("/orgs/mcn-a/script-rules", {"kind": "allowed", "phrase": "第一坊", "reason": "注册商标"})
    page = trainer.get("/orgs/mcn-a/script-rules").get_data(as_text=True)
    assert "秒杀" in page and "本平台规则：不得使用“秒杀”" in page and "第一坊" in page
    again = trainer.post("/orgs/mcn-a/script-rules", {"kind": "banned", "phrase": "秒杀", "reason": "x"})
    assert "“秒杀”已有规则" in again.get_data(as_text=True)
    no_reason = trainer.post("/orgs/mcn-a/script-rules", {"kind": "banned", "phrase": "抄底", "reason": ""})
    assert "请写明理由。" in no_reason.get_data(as_text=True)
    assert count(app, OrgScriptRule) == 2

    host = logged_in(app, "host@example.com")
    page = check(host, "第一坊的酱鸭今天秒杀", category="food").get_data(as_text=True)
    assert '<mark class="sev-violation">秒杀</mark>' in page and "本平台规则：不得使用“秒杀”" in page
    assert "第一坊</mark>" not in page
    other = logged_in(app, "other@example.com")
    assert "<mark" not in check(other, "今天秒杀", category="food").get_data(as_text=True)

    page = trainer.get("/orgs/mcn-a/script-rules").get_data(as_text=True)
    assert "<code>org.banned</code>" in page and "你所在机构的规则" in page
    assert "酱鸭" not in page  # counts, never text
    with app.app_context():
        rule_id = get_session().scalar(select(OrgScriptRule.id).where(OrgScriptRule.phrase == "秒杀"))
    assert logged_in(app, "other@example.com").post(
        f"/orgs/mcn-a/script-rules/{rule_id}/delete", {}, form_page="/").status_code == 404  # not a member: as if MCN A did not exist
    trainer.post(f"/orgs/mcn-a/script-rules/{rule_id}/delete", {}, form_page="/orgs/mcn-a/script-rules")
    assert count(app, OrgScriptRule) == 1


def api(app, body, **kw):
    return app.test_client().post("/api/v1/script/check", data=body if isinstance(body, (str, bytes)) else
                                  json.dumps(body), content_type="application/json", **kw)


def test_api_gives_the_same_findings_as_the_cli(app, tmp_path):
    r = api(app, {"text": SCRIPT, "category": "beauty"})
    assert r.status_code == 200
    data = r.get_json()
    first = data["findings"][0]
    assert {k: first[k] for k in ("line", "start", "end", "text", "category", "severity", "law", "article")} == {
        "line": 1, "start": 2, "end": 7, "text": "全网最好用", "category": "absolute", "severity": "violation",
        "law": "中华人民共和国广告法", "article": "第九条第（三）项"}
    assert first["explanation"] and first["suggestions"]
    spec = app.test_client().get("/api/openapi.json").get_json()
    schema = spec["paths"]["/api/v1/script/check"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(data, schema)
    assert "offplatform" in data["checked"] and data["violation"] is True
    env = dict(os.environ, LMS_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("LMS_DATABASE_URL", None)
    path = tmp_path / "script.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "lms.cli", "script", "check", str(path), "--category", "beauty",
                          "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert cli.returncode == 1, cli.stderr
    assert json.loads(cli.stdout) == data
    path.write_text(CLEAN, encoding="utf-8")
    clean = subprocess.run([sys.executable, "-m", "lms.cli", "script", "check", str(path)], capture_output=True,
                           text=True, cwd=ROOT, env=env, timeout=120)
    assert clean.returncode == 0 and "0 findings" in clean.stdout


def test_api_bounds_and_bad_input(app):
    assert api(app, {"text": "x" * 20_001}).status_code == 413
    assert "at most 20000" in api(app, {"text": "x" * 20_001}).get_json()["error"]["detail"]
    assert api(app, b"x" * (300 * 1024)).status_code == 413
    assert api(app, "not json").status_code == 400
    assert api(app, {"text": 5}).get_json()["error"]["detail"] == 'the body must be a JSON object with a "text" string'
    assert "category must be one of" in api(app, {"text": "hi", "category": "toys"}).get_json()["error"]["detail"]
    assert count(app, SavedScript) == 0 and count(app, ScriptFindingCount) == 0


def test_health_food_script_without_the_required_warning_is_told_so(app, agency):
    web = logged_in(app, "host@example.com")
    page = check(web, "这款鱼油每天两粒，饭后吃", category="health_food").get_data(as_text=True)
    assert "0 处违规，1 处需核实" in page and 'data-testid="missing"' in page
    assert "本品不能代替药物" in page and "《中华人民共和国广告法》第十八条第二款" in page
    page = check(web, "这款鱼油每天两粒，饭后吃，本品不能代替药物", category="health_food").get_data(as_text=True)
    assert "没有发现问题" in page
