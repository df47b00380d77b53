"""An agency's own script rules in the API and the command line (issue 17): a logged-in member gets the rules of
their agencies, nobody else gets any agency's rules, and asking for an agency one does not belong to is refused
the same way whether it exists or not. Nothing is stored."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from lms.db import get_session
from lms.scriptcheck import services
from lms.scriptcheck.models import ScriptFindingCount
from tests.conftest import Browserish
from tests.web.test_scriptcheck import agency, logged_in  # noqa: F401 - fixture

TEXT = "今天秒杀价，顶级厨房的锅"
REASON = "本机构规则：平台不允许说“秒杀”"


def post(client, body: dict, headers: dict | None = None):
    return client.post("/api/v1/script/check", data=json.dumps(body), content_type="application/json",
                       headers=headers or {})


def as_member(app, login: str):
    web = logged_in(app, login)
    return lambda body: post(web.client, body, web.headers)


def org_findings(data: dict) -> list[tuple[str, str]]:
    return [(f["text"], f["explanation"]) for f in data["findings"] if f["rule"] == "org.banned"]


def test_the_api_applies_an_agencys_rules_only_for_its_logged_in_members(app, agency):  # noqa: F811
    with app.app_context():
        session = get_session()
        services.add_org_rule(session, agency["org_a"], agency["trainer"], "banned", "秒杀", REASON)
        services.add_org_rule(session, agency["org_a"], agency["trainer"], "allowed", "顶级厨房", "注册商标")
        session.commit()

    anonymous = post(app.test_client(), {"text": TEXT})
    assert anonymous.status_code == 200
    data = anonymous.get_json()
    assert org_findings(data) == [] and data["rules"] == {"shipped": True, "organisations": []}
    assert any(f["text"] == "顶级" for f in data["findings"])  # the agency's allowed word does not apply either

    host = as_member(app, "host@example.com")
    for body in ({"text": TEXT}, {"text": TEXT, "org": "mcn-a"}):
        data = host(body).get_json()
        assert org_findings(data) == [("秒杀", REASON)]
        assert data["rules"] == {"shipped": True, "organisations": ["MCN A"]} and "org" in data["checked"]
        assert not any(f["text"] == "顶级" for f in data["findings"])  # its trademark is allowed
    trainer = as_member(app, "trainer@example.com")
    assert org_findings(trainer({"text": TEXT}).get_json()) == [("秒杀", REASON)]

    stranger = as_member(app, "other@example.com")  # a host of MCN B
    data = stranger({"text": TEXT}).get_json()
    assert org_findings(data) == [] and data["rules"]["organisations"] == ["MCN B"]

    # Asking for an agency one does not belong to: one refusal, whether it exists or not, and for anyone.
    refusals = [stranger({"text": TEXT, "org": "mcn-a"}), stranger({"text": TEXT, "org": "no-such-agency"}),
                host({"text": TEXT, "org": "mcn-b"}), post(app.test_client(), {"text": TEXT, "org": "mcn-a"}),
                post(app.test_client(), {"text": TEXT, "org": "no-such-agency"})]  # fmt: skip
    assert {(r.status_code, r.get_data(as_text=True)) for r in refusals} == {(403, refusals[0].get_data(as_text=True))}
    assert refusals[0].get_json()["error"]["detail"] == "only a logged-in member of an agency gets its rules"
    assert "秒杀" not in refusals[0].get_data(as_text=True)
    assert host({"text": TEXT, "org": 7}).status_code == 400

    with app.app_context():  # the API stores nothing, not even the anonymous counts the page keeps
        assert get_session().scalar(select(func.count()).select_from(ScriptFindingCount)) == 0


def test_the_command_line_applies_an_agencys_rules_when_asked(app, agency, tmp_path):  # noqa: F811
    with app.app_context():
        session = get_session()
        services.add_org_rule(session, agency["org_a"], agency["trainer"], "banned", "秒杀", REASON)
        session.commit()
    script = tmp_path / "script.txt"
    script.write_text(TEXT, encoding="utf-8")
    runner = app.test_cli_runner()

    plain = runner.invoke(args=["script", "check", str(script), "--json"])
    assert org_findings(json.loads(plain.output)) == []
    with_org = runner.invoke(args=["script", "check", str(script), "--org", "mcn-a", "--json"])
    assert with_org.exit_code == 1  # a violation
    data = json.loads(with_org.output)
    assert org_findings(data) == [("秒杀", REASON)] and data["rules"]["organisations"] == ["MCN A"]
    api = post(Browserish(app.test_client()).client, {"text": TEXT}).get_json()
    assert set(data) == set(api)  # the same JSON shape as the API

    text = runner.invoke(args=["script", "check", str(script), "--org", "mcn-a"])
    assert f"violation: [org] 秒杀 — {REASON}" in text.output
    unknown = runner.invoke(args=["script", "check", str(script), "--org", "nope"])
    assert unknown.exit_code != 0 and "there is no agency 'nope'" in unknown.output
