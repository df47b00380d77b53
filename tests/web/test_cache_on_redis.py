"""The shared cache on Redis, as in production (the other cache tests use the development cache's files): the
public pages show each change at once and nothing personal is kept under a shared key (the same tests as on the
files, run here again), values live under the site's prefix with a time limit, and a kept answer is the bytes it
sends. With Redis gone, see test_cache_redis_down.py."""

from __future__ import annotations

import os

import pytest
import redis

from lms import cache, create_app
from tests.conftest import empty_database, make_config, share_compiled_templates
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture
from tests.web.test_skills import mcn  # noqa: F401 - fixture

# The fixture `app` below is theirs in this module: they run on Redis.
from tests.web.test_page_cache import (  # noqa: F401
    test_a_hosts_t_profile_is_their_own_and_shows_each_new_result_at_once,
    test_checkpoint_status_list_and_keys_change_when_their_source_does,
)
from tests.web.test_public_cache import (  # noqa: F401
    test_a_cosignature_and_a_log_entry_show_at_once,
    test_a_revocation_shows_at_once_on_the_warm_page_and_api_in_each_language,
    test_a_visitors_pages_carry_no_token_and_give_no_session,
    test_a_visitors_pages_answer_304_until_their_content_changes,
    test_an_unknown_number_answers_as_before_and_is_never_cached,
    test_staff_see_their_own_page_and_it_never_reaches_the_public,
    test_the_api_answers_a_client_that_has_it_with_304_until_the_certificate_changes,
)

pytestmark = pytest.mark.redis


@pytest.fixture
def app(database_url, tmp_path):
    url = os.environ["LMS_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    application = share_compiled_templates(create_app(make_config(database_url, tmp_path / "instance", redis_url=url)))
    yield application
    application.extensions["lms.db"].session.remove()
    empty_database(application)
    application.extensions["lms.db"].engine.dispose()


def test_values_live_under_the_sites_prefix_with_a_time_limit_and_answers_are_kept_as_sent(app, graduate):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    for _ in range(3):
        answer = client.get(f"/api/v1/certificates/{number}")
        client.get("/log/checkpoint")
    store = app.extensions["lms.cache"]
    kept = store.client.keys("*")
    assert kept and all(key.startswith(store.prefix.encode()) for key in kept)
    assert all(0 < store.client.ttl(key) <= cache.TIMEOUT for key in kept)
    [api_key] = [key for key in kept if b":v:verify:api:" in key]
    # The body as sent, its ETag in front, after the generations: nothing is unpickled or encoded per request.
    assert store.client.get(api_key).endswith(b"b" + answer.headers["ETag"].strip('"').encode() + answer.data)


def test_a_warm_public_document_is_one_mget(app, graduate, monkeypatch):  # noqa: F811
    _user_id, number = graduate
    client = app.test_client()
    paths = ("/.well-known/did.json", "/credentials/status/1", "/log/checkpoint", f"/api/v1/certificates/{number}")
    first = {path: [client.get(path) for _ in range(3)][-1] for path in paths}
    sent: list = []
    real = redis.connection.AbstractConnection.send_command
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command",
                        lambda connection, *args, **kwargs: sent.append(args[0]) or real(connection, *args, **kwargs))
    for path in paths:
        again = client.get(path)
        assert again.status_code == 200 and again.data == first[path].data
    assert sent == ["MGET"] * len(paths)


def test_reads_keep_a_connection_per_thread_and_process_and_reconnect_after_redis_drops_it(
        app, graduate, monkeypatch, caplog):  # noqa: F811
    import threading

    client = app.test_client()
    warm = [client.get("/.well-known/did.json") for _ in range(3)][-1]
    store = app.extensions["lms.cache"]
    held = store._reader()
    assert store._reader() is held and held not in store.pool._available_connections  # the pool's stay its own
    others = []
    thread = threading.Thread(target=lambda: others.append(store._reader()))
    thread.start()
    thread.join()
    assert others[0] is not held
    # Redis closes it (a restart, a timeout): that read is a miss, the page is made from the database, and the
    # next read connects again.
    held.send_command("CLIENT", "ID")
    store.client.client_kill_filter(_id=held.read_response())
    assert client.get("/.well-known/did.json").data == warm.data
    assert [r.message for r in caplog.records] == ["cache unavailable"]  # that one read failed: made from the database
    assert client.get("/.well-known/did.json").data == warm.data and store._reader() is held
    assert len(caplog.records) == 1 and held._sock is not None  # the next one read Redis, on the same connection
    # A forked worker never reads on its parent's socket.
    monkeypatch.setattr(cache.os, "getpid", lambda: -1)
    assert store._reader() is not held
