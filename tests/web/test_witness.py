"""Witnessing the log: consistent growth is accepted; a rewritten entry raises the alarm."""

import threading

import pytest
from sqlalchemy import delete, select
from werkzeug.serving import make_server

from lms.db import get_session
from lms.transparency import log, merkle, note
from lms.transparency.models import LogEntry, LogNode, LogState
from lms.trust import keys
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture


def append_entries(app, texts):
    with app.app_context():
        session = get_session()
        for text in texts:
            log.append(session, app.config["LMS"], text.encode(), None)
        session.commit()


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LMS"].base_url = f"http://127.0.0.1:{server.server_port}"
    yield app.config["LMS"].base_url
    server.shutdown()


def run(app, url, state):
    return app.test_cli_runner().invoke(args=["witness", url + "/log/checkpoint", "--state", str(state)])


def test_witness_accepts_growth_and_alarms_on_a_rewrite(app, served, tmp_path):
    append_entries(app, [f"entry {i}\n" for i in range(5)])
    first = run(app, served, tmp_path)
    assert first.exit_code == 0 and "consistent at 5 entries (first checkpoint seen)" in first.output
    append_entries(app, ["entry 5\n", "entry 6\n"])
    second = run(app, served, tmp_path)
    assert second.exit_code == 0 and "consistent at 7 entries (was 5)" in second.output

    # An operator rewrites entry 2 and rebuilds the tree and the checkpoint so that everything looks signed.
    with app.app_context():
        session = get_session()
        session.execute(LogEntry.__table__.update().where(LogEntry.index == 2).values(data=b"entry 2 (edited)\n"))
        session.execute(delete(LogNode))
        store, size = log.DbNodeStore(session), 0
        for data in session.scalars(select(LogEntry.data).order_by(LogEntry.index)):
            size = merkle.append(store, size, merkle.leaf_hash(data))
        session.commit()
        log.append(session, app.config["LMS"], b"entry 7\n", None)  # re-signs a checkpoint over the forged tree
        session.commit()
    alarm = run(app, served, tmp_path)
    assert alarm.exit_code == 2 and "ALARM" in alarm.output and "rewritten or removed" in alarm.output
    # The stored checkpoint is still the last good one.
    assert "7\n" in (tmp_path / "checkpoint").read_text(encoding="utf-8").split("\n\n")[0]


def test_witness_alarms_on_a_forged_signature(app, served, tmp_path):
    append_entries(app, ["a\n"])
    with app.app_context():
        session = get_session()
        state = session.get(LogState, log.LOG_ID)
        state.checkpoint = state.checkpoint.replace("\n1\n", "\n2\n", 1)
        session.commit()
    result = run(app, served, tmp_path)
    assert result.exit_code == 2 and "signature" in result.output


def test_witness_with_an_explicit_key_and_a_wrong_one(app, served, tmp_path):
    append_entries(app, ["a\n"])
    with app.app_context():
        record, private = keys.active_key(get_session(), app.config["LMS"], "log")
        good = note.vkey(log.origin(app.config["LMS"]), private.public_key())
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    wrong = note.vkey(log.origin(app.config["LMS"]), Ed25519PrivateKey.generate().public_key())
    ok = app.test_cli_runner().invoke(args=["witness", served + "/log/checkpoint", "--state", str(tmp_path / "a"), "--key", good])
    assert ok.exit_code == 0
    bad = app.test_cli_runner().invoke(args=["witness", served + "/log/checkpoint", "--state", str(tmp_path / "b"), "--key", wrong])
    assert bad.exit_code == 2


def test_bureau_cosigns_and_the_verify_page_shows_it(app, served, tmp_path, graduate, verifier):  # noqa: F811
    _user_id, number = graduate
    runner = app.test_cli_runner()
    vkey = runner.invoke(args=["witness-keygen", "--name", "city-bureau.example.cn", "--out", str(tmp_path / "w.pem")])
    assert vkey.exit_code == 0 and vkey.output.startswith("city-bureau.example.cn+")
    r = verifier.post("/bureau/city-bureau/witness", {"vkey": vkey.output.strip()})
    assert r.status_code == 302
    secret = runner.invoke(args=["bureau", "token", "create", "--org", "city-bureau", "--name", "witness"]).output.split()[0]
    result = runner.invoke(args=["witness", served + "/log/checkpoint", "--state", str(tmp_path / "state"),
                                 "--cosign-key", str(tmp_path / "w.pem"), "--name", "city-bureau.example.cn",
                                 "--token", secret])  # fmt: skip
    assert result.exit_code == 0 and '"accepted":1' in result.output.replace(" ", ""), result.output
    page = app.test_client().get(f"/verify/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Witnessed by" in page and "示例市人社局" in page
    # A cosignature with a key the bureau never registered is refused.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lms.transparency import note as notes

    checkpoint = app.test_client().get("/log/checkpoint").get_data(as_text=True)
    forged = notes.cosign(checkpoint, "city-bureau.example.cn", Ed25519PrivateKey.generate(), 1_800_000_000)
    refused = app.test_client().post("/api/v1/log/cosignatures", data=forged.encode(),
                                     headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert refused.status_code == 400
