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
