"""Cross-check with the official Tencent Cloud Python SDK: for the service
document's three examples the emulator must see the same JSON body and the
same value of every signed and X-TC-* header from both clients (except the
timestamp, the signature, X-TC-RequestClient and X-TC-TraceId)."""
import json

import pytest

tencentcloud = pytest.importorskip("tencentcloud")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.tcr.v20190924 import models, tcr_client  # noqa: E402

import tcr  # noqa: E402
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN, TOKEN  # noqa: E402

EXAMPLES = [
    ("enable", {"Enable": True}, dict(enable=True)),
    ("disable", {"Enable": False}, dict(enable=False)),
    ("description", {"Desc": "aaa", "ModifyFlag": 1}, dict(desc="aaa", modify_flag=1)),
]
IGNORED = {"x-tc-timestamp", "x-tc-requestclient", "x-tc-traceid", "authorization"}


def compared_headers(seen):
    headers = seen["headers"]
    return {k: v for k, v in headers.items() if (k.startswith("x-tc-") or k in ("content-type", "host"))
            and k not in IGNORED}


@pytest.mark.parametrize("secret_id,secret_key,token", [(SECRET_ID, SECRET_KEY, None), (TEMP_ID, TEMP_KEY, TEMP_TOKEN)])
@pytest.mark.parametrize("name,sdk_fields,our_kwargs", EXAMPLES)
def test_same_body_and_headers_as_the_official_sdk(emulator, secret_id, secret_key, token, name, sdk_fields, our_kwargs):
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=emulator.url.split("://")[1], protocol="http"))
    sdk = tcr_client.TcrClient(credential.Credential(secret_id, secret_key, token), "ap-guangzhou", profile)
    request = models.ModifyInstanceTokenRequest()
    request.from_json_string(json.dumps({"RegistryId": REGISTRY, "TokenId": TOKEN, **sdk_fields}))
    sdk.ModifyInstanceToken(request)
    sdk_seen = emulator.requests()[-1]

    # The SDK's profile sends X-TC-Language zh-CN by default; say the same.
    with tcr.Client(secret_id=secret_id, secret_key=secret_key, session_token=token, region="ap-guangzhou",
                    endpoint=emulator.url, language=profile.language) as ours:
        ours.modify_instance_token(REGISTRY, TOKEN, **our_kwargs)
    our_seen = emulator.requests()[-1]

    assert sdk_seen["code"] == our_seen["code"] == "OK"
    assert our_seen["body"] == sdk_seen["body"]  # byte for byte, not just the same JSON
    assert json.loads(our_seen["body"]) == {"RegistryId": REGISTRY, "TokenId": TOKEN, **sdk_fields}
    assert compared_headers(our_seen) == compared_headers(sdk_seen)
    assert {"content-type", "host", "x-tc-action", "x-tc-version", "x-tc-region"} <= set(compared_headers(our_seen))
