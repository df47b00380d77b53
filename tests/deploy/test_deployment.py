"""The shipped deployment, run as an operator would run it: nginx (deploy/nginx/lms.conf) with TLS in front of two
gunicorn instances started by the command line of deploy/systemd/lms@.service, on PostgreSQL and Redis, and the
job worker when the site has one. A host studies and takes a quiz and a bureau checks certificates in bulk, with
requests alternating between the instances; then one instance is killed mid-run and no request is lost beyond
the one it had in flight, while the commands of the four timers run as their units run them."""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import io
import json
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import ROOT, csrf_token_from, require_program
from tests.deploy.conftest import BIN, production_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

DEPLOY = ROOT / "deploy"
DEMO_PASSWORD = "demo-pass-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unit_command(unit: str, **values: str) -> list[str]:
    """The ExecStart of a shipped systemd unit, with this venv's programs and the test's paths."""
    line = next(x for x in (DEPLOY / "systemd" / unit).read_text().splitlines() if x.startswith("ExecStart="))
    line = line.removeprefix("ExecStart=").replace("/opt/lms/venv/bin/", f"{BIN}/")
    line = line.replace("/etc/lms/gunicorn.conf.py", str(DEPLOY / "gunicorn.conf.py"))
    for key, value in values.items():
        line = line.replace(key, value)
    return shlex.split(line)


