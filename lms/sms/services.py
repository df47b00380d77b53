"""Sending a text message. One interface, three senders:

- ``outbox`` (development): stored with the mail in the outbox table and shown at /dev/outbox;
- ``none`` (production until a provider is configured): :func:`sms_available` is False, so no page offers a
  code by SMS and nothing claims a message went out;
- ``aliyun``: Alibaba Cloud SMS (``SendSms``, signature version 1.0), configured in docs/operations.md;
- ``tencent``: Tencent Cloud SMS (``SendSms`` 2021-01-11, TC3-HMAC-SHA256), in :mod:`lms.sms.tencent`.

Tests replace the sender with :class:`FakeSms` through ``app.extensions["lms.sms"]``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Protocol

from sqlalchemy.orm import Session

from lms.config import Config
from lms.mail.models import OutboxMessage
from lms.sms.errors import SmsNotSent
from lms.sms.tencent import TencentSms

__all__ = ["AliyunSms", "FakeSms", "OutboxSms", "SmsNotSent", "SmsSender", "TencentSms", "sender_for"]

log = logging.getLogger("lms.sms")


class SmsSender(Protocol):
    def send(self, session: Session | None, phone: str, code: str, text: str) -> None:
        """Send ``text`` (carrying ``code``) to ``phone``; raise :class:`SmsNotSent` if it did not go out."""


class OutboxSms:
    """Development: the message is stored with the mail, for /dev/outbox."""

    def send(self, session: Session | None, phone: str, code: str, text: str) -> None:
        session.add(OutboxMessage(recipient=phone, subject="SMS", body=text))
        session.flush()


@dataclass
class FakeSms:
    """Tests: remembers what was sent; ``fail`` makes the next sends raise, as a provider outage would."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    def send(self, session: Session | None, phone: str, code: str, text: str) -> None:
        if self.fail:
            raise SmsNotSent("provider unavailable")
        self.sent.append((phone, text))


Post = Callable[[str, bytes], bytes]


def _https_post(url: str, body: bytes) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a fixed https URL
        return response.read()


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


@dataclass
class AliyunSms:
    """Alibaba Cloud SMS ``SendSms`` (API version 2017-05-25) with an approved signature and template whose one
    variable is ``${code}``. ``post`` is replaceable so the request can be checked without any network."""

    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    post: Post = _https_post
    endpoint: str = "https://dysmsapi.aliyuncs.com/"

    def signed_body(self, phone: str, code: str, now: datetime | None = None, nonce: str | None = None) -> bytes:
        now = now or datetime.now(timezone.utc)
        params = {
            "AccessKeyId": self.access_key_id, "Action": "SendSms", "Format": "JSON", "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou", "SignName": self.sign_name, "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or secrets.token_hex(16), "SignatureVersion": "1.0",
            "TemplateCode": self.template_code, "TemplateParam": json.dumps({"code": code}),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
        }  # fmt: skip
        canonical = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(params.items()))
        to_sign = "POST&%2F&" + _quote(canonical)
        digest = hmac.new((self.access_key_secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        params["Signature"] = base64.b64encode(digest).decode()
        return urllib.parse.urlencode(params).encode()

    def send(self, session: Session | None, phone: str, code: str, text: str) -> None:
        try:
            answer = json.loads(self.post(self.endpoint, self.signed_body(phone, code)))
        except (OSError, ValueError) as exc:
            log.warning("SMS not sent: %s", type(exc).__name__)
            raise SmsNotSent(type(exc).__name__) from exc
        if answer.get("Code") != "OK":
            log.warning("SMS refused by the provider: %s", answer.get("Code"))
            raise SmsNotSent(str(answer.get("Code")))


def sender_for(cfg: Config) -> SmsSender | None:
    """The configured sender, or None when no provider is configured (``none``)."""
    if cfg.sms_backend == "outbox":
        return OutboxSms()
    if cfg.sms_backend == "aliyun":
        return AliyunSms(cfg.sms_access_key_id, cfg.sms_access_key_secret, cfg.sms_sign_name, cfg.sms_template_code)
    if cfg.sms_backend == "tencent":
        return TencentSms(cfg.sms_access_key_id, cfg.sms_access_key_secret, cfg.sms_app_id, cfg.sms_sign_name,
                          cfg.sms_template_code, region=cfg.sms_region)  # fmt: skip
    return None
