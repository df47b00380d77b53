"""Production settings: secure cookies, HSTS, SMTP mail, and gunicorn with several workers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from lms.config import Config
from lms.mail.services import send_message
from tests.conftest import ROOT


def production_config(database_url: str, tmp_path, **extra) -> Config:
    return Config(
        env="production",
        instance_path=str(tmp_path),
        database_url=database_url,
        secret_key="s" * 48,
        pii_key="a2V5LWZvci10ZXN0cy1vbmx5LTMyLWJ5dGVzLWxvbmchIQ==",
        signing_key_secret="c2lnbmluZy1rZXlzLWZvci10ZXN0cy0zMi1ieXRlcyEhIQ==",
        redis_url="redis://127.0.0.1:6379/15",
        mail_backend="smtp",
        smtp_host="smtp.example.com",
        **extra,
    )


def test_production_cookies_and_headers(database_url, tmp_path, app_factory):
    app = app_factory(production_config(database_url, tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    r = app.test_client().get("/account/login", base_url="https://lms.example.com")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]


def test_outbox_page_does_not_exist_in_production(database_url, tmp_path, app_factory):
    app = app_factory(production_config(database_url, tmp_path))
    assert app.test_client().get("/dev/outbox").status_code == 404


def test_smtp_backend_sends_a_real_message(monkeypatch, tmp_path):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("message", message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr("lms.mail.services.smtplib.SMTP", FakeSMTP)
    cfg = Config(mail_backend="smtp", smtp_host="mail.example.com", smtp_port=587, smtp_starttls=True,
                 smtp_user="lms", smtp_password="pw")
    send_message(None, cfg, "host@example.com", "重置密码", "链接：https://lms.example.com/x")
    assert sent[0] == ("connect", "mail.example.com", 587)
    assert ("starttls",) in sent and ("login", "lms") in sent
    assert sent[-1][:3] == ("message", "host@example.com", "重置密码")
    assert "https://lms.example.com/x" in sent[-1][3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_with_several_workers(database_url, tmp_path):
    port = _free_port()
    env = dict(os.environ, LMS_DATABASE_URL=database_url, LMS_INSTANCE_PATH=str(tmp_path / "instance"))
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        served = False
        while time.monotonic() < deadline and not (served and _worker_pid_count(proc.pid) == 2):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200 and b'"database":"ok"' in r.read().replace(b" ", b"")
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/account/login", timeout=2) as r:
                    served = r.status == 200
            except OSError:
                time.sleep(0.3)
        assert served and _worker_pid_count(proc.pid) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()


def _worker_pid_count(master_pid: int) -> int:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True).stdout
    return len(out.split())
