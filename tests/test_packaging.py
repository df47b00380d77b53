"""The built wheel is the whole site: installed into a fresh venv, it creates its database, imports the shipped
catalogue and serves Chinese pages with their styles, run from ``/`` with nothing of the source tree in reach."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

#: What a source distribution holds (MANIFEST.in); the wheel is built from a copy, away from the checkout's build/.
SOURCES = ("pyproject.toml", "README.md", "MANIFEST.in", "build_hooks.py", "lms", "static", "courses", "instruments", "migrations")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "shipped")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    # No build isolation: the test environment already has setuptools, wheel and babel, so nothing is downloaded.
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True, timeout=180)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("lms-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new venv with only the wheel installed; the dependencies come from this venv's site-packages (a .pth line
    appended after the venv's own site-packages, so the installed ``lms`` comes first)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=120)  # fmt: skip
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    Path(purelib, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_wheel_installs_and_serves_chinese_pages_with_styles_from_anywhere(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("lms/templates/base.html", "lms/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
                   "lms/shipped/static/css/site.css", "lms/shipped/courses/skills.yaml",
                   "lms/shipped/migrations/env.py", "lms/shipped/instruments/who5-zh-CN.yaml",
                   "lms/credentials/contexts/credentials-v2.jsonld",
                   "lms/py.typed"):  # fmt: skip
        assert needed in names, needed
    assert any(n.startswith("lms/shipped/migrations/versions/") for n in names)
    assert any(n.startswith("lms/credentials/schemas/") for n in names)

    venv = _fresh_venv(tmp_path, wheel)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_") and k != "PYTHONPATH"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    lms = str(venv / "bin" / "lms")

    def run(*args: str) -> str:
        done = subprocess.run([lms, *args], cwd="/", env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import lms; print(lms.__file__)"], cwd="/",
                           env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert where.startswith(str(venv))
    assert "latest schema" in run("init-db")
    assert "created   product-beauty" in run("courses", "sync")
    instance = tmp_path / "data" / "lms"
    assert (instance / "lms.sqlite3").is_file() and (instance / "pii_key").is_file()
    assert not list(venv.rglob("site-packages/instance"))

    port = _free_port()
    server = subprocess.Popen([lms, "serve", "--port", str(port)], cwd="/", env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        page = _get(f"http://127.0.0.1:{port}/courses/", deadline=time.monotonic() + 30)
        assert "课程" in page and "登录" in page  # the compiled Chinese catalogue is in the wheel
        assert "美妆" in page  # a course of the shipped catalogue
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "no hashed stylesheet link"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css.group(1)}", timeout=5) as r:
            assert r.status == 200 and "immutable" in r.headers["Cache-Control"]
            assert r.read() == (ROOT / "static" / "css" / "site.css").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=15)


def _get(url: str, deadline: float) -> str:
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
