"""deploy/: every systemd unit runs a command the installed site has, every timer starts its service, and the
settings the units and nginx rely on match the app's."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from lms.cli import main
from lms.config import Config
from tests.conftest import ROOT

SYSTEMD = ROOT / "deploy" / "systemd"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def test_every_lms_command_in_the_units_exists():
    ctx = main.make_context("lms", ["--help"], resilient_parsing=True)
    commands = {}
    for path in sorted(SYSTEMD.glob("lms-*.service")):
        words = shlex.split(unit(path)["Service"]["ExecStart"])
        assert words[0] == "/opt/lms/venv/bin/lms", path.name
        commands[path.name] = (words + [""])[1:3]
    assert set(commands) == {"lms-worker.service", "lms-notifications.service", "lms-mail.service",
                             "lms-witness.service", "lms-evidence-purge.service"}  # fmt: skip
    assert commands["lms-evidence-purge.service"] == ["evidence", "purge"]
    for name, (group, sub) in commands.items():
        if name == "lms-worker.service":
            continue  # `lms worker` comes with the background jobs (issue 15, part 3)
        command = main.get_command(ctx, group)
        assert command is not None, (name, group)
        if sub and not sub.startswith(("-", "$")):
            assert command.get_command(ctx, sub) is not None, (name, group, sub)


def test_every_timer_starts_its_oneshot_service():
    timers = sorted(SYSTEMD.glob("*.timer"))
    assert {t.stem for t in timers} == {"lms-notifications", "lms-mail", "lms-witness", "lms-evidence-purge"}
    for timer in timers:
        assert unit(timer)["Timer"]["OnCalendar"] and unit(timer)["Install"]["WantedBy"] == "timers.target"
        assert unit(SYSTEMD / f"{timer.stem}.service")["Service"]["Type"] == "oneshot"


def test_env_example_names_only_real_settings_and_one_trusted_proxy():
    known = {"LMS_" + name.upper() for name in Config.__dataclass_fields__} | {"LMS_TRUSTED_PROXIES"}
    settings = dict(line.split("=", 1) for line in (ROOT / "deploy" / "env.example").read_text().splitlines()
                    if line and not line.startswith("#"))  # fmt: skip
    assert set(settings) <= known, set(settings) - known
    assert settings["LMS_TRUSTED_PROXIES"] == "1" and settings["LMS_ENV"] == "production"
    nginx = (ROOT / "deploy" / "nginx" / "lms.conf").read_text()
    assert "X-Forwarded-For $remote_addr" in nginx  # one hop, as LMS_TRUSTED_PROXIES=1 says


def test_evidence_is_purged_daily_at_night_china_time():
    timer = unit(SYSTEMD / "lms-evidence-purge.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 03:30:00 Asia/Shanghai" and timer["Persistent"] == "true"
    service = unit(SYSTEMD / "lms-evidence-purge.service")["Service"]
    assert (service["User"], service["EnvironmentFile"]) == ("lms", "/etc/lms/env")
