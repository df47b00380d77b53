"""Tencent Cloud SMS: ``SendSms`` (API 2021-01-11) signed with TC3-HMAC-SHA256, Tencent Cloud API 3.0's signature.

The signature, step by step as Tencent's "Signature v3" document gives it:

1. CanonicalRequest = method, URI ``/``, the query string (empty for POST), the canonical headers
   (``content-type:…\\nhost:…\\n``: lower-case names, trimmed values, sorted), the signed header names
   (``content-type;host``) and the hex SHA-256 of the body, one per line;
2. StringToSign = ``TC3-HMAC-SHA256``, the Unix timestamp, the credential scope ``<UTC date>/<service>/tc3_request``
   and the hex SHA-256 of the canonical request, one per line;
3. the key is derived by HMAC-SHA256 chained over the UTC date, the service and ``tc3_request``, starting from
   ``"TC3" + SecretKey``; the signature is the hex HMAC-SHA256 of StringToSign under it;
4. ``Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<scope>, SignedHeaders=content-type;host, Signature=…``.

The request is never sent from the tests: ``post`` is replaceable, and a test checks the signing against the worked
example of Tencent's document.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from lms.sms.errors import SmsNotSent

log = logging.getLogger("lms.sms")

ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host"

PostJson = Callable[[str, bytes, dict[str, str]], bytes]


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def canonical_request(host: str, payload: bytes, content_type: str = CONTENT_TYPE) -> str:
    """Step 1, for a POST of a JSON body to ``/``."""
    headers = f"content-type:{content_type.strip().lower()}\nhost:{host.strip().lower()}\n"
    return "\n".join(["POST", "/", "", headers, SIGNED_HEADERS, _sha256_hex(payload)])


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    """Step 2. The date of the scope is the UTC date of the timestamp (never China time)."""
    day = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    return "\n".join([ALGORITHM, str(timestamp), f"{day}/{service}/tc3_request",
                      _sha256_hex(canonical.encode("utf-8"))])  # fmt: skip


def signature(secret_key: str, timestamp: int, service: str, to_sign: str) -> str:
    """Step 3."""
    day = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, *, service: str, host: str, timestamp: int, payload: bytes) -> str:
    """Steps 1 to 4: the Authorization header of a POST of ``payload`` to ``https://<host>/``."""
    to_sign = string_to_sign(timestamp, service, canonical_request(host, payload))
    scope = to_sign.split("\n")[2]
    return (f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, "
            f"Signature={signature(secret_key, timestamp, service, to_sign)}")  # fmt: skip


def _https_post_json(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a fixed https URL
        return response.read()


@dataclass
class TencentSms:
    """Tencent Cloud SMS ``SendSms`` with an approved signature (签名) and a template (模板) whose one parameter is
    the code. ``secret_id``/``secret_key``: an API key of a CAM sub-user allowed only ``sms:SendSms``."""

    secret_id: str
    secret_key: str
    app_id: str  # SmsSdkAppId, e.g. 1400006666
    sign_name: str
    template_id: str
    region: str = "ap-guangzhou"
    post: PostJson = _https_post_json
    host: str = "sms.tencentcloudapi.com"

    def request(self, phone: str, code: str, now: datetime | None = None) -> tuple[str, bytes, dict[str, str]]:
        """The URL, body and headers of the ``SendSms`` request for ``phone`` (11 digits, mainland China)."""
        timestamp = int((now or datetime.now(timezone.utc)).timestamp())
        body = json.dumps({
            "PhoneNumberSet": ["+86" + phone], "SmsSdkAppId": self.app_id, "SignName": self.sign_name,
            "TemplateId": self.template_id, "TemplateParamSet": [code],
        }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")  # fmt: skip
        headers = {
            "Authorization": authorization(self.secret_id, self.secret_key, service="sms", host=self.host,
                                           timestamp=timestamp, payload=body),
            "Content-Type": CONTENT_TYPE, "Host": self.host, "X-TC-Action": "SendSms", "X-TC-Version": "2021-01-11",
            "X-TC-Region": self.region, "X-TC-Timestamp": str(timestamp),
        }  # fmt: skip
        return f"https://{self.host}/", body, headers

    def send(self, session, phone: str, code: str, text: str) -> None:
        try:
            answer = json.loads(self.post(*self.request(phone, code)))
        except (OSError, ValueError) as exc:
            log.warning("SMS not sent: %s", type(exc).__name__)
            raise SmsNotSent(type(exc).__name__) from exc
        response = answer.get("Response") if isinstance(answer, dict) else None
        statuses = (response or {}).get("SendStatusSet") or []
        if not response or response.get("Error") or not statuses or statuses[0].get("Code") != "Ok":
            refused = (response or {}).get("Error", {}).get("Code") or (statuses[0].get("Code") if statuses else "none")
            log.warning("SMS refused by the provider: %s", refused)
            raise SmsNotSent(str(refused))
