#!/usr/bin/env python3
"""Generates signature vectors with the official Tencent Cloud Python SDK.

For each case the SDK builds a real ModifyInstanceToken request at a fixed
timestamp; the request is captured just before it would be sent (nothing goes
on the network) and printed as JSON: the inputs, the exact body, the headers
and the Authorization header. tests/sdk_vectors.rs checks that this library
produces the same bytes. `make check-vectors` reruns this script and fails on
any difference with the committed tests/vectors/sdk_vectors.json.

"language" is the language the SDK's profile used: it defaults to zh-CN and
always sends X-TC-Language, where this library sends it only when set.

X-TC-RequestClient (the SDK's own name and version) and X-TC-TraceId (random)
are left out: they are not signed and differ between clients by design.
"""
import json
import sys
from unittest import mock

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcr.v20190924 import models, tcr_client

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
REGISTRY = "tcr-12345"
TOKEN = "2ab3af0d-893d-423f-91b1-27713566f95f"
T0 = 1700000000  # 2023-11-14T22:13:20Z


class Captured(Exception):
    """Raised instead of sending, carrying the request the SDK built."""

    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def capture(case):
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=case.get("endpoint", "tcr.tencentcloudapi.com")))
    if "language" in case:
        profile.language = case["language"]
    cred = credential.Credential(case.get("secret_id", SECRET_ID), case.get("secret_key", SECRET_KEY), case.get("session_token"))
    client = tcr_client.TcrClient(cred, case.get("region", "ap-guangzhou"), profile)

    seen = {}

    def send_request(req):
        seen["request"] = req
        raise Captured(req)

    client.request.send_request = send_request
    request = models.ModifyInstanceTokenRequest()
    request.from_json_string(json.dumps(case["request"]))
    with mock.patch("time.time", return_value=case["timestamp"]):
        try:
            client.ModifyInstanceToken(request)
        except TencentCloudSDKException:
            pass
    req = seen["request"]
    headers = {k: v for k, v in req.header.items() if k not in ("X-TC-RequestClient", "X-TC-TraceId", "Authorization")}
    return {
        "name": case["name"],
        "secret_id": case.get("secret_id", SECRET_ID),
        "secret_key": case.get("secret_key", SECRET_KEY),
        "session_token": case.get("session_token"),
        "region": case.get("region", "ap-guangzhou"),
        "endpoint": case.get("endpoint", "tcr.tencentcloudapi.com"),
        # The SDK's profile defaults to zh-CN and always sends X-TC-Language.
        "language": profile.language,
        "timestamp": case["timestamp"],
        "request": case["request"],
        "payload": req.data,
        "headers": dict(sorted(headers.items())),
        "authorization": req.header["Authorization"],
    }


def base(**extra):
    request = {"RegistryId": REGISTRY, "TokenId": TOKEN}
    request.update(extra)
    return request


CASES = [
    {"name": "seed example 1: enable", "timestamp": T0, "request": base(Enable=True)},
    {"name": "seed example 2: disable", "timestamp": T0, "request": base(Enable=False)},
    {"name": "seed example 3: update the description", "timestamp": T0, "request": base(Desc="aaa", ModifyFlag=1)},
    {"name": "Enable=false with ModifyFlag=2", "timestamp": T0, "request": base(Enable=False, ModifyFlag=2)},
    {"name": "Enable=true with ModifyFlag=2", "timestamp": T0 + 1, "request": base(Enable=True, ModifyFlag=2)},
    {"name": "non-ASCII description", "timestamp": T0, "request": base(Desc="生产环境 CI 凭证 é", ModifyFlag=1)},
    {"name": "astral-plane description (surrogate pairs)", "timestamp": T0, "request": base(Desc="deploy 🚀 token 😀", ModifyFlag=1)},
    {"name": "empty description", "timestamp": T0, "request": base(Desc="", ModifyFlag=1)},
    {"name": "description with quotes, backslash and markup", "timestamp": T0,
     "request": base(Desc='say "hi" \\ <b>&amp;</b>', ModifyFlag=1)},
    {"name": "session token", "timestamp": T0, "request": base(Enable=True),
     "session_token": "tmp-session-token-Zm9vYmFyLzEyMzQ1Njc4OTA+PQ=="},
    {"name": "session token and English messages", "timestamp": T0, "request": base(Enable=False),
     "session_token": "another-session-token", "language": "en-US"},
    {"name": "language zh-CN", "timestamp": T0, "request": base(Enable=True), "language": "zh-CN"},
    {"name": "one second before UTC midnight", "timestamp": 1735689599, "request": base(Enable=True)},
    {"name": "exactly UTC midnight", "timestamp": 1735689600, "request": base(Enable=True)},
    {"name": "one second after UTC midnight", "timestamp": 1735689601, "request": base(Enable=True)},
    {"name": "leap day", "timestamp": 1709208000, "request": base(Enable=True)},
    {"name": "timestamp past 2038", "timestamp": 2147483648, "request": base(Enable=True)},
    {"name": "timestamp of Tencent's published example", "timestamp": 1551113065, "request": base(Enable=True)},
    {"name": "large payload (1024-character description)", "timestamp": T0,
     "request": base(Desc="镜像仓库长期访问凭证" * 102 + "ab", ModifyFlag=1)},
    {"name": "other region", "timestamp": T0, "request": base(Enable=True), "region": "ap-shanghai"},
    {"name": "regional endpoint", "timestamp": T0, "request": base(Enable=True),
     "endpoint": "tcr.ap-guangzhou.tencentcloudapi.com"},
    {"name": "endpoint with a port", "timestamp": T0, "request": base(Enable=False), "endpoint": "127.0.0.1:8080"},
    {"name": "other key pair", "timestamp": T0, "request": base(Enable=True),
     "secret_id": "AKIDotherKeyForVectors0000000000000", "secret_key": "otherSecretKeyForVectors00000000"},
    {"name": "description and enable together", "timestamp": T0, "request": base(Enable=True, Desc="both", ModifyFlag=1)},
    {"name": "other registry and token", "timestamp": T0,
     "request": {"RegistryId": "tcr-abcdef12", "TokenId": "0f0e0d0c-0b0a-4909-8807-060504030201", "Enable": False}},
]


def main():
    vectors = [capture(case) for case in CASES]
    json.dump({"generator": "tests/vectors/generate.py", "vectors": vectors}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
