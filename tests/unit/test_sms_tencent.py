"""Tencent Cloud SMS (issue 22, item 1): the TC3-HMAC-SHA256 signing checked against the worked example of Tencent
Cloud API 3.0's "Signature v3" document (CVM DescribeInstances, timestamp 1551113065, the documentation's example
key pair), then the SendSms request the site would send, which is never sent here."""

import json
from datetime import datetime, timezone

import pytest

from lms.config import Config, ConfigError
from lms.sms import tencent
from lms.sms.services import SmsNotSent, sender_for

# The worked example of the document, as published.
DOC_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
DOC_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
DOC_PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
DOC_TIMESTAMP = 1551113065
DOC_CANONICAL = ("POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
                 "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")  # fmt: skip
DOC_STRING_TO_SIGN = ("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                      "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")  # fmt: skip
DOC_AUTHORIZATION = ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
                     "SignedHeaders=content-type;host, "
                     "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")  # fmt: skip


def test_each_signing_step_matches_tencents_worked_example():
    canonical = tencent.canonical_request("cvm.tencentcloudapi.com", DOC_PAYLOAD)
    assert canonical == DOC_CANONICAL
    to_sign = tencent.string_to_sign(DOC_TIMESTAMP, "cvm", canonical)
    assert to_sign == DOC_STRING_TO_SIGN  # the scope's date is the UTC date: 2019-02-25, not China's 02-26
    assert tencent.signature(DOC_SECRET_KEY, DOC_TIMESTAMP, "cvm", to_sign) == DOC_AUTHORIZATION.rsplit("=", 1)[1]
    assert tencent.authorization(DOC_SECRET_ID, DOC_SECRET_KEY, service="cvm", host="cvm.tencentcloudapi.com",
                                 timestamp=DOC_TIMESTAMP, payload=DOC_PAYLOAD) == DOC_AUTHORIZATION  # fmt: skip


def test_the_send_sms_request_the_site_would_send():
    sms = tencent.TencentSms("AKIDtest", "secret", "1400006666", "主播学堂", "1110")
    url, body, headers = sms.request("13900139000", "123456", now=datetime(2026, 12, 6, 16, 30, tzinfo=timezone.utc))
    assert url == "https://sms.tencentcloudapi.com/"
    assert json.loads(body) == {"PhoneNumberSet": ["+8613900139000"], "SmsSdkAppId": "1400006666",
                                "SignName": "主播学堂", "TemplateId": "1110", "TemplateParamSet": ["123456"]}  # fmt: skip
    assert headers["X-TC-Action"] == "SendSms" and headers["X-TC-Version"] == "2021-01-11"
    assert headers["X-TC-Region"] == "ap-guangzhou" and headers["X-TC-Timestamp"] == "1796574600"
    assert headers["Content-Type"] == "application/json; charset=utf-8" and headers["Host"] == "sms.tencentcloudapi.com"
    # Signed over exactly the bytes sent, with the service "sms" and the UTC date.
    expected = tencent.authorization("AKIDtest", "secret", service="sms", host="sms.tencentcloudapi.com",
                                     timestamp=1796574600, payload=body)  # fmt: skip
    assert headers["Authorization"] == expected
    assert "Credential=AKIDtest/2026-12-06/sms/tc3_request, SignedHeaders=content-type;host, Signature=" in expected


def _answer(payload: dict):
    sent = []

    def post(url, body, headers):
        sent.append((url, body, headers))
        return json.dumps(payload).encode()

    return sent, post


def test_only_an_ok_status_counts_as_sent():
    sent, post = _answer({"Response": {"SendStatusSet": [{"Code": "Ok", "PhoneNumber": "+8613900139000"}],
                                       "RequestId": "r1"}})  # fmt: skip
    tencent.TencentSms("id", "key", "1400006666", "主播学堂", "1110", post=post).send(None, "13900139000", "1", "t")
    assert len(sent) == 1
    for refused in ({"Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]}},
                    {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "x"}}},
                    {"Response": {"SendStatusSet": []}}, {}):  # fmt: skip
        _sent, post = _answer(refused)
        with pytest.raises(SmsNotSent):
            tencent.TencentSms("id", "key", "1400006666", "主播学堂", "1110", post=post).send(None, "13900139000", "1", "t")

    def unreachable(url, body, headers):
        raise OSError("timed out")

    with pytest.raises(SmsNotSent):
        tencent.TencentSms("id", "key", "1", "s", "t", post=unreachable).send(None, "13900139000", "1", "t")


def test_configuration_names_what_is_missing(tmp_path):
    env = {"LMS_INSTANCE_PATH": str(tmp_path), "LMS_SMS_BACKEND": "tencent", "LMS_SMS_ACCESS_KEY_ID": "AKID",
           "LMS_SMS_ACCESS_KEY_SECRET": "key", "LMS_SMS_SIGN_NAME": "主播学堂", "LMS_SMS_TEMPLATE_CODE": "1110"}  # fmt: skip
    with pytest.raises(ConfigError, match="LMS_SMS_APP_ID"):
        Config.from_env(env).resolved()
    cfg = Config.from_env(env | {"LMS_SMS_APP_ID": "1400006666", "LMS_SMS_REGION": "ap-beijing"}).resolved()
    sender = sender_for(cfg)
    assert isinstance(sender, tencent.TencentSms) and sender.app_id == "1400006666" and sender.region == "ap-beijing"