def nginx_config(tmp: Path, http_port: int, https_port: int, app_ports: tuple[int, int], static: Path) -> Path:
    """deploy/nginx/lms.conf with the test's ports and paths, inside a minimal nginx.conf for a foreground nginx."""
    site = (DEPLOY / "nginx" / "lms.conf").read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};", "listen [::]:80;": "",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;", "listen [::]:443 ssl;": "",
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{app_ports[0]} ",
        "server 127.0.0.1:8002 ": f"server 127.0.0.1:{app_ports[1]} ",
        "/etc/letsencrypt/live/lms.example.com/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/lms.example.com/privkey.pem": str(tmp / "key.pem"),
        "/var/lib/lms/static/": f"{static}/", "/var/log/nginx/lms.access.log": str(tmp / "access.log"),
        "/var/www/letsencrypt": str(tmp),
    }  # fmt: skip
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/lms.conf no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (tmp / "lms.conf").write_text(site)
    main = tmp / "nginx.conf"
    main.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/lms.conf;
}}
""")
    return main


def self_signed_certificate(tmp: Path) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))  # fmt: skip
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return tmp / "cert.pem"


class Visitor:
    """A browser-like client over HTTPS: cookies, redirects, CSRF tokens and Referer as a browser sends them."""

    def __init__(self, base: str, cafile: Path, language: str = "en") -> None:
        self.base = base
        context = ssl.create_default_context(cafile=str(cafile))
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                                  urllib.request.HTTPCookieProcessor(self.jar))  # fmt: skip
        self.language = language

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Accept-Language": self.language, "Referer": self.base + "/", **(headers or {})}
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace"), r.url
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace"), e.url

    def get(self, path: str) -> str:
        status, _headers, page, _url = self.send("GET", path)
        assert status == 200, f"GET {path}: {status}\n{page[:500]}"
        return page

    def post_form(self, path: str, fields: dict, form_page: str):
        token = csrf_token_from(self.get(form_page))  # the form's own (a visitor's meta tag is empty)
        body = urlencode({"csrf_token": token, **fields}, doseq=True).encode()
        status, _h, page, url = self.send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                               "Referer": self.base + form_page})  # fmt: skip
        assert status == 200, f"POST {path}: {status}\n{page[page.find('<main'):][:300]}"
        return page, url


def wait_until_up(url: str, cafile: Path | None = None, seconds: float = 60) -> None:
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{url} did not come up"
        time.sleep(0.2)


def upstreams(access_log: Path, since: int = 0) -> list[tuple[str, str]]:
    """(request path, instance port) of each proxied request logged by nginx after line ``since``."""
    found = []
    for line in access_log.read_text().splitlines()[since:]:
        match = re.search(r'"\w+ (\S+) [^"]*" \d+ \d+ rid=\w+ upstream=(\S+)', line)
        if match and match.group(2) != "-":
            found.append((match.group(1), match.group(2).rsplit(":", 1)[-1]))
    return found


@pytest.fixture
def site(tmp_path, fresh_database):
    """Everything of deploy/ started on 127.0.0.1; yields what the test needs and stops it all afterwards."""
    nginx = require_program("nginx", "nginx")
    database_url = fresh_database("deploy")
    http_port, https_port, *app_ports = (free_port() for _ in range(4))
    base = f"https://127.0.0.1:{https_port}"
    env = production_env(os.environ, database_url, tmp_path / "instance", LMS_BASE_URL=base)
    lms = str(BIN / "lms")
    started = time.monotonic()

    def launch(*args: str, **extra_env: str) -> subprocess.Popen:
        return subprocess.Popen([lms, *args], env={**env, **extra_env}, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip

    def output(command: subprocess.Popen) -> str:
        out, err = command.communicate(timeout=180)
        assert command.returncode == 0, out + err
        return out

    output(launch("init-db"))
    cafile = self_signed_certificate(tmp_path)
    processes: dict[str, subprocess.Popen] = {}
    logs = []

    def start(name: str, command: list[str]) -> None:
        log = (tmp_path / f"{name}.log").open("wb")
        logs.append(log)
        processes[name] = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)  # fmt: skip

    try:
        for port in app_ports:
            start(f"app{port}", unit_command("lms@.service", **{"%i": str(port)}))
        # What an operator runs once (demo data here), side by side while the instances boot.
        # `lms demo` refuses production (it makes accounts with a known password): here it fills the test database
        # with the same keys, as a development run.
        demo, collect, worker = launch("demo", LMS_ENV="development"), launch("static", "collect", str(tmp_path / "static")), launch(
            "worker", "--help")  # fmt: skip
        certificates = dict(re.findall(r"(valid|revoked) certificate\s+\S+/verify/(\S+)", output(demo)))
        token = output(launch("bureau", "token", "create", "--org", "demo-bureau", "--name", "CI")).strip()
        output(collect)
        worker.communicate(timeout=60)
        if worker.returncode == 0:
            start("worker", unit_command("lms-worker.service"))
        config = nginx_config(tmp_path, http_port, https_port, tuple(app_ports), tmp_path / "static")
        start("nginx", [nginx, "-e", str(tmp_path / "error.log"), "-c", str(config), "-g", "daemon off;"])
        for port in app_ports:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        wait_until_up(base + "/healthz", cafile)
        yield {
            "base": base, "cafile": cafile, "http_port": http_port, "app_ports": [str(p) for p in app_ports],
            "processes": processes, "access_log": tmp_path / "access.log", "certificates": certificates,
            "token": token, "worker": worker.returncode == 0, "setup_seconds": time.monotonic() - started,
            "env": env, "tmp": tmp_path,
        }  # fmt: skip
    finally:
        # nginx first: it closes its idle connections to the instances, which can then stop at once.
        for process in reversed(processes.values()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(processes.values()):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in logs:
            log.close()


def host_journey(host: Visitor) -> None:
    """Log in, enrol, open a lesson, send heartbeats, find the certificate quiz closed until the lessons are done."""
    page, _url = host.post_form("/account/login", {"login": "host@demo.example.com", "password": DEMO_PASSWORD},
                                "/account/login")  # fmt: skip
    assert "Log out" in page
    lesson, url = host.post_form("/courses/product-beauty/enrol", {}, "/courses/product-beauty")
    assert "/courses/product-beauty/lessons/" in url
    lesson_id = int(re.search(r'data-lesson="(\d+)"', lesson).group(1))
    token = re.search(r'name="csrf-token" content="([^"]+)"', lesson).group(1)
    for start in (True, False):
        status, _h, body, _u = host.send("POST", "/api/learning/heartbeat",
                                         json.dumps({"lesson": lesson_id, "start": start}).encode(),
                                         {"Content-Type": "application/json", "X-CSRFToken": token})  # fmt: skip
        assert status == 200 and "lesson_seconds" in json.loads(body), body
    # A certificate quiz opens only after every lesson is complete: the host who just enrolled is told so.
    overview, url = host.post_form("/courses/product-beauty/quizzes/final/start", {},
                                   "/courses/product-beauty/quizzes/final")  # fmt: skip
    assert url.endswith("/courses/product-beauty/quizzes/final"), url
    assert "opens when you have completed every lesson" in overview, overview[:2000]


def bureau_check(visitor: Visitor, token: str, certificates: dict[str, str]) -> list[dict]:
    rows = [["证书编号", "姓名"], [certificates["valid"], "林小美"], [certificates["revoked"], "陈阿美"]]
    rows += [["NOT-A-NUMBER", "某某"]] * 500
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, _h, body, _u = visitor.send("POST", "/api/v1/verify/bulk", out.getvalue().encode(),
                                        {"Content-Type": "text/csv", "Authorization": f"Bearer {token}"})  # fmt: skip
    assert status == 200, body[:500]
    return json.loads(body)


def test_two_instances_behind_nginx_serve_the_journeys_and_survive_losing_one(site):
    started = time.monotonic()
    base, cafile, access_log = site["base"], site["cafile"], site["access_log"]

    # Plain HTTP is sent to HTTPS; static files come from nginx under hashed names, cached for a year.
    plain = http.client.HTTPConnection("127.0.0.1", site["http_port"], timeout=10)
    plain.request("GET", "/x?y=1")
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.headers["Location"] == "https://127.0.0.1/x?y=1"
    plain.close()
    host = Visitor(base, cafile)
    page = Visitor(base, cafile, language="zh-CN,zh;q=0.9").get("/courses/")
    assert "课程" in page and "登录" in page
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    css_status, css_headers, css_body, _u = host.send("GET", css)
    assert css_status == 200 and "immutable" in css_headers["Cache-Control"] and "{" in css_body
    assert css_headers["Strict-Transport-Security"] is None  # nginx's file, not the app's answer
    # One request id follows a request through nginx and the app (in nginx's log and on the app's pages).
    _status, headers, _body, _url = host.send("GET", "/account/login")
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"]) and headers["Strict-Transport-Security"]
    logged = f"rid={headers['X-Request-ID']} "
    for _ in range(50):  # nginx writes its log line just after the answer leaves
        if logged in access_log.read_text():
            break
        time.sleep(0.1)
    assert logged in access_log.read_text()
    lines_before = len(access_log.read_text().splitlines())

    host_journey(host)
    results = bureau_check(Visitor(base, cafile), site["token"], site["certificates"])
    assert [r["result"] for r in results[:3]] == ["valid", "revoked", "malformed"] and len(results) == 502

    served = upstreams(access_log, lines_before)
    assert len(served) >= 10 and all(path != css for path, _port in served)
    ports = [port for _path, port in served]
    assert set(ports) == set(site["app_ports"])
    assert all(a != b for a, b in zip(ports, ports[1:])), f"requests did not alternate: {ports}"

    # One instance dies (kill -9 of its whole process group) while the host keeps using the site.
    victim, survivor = site["app_ports"]
    lines_before = len(access_log.read_text().splitlines())
    outcomes: list[int] = []
    stop = threading.Event()

    token = re.search(r'name="csrf-token" content="([^"]+)"', host.get("/learning/")).group(1)
    switch = urlencode({"csrf_token": token, "lang": "en", "next": "/learning/"}).encode()

    def keep_browsing() -> None:  # a GET, then a POST (answered by a redirect to a GET), again and again
        while not stop.is_set():
            outcomes.append(host.send("GET", "/learning/")[0])
            outcomes.append(host.send("POST", "/language", switch,
                                      {"Content-Type": "application/x-www-form-urlencoded"})[0])  # fmt: skip

    # Meanwhile the timers' commands run as their units run them; the witness reads the log through nginx.
    env = dict(site["env"], SSL_CERT_FILE=str(cafile))
    timers = {name: subprocess.Popen(unit_command(f"lms-{name}.service", **{
        "${LMS_BASE_URL}": base, "/var/lib/lms/witness": str(site["tmp"] / "witness")}), env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for name in ("notifications", "mail", "witness",
                                                                    "evidence-purge")}  # fmt: skip
    browser = threading.Thread(target=keep_browsing)
    browser.start()
    while len(outcomes) < 20:
        time.sleep(0.01)
    os.killpg(site["processes"][f"app{victim}"].pid, signal.SIGKILL)
    killed_at = len(outcomes)
    while len(outcomes) < killed_at + 40:
        time.sleep(0.01)
    stop.set()
    browser.join(timeout=30)
    said = {name: command.communicate(timeout=120)[0] for name, command in timers.items()}
    assert all(command.returncode == 0 for command in timers.values()), said
    assert "notification(s) created" in said["notifications"] and "message(s) sent" in said["mail"]
    assert "is consistent" in said["witness"]
    assert "deleted 0 snapshot(s) and 0 presence check(s)" in said["evidence-purge"]
    lost = [status for status in outcomes if status != 200]
    assert len(lost) <= 1, f"lost {len(lost)} request(s): {outcomes}"
    after = [port for _path, port in upstreams(access_log, lines_before)][-20:]
    assert set(after) == {survivor}

    duration = time.monotonic() - started
    print(f"\ndeployment: set-up {site['setup_seconds']:.1f} s, journeys and failover {duration:.1f} s, "
          f"{len(outcomes)} requests during failover, {len(lost)} lost, worker {'on' if site['worker'] else 'absent'}")
