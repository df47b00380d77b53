"""The wellbeing self-check: the operator's licence switch, taking it without storing, storing only with separate
consent (sealed, with instrument, version and licence confirmation), and results only their host sees or deletes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import OrgKind, Role
from lms.wellbeing import services
from lms.wellbeing.models import SelfCheckResult, SelfCheckSwitch
from tests.conftest import PASSWORD, Browserish, csrf_token_from

WHO5 = "who5-zh-CN"
LOW = {f"item_{n}": v for n, v in enumerate(["2", "2", "3", "2", "1"], start=1)}  # raw 10: 40/100
HIGH = {f"item_{n}": "4" for n in range(1, 6)}  # raw 20: 80/100


@pytest.fixture
def people(app, make_user):
    """A host and a trainer and org admin of their MCN, a bureau's verifier and admin, another host, a site admin."""
    ids = {role: make_user(f"{role}@example.com", name=role) for role in
           ("host", "trainer", "org_admin", "verifier", "bureau_admin", "other")}
    ids["site_admin"] = make_user("site_admin@example.com", name="root", is_site_admin=True)
    with app.app_context():
        session = get_session()
        mcn = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind=OrgKind.MCN.value)
        bureau = orgs.create_organisation(session, name="Bureau", slug="bureau", kind=OrgKind.BUREAU.value)
        for role, org, member in [("host", mcn, Role.LEARNER), ("trainer", mcn, Role.TRAINER),
                                  ("org_admin", mcn, Role.ORG_ADMIN), ("verifier", bureau, Role.BUREAU_VERIFIER),
                                  ("bureau_admin", bureau, Role.ORG_ADMIN)]:
            orgs.add_member(session, org=org, user=session.get(User, ids[role]), role=member)
        session.commit()
    return ids


@pytest.fixture
def switched_on(app, people):
    with app.app_context():
        session = get_session()
        services.turn_on(session, WHO5, people["site_admin"], licence_confirmed=True)
        session.commit()


def logged_in(app, role: str, language: str = "zh-CN") -> Browserish:
    web = Browserish(app.test_client(), language=language)
    assert web.login(f"{role}@example.com", PASSWORD).status_code == 302
    return web


def stored_rows(app) -> list[SelfCheckResult]:
    with app.app_context():
        return list(get_session().scalars(select(SelfCheckResult)))


def take(web, answers, consent=False):
    return web.post(f"/self-check/{WHO5}", {**answers, **({"consent": "y"} if consent else {})})


def test_switched_off_the_page_explains_it_is_not_available(app, people):
    web = logged_in(app, "host")
    page = web.get(f"/self-check/{WHO5}").get_data(as_text=True)
    assert "本站暂未提供这项自查：网站运营方尚未开启。" in page and "我感觉快乐、心情舒畅" not in page
    assert "12356" in page  # help is there even when the self-check is not
    assert take(web, HIGH).status_code == 200 and stored_rows(app) == []
    assert "本站暂未提供这项自查" in web.get("/self-check/").get_data(as_text=True)


def test_the_operator_sees_the_licence_and_must_confirm_it(app, people):
    admin = logged_in(app, "site_admin")
    page = admin.get("/admin/self-check").get_data(as_text=True)
    assert "CC BY-NC-SA 3.0 IGO" in page and "非商业性使用" in page and "关闭" in page
    # Before switching it on, the operator also sees how far the wording has been checked, and against what.
    checked = page.split('data-testid="source-checked">')[1].split("</dd>")[0]
    assert "<dt>措辞核对</dt>" in page and checked.startswith("2026-12-06, against ")
    assert "Not yet compared with the WHO PDF itself." in checked

    def switch(confirm: bool):
        token = csrf_token_from(admin.get("/admin/self-check").get_data(as_text=True))
        data = {"instrument": WHO5, f"{WHO5}-csrf_token": token, f"{WHO5}-turn_on": "1"}
        if confirm:
            data[f"{WHO5}-confirm_licence"] = "y"
        return admin.client.post("/admin/self-check", data=data, headers=admin.headers)

    unconfirmed = switch(False).get_data(as_text=True)
    assert "请先确认许可允许你的用途，再开启这项自查。" in unconfirmed
    with app.app_context():
        assert get_session().get(SelfCheckSwitch, WHO5) is None
    assert switch(True).status_code == 302
    assert "已开启：许可确认于" in admin.get("/admin/self-check").get_data(as_text=True)
    host = logged_in(app, "host")
    assert "WHO-5 身心状态自查" in host.get("/self-check/").get_data(as_text=True)


def test_an_accessible_form_with_the_items_verbatim(app, switched_on):
    page = logged_in(app, "host").get(f"/self-check/{WHO5}").get_data(as_text=True)
    assert page.count("<fieldset class=\"question card") == 5
    assert "<legend>1. 我感觉快乐、心情舒畅</legend>" in page and "<legend>5. 我每天生活充满了有趣的事情</legend>" in page
    assert page.count('type="radio"') == 30 and "checked" not in page  # no answer and no consent pre-ticked
    assert 'id="consent" name="consent" type="checkbox" value="y"' in page


def test_taking_it_without_consent_stores_nothing(app, switched_on):
    web = logged_in(app, "host")
    page = take(web, LOW).get_data(as_text=True)
    assert "你的得分：40（满分100）" in page
    assert "这两周你的积极感受比较少" in page and "不是诊断" in page
    assert "找一个信任的人聊一聊会有帮助" in page  # the low-score rule's gentle suggestion
    assert "这次结果没有保存" in page and "12356" in page and "010-82951332" in page
    for label in ("抑郁", "焦虑", "确诊"):
        assert label not in page
    assert stored_rows(app) == []


def test_a_high_score_has_no_suggestion_but_still_the_help(app, switched_on):
    page = take(logged_in(app, "host"), HIGH).get_data(as_text=True)
    assert "你的得分：80（满分100）" in page and "找一个信任的人聊一聊" not in page and "12356" in page


def test_an_incomplete_form_has_no_score_and_stores_nothing(app, switched_on):
    page = take(logged_in(app, "host"), {"item_1": "5", "item_2": "4"}, consent=True).get_data(as_text=True)
    assert page.count("请选择最接近你这两周感受的一项。") == 3 and "你的得分" not in page
    assert stored_rows(app) == []


def test_consent_stores_a_sealed_result_with_instrument_version_and_licence(app, people, switched_on):
    web = logged_in(app, "host")
    first = take(web, LOW, consent=True)
    assert first.status_code == 302
    page = web.get(first.headers["Location"]).get_data(as_text=True)
    assert "结果已保存" in page and "你的得分：40（满分100）" in page and "12356" in page
    take(web, HIGH, consent=True)
    [one, two] = stored_rows(app)
    assert (one.user_id, one.instrument_id, one.instrument_version) == (people["host"], WHO5, "2007-09")
    assert "CC BY-NC-SA" in one.licence_name and one.licence_confirmed_at is not None
    assert b"[2, 2, 3, 2, 1]" not in one.sealed_answers and b"answers" not in one.sealed_answers
    history = web.get(f"/self-check/results/{two.id}").get_data(as_text=True)
    assert "你的结果的变化" in history and "<svg" in history and "+40" in history and "（变化明显）" in history
    listing = web.get("/self-check/results").get_data(as_text=True)
    assert listing.count("/ 100</td>") == 2 and "12356" in listing


def test_only_the_host_sees_and_deletes_a_result(app, people, switched_on):
    take(logged_in(app, "host"), LOW, consent=True)
    [row] = stored_rows(app)
    for role in ("other", "trainer", "org_admin", "verifier", "bureau_admin", "site_admin"):
        web = logged_in(app, role)
        assert web.get(f"/self-check/results/{row.id}").status_code == 404, role
        assert "你的得分" not in web.get("/self-check/results").get_data(as_text=True), role
        assert web.post(f"/self-check/results/{row.id}/delete", {}, form_page="/").status_code == 404, role
    assert len(stored_rows(app)) == 1
    host = logged_in(app, "host")
    assert host.post(f"/self-check/results/{row.id}/delete", {}, form_page="/self-check/results").status_code == 302
    assert stored_rows(app) == [] and "你没有保存的结果。" in host.get("/self-check/results").get_data(as_text=True)


def test_no_result_appears_in_any_organisation_page_or_export(app, people, switched_on):
    take(logged_in(app, "host"), LOW, consent=True)
    pages = {"trainer": ["/orgs/mcn-a/", f"/orgs/mcn-a/hosts/{people['host']}", "/orgs/mcn-a/skills.csv",
                         "/orgs/mcn-a/skills"],
             "org_admin": ["/orgs/mcn-a/", f"/orgs/mcn-a/hosts/{people['host']}", "/orgs/mcn-a/skills.csv"],
             "verifier": ["/orgs/bureau/"], "bureau_admin": ["/orgs/bureau/"],
             "site_admin": ["/admin/self-check", "/admin/organisations"]}  # fmt: skip
    for role, urls in pages.items():
        web = logged_in(app, role)
        for url in urls:
            response = web.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, (role, url)
            assert "40（满分100）" not in body and "你的得分" not in body and "[2, 2, 3, 2, 1]" not in body, (role, url)
    # The host's own copy of their data (PIPL art. 45) is the one export that holds the result.
    own = logged_in(app, "host").get("/account/my-data.json").get_json()
    assert [(r["instrument"], r["answers"], r["score"]) for r in own["self_check_results"]] == \
        [(WHO5, [2, 2, 3, 2, 1], 40)]
    assert logged_in(app, "other").get("/account/my-data.json").get_json()["self_check_results"] == []


def test_a_changed_instrument_version_is_off_until_confirmed_again(app, people, switched_on):
    with app.app_context():
        session = get_session()
        session.get(SelfCheckSwitch, WHO5).version = "2006-01"
        session.commit()
    assert "本站暂未提供这项自查" in logged_in(app, "host").get(f"/self-check/{WHO5}").get_data(as_text=True)
    page = logged_in(app, "site_admin").get("/admin/self-check").get_data(as_text=True)
    assert "问卷文件在确认许可后有改动" in page


def test_english_pages_keep_the_items_verbatim(app, switched_on):
    web = logged_in(app, "host", language="en")
    page = web.get(f"/self-check/{WHO5}").get_data(as_text=True)
    assert "我感觉快乐、心情舒畅" in page and "not a diagnosis" in page
    result = take(web, LOW).get_data(as_text=True)
    assert "Your score: 40 out of 100" in result and "12356" in result


def test_the_menu_the_account_page_and_the_stress_course_lead_to_it(app, people):
    from tests.conftest import ROOT

    web = logged_in(app, "host")
    home = web.get("/").get_data(as_text=True)
    assert '<a href="/self-check/">身心自查</a>' in home
    account = web.get("/account/").get_data(as_text=True)
    assert 'href="/self-check/">做身心自查</a>' in account and 'href="/self-check/results"' in account
    lesson = (ROOT / "courses" / "wellbeing-stress" / "lessons" / "02-self-check.md").read_text(encoding="utf-8")
    assert '打开菜单里的"身心自查"' in lesson and "WHO-5" in lesson
    admin = logged_in(app, "site_admin").get("/").get_data(as_text=True)
    assert '<a href="/admin/self-check">自查开关</a>' in admin


def test_withdrawing_consent_deletes_all_of_the_hosts_results_and_no_one_elses(app, people, switched_on):
    host, other = logged_in(app, "host"), logged_in(app, "other")
    take(host, LOW, consent=True)
    take(host, HIGH, consent=True)
    take(other, HIGH, consent=True)
    page = host.get("/self-check/results").get_data(as_text=True)
    assert "撤回你的同意" in page and 'data-confirm="要删除你保存的所有自查结果吗？"' in page
    done = host.post("/self-check/results/delete-all", {}, form_page="/self-check/results", follow_redirects=True)
    assert "你保存的所有结果已删除（2 条）。" in done.get_data(as_text=True)
    assert [r.user_id for r in stored_rows(app)] == [people["other"]]


def test_answers_copied_to_another_persons_row_do_not_open(app, people, switched_on):
    take(logged_in(app, "host"), LOW, consent=True)
    take(logged_in(app, "other"), HIGH, consent=True)
    with app.app_context():
        session = get_session()
        mine, theirs = session.scalars(select(SelfCheckResult).order_by(SelfCheckResult.id)).all()
        theirs.sealed_answers = mine.sealed_answers  # sealed for the host: bound to the host's id
        session.commit()
        other_id = theirs.id
    other = logged_in(app, "other")
    assert other.get(f"/self-check/results/{other_id}").status_code == 404
    page = other.get("/self-check/results").get_data(as_text=True)
    assert "40 / 100" not in page and "你没有保存的结果。" in page


def test_an_operator_offers_their_own_checked_instrument_from_lms_instruments_dir(app, people, app_factory,
                                                                                 database_url, tmp_path):
    import yaml

    from lms.resources import shipped
    from tests.conftest import make_config

    folder = tmp_path / "operator-instruments"
    folder.mkdir()
    data = yaml.safe_load((shipped("instruments") / f"{WHO5}.yaml").read_text(encoding="utf-8"))
    data["id"], data["title"] = "calm-zh-CN", {"zh-CN": "本机构的身心自查"}
    (folder / "calm-zh-CN.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    data["id"], data["title"] = WHO5, {"zh-CN": "冒名的问卷"}  # cannot take over the shipped instrument
    (folder / f"{WHO5}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = app_factory(make_config(database_url, tmp_path / "instance2", instruments_dir=str(folder)))
    admin = logged_in(site, "site_admin")
    page = admin.get("/admin/self-check").get_data(as_text=True)
    assert "本机构的身心自查" in page and "WHO-5 身心状态自查" in page and "冒名的问卷" not in page
    token = csrf_token_from(page)
    admin.client.post("/admin/self-check", data={"instrument": "calm-zh-CN", "calm-zh-CN-csrf_token": token,
                                                 "calm-zh-CN-turn_on": "1", "calm-zh-CN-confirm_licence": "y"})
    host = logged_in(site, "host")
    assert "本机构的身心自查" in host.get("/self-check/").get_data(as_text=True)
    assert take(host, LOW).status_code == 200  # WHO-5 itself is still off
    stored = host.post("/self-check/calm-zh-CN", {**HIGH, "consent": "y"})
    assert stored.status_code == 302
    assert "你的得分：80（满分100）" in host.get(stored.headers["Location"]).get_data(as_text=True)
    assert host.get("/account/my-data.json").get_json()["self_check_results"][0]["instrument"] == "calm-zh-CN"
    assert logged_in(app, "host").get("/self-check/calm-zh-CN").status_code == 404  # a site without the folder
