"""The official Tencent Cloud Python SDK against tcr-emulator.

The emulator must accept what the SDK sends (its signature, headers and body)
for the three examples of the service document, change the state as the
service would, and answer errors the way the SDK expects to read them.
"""
import json
import os
import pathlib
import subprocess
import urllib.request

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcr.v20190924 import models, tcr_client

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECRET_ID, SECRET_KEY = "AKIDPYSDKTEST", "python-sdk-secret-key"
TEMP_ID, TEMP_KEY, TEMP_TOKEN = "AKIDPYTEMP", "python-temp-key", "python-session-token"
REGISTRY, TOKEN = "tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f"


@pytest.fixture()
def emulator():
    binary = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))
    proc = subprocess.Popen(
        [binary, "--key", f"{SECRET_ID}:{SECRET_KEY}", "--key", f"{TEMP_ID}:{TEMP_KEY}:{TEMP_TOKEN}",
         "--token", f"{REGISTRY}:{TOKEN}:on", "--rate", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


def control(url, path):
    with urllib.request.urlopen(url + path, timeout=10) as reply:
        return json.load(reply)


def sdk_client(url, secret_id=SECRET_ID, secret_key=SECRET_KEY, token=None):
    http = HttpProfile(endpoint=url.split("://", 1)[1], protocol="http", reqTimeout=10)
    return tcr_client.TcrClient(credential.Credential(secret_id, secret_key, token), "ap-guangzhou",
                                ClientProfile(httpProfile=http))


def modify(client, **fields):
    request = models.ModifyInstanceTokenRequest()
    request.from_json_string(json.dumps({"RegistryId": REGISTRY, "TokenId": TOKEN, **fields}))
    return client.ModifyInstanceToken(request)


def token_state(url):
    return control(url, "/_emulator/state")["registries"][REGISTRY][TOKEN]


def test_the_three_seed_examples_are_accepted_and_change_the_state(emulator):
    client = sdk_client(emulator)
    ids = []
    ids.append(modify(client, Enable=False).RequestId)
    assert token_state(emulator) == {"enabled": False, "desc": ""}
    ids.append(modify(client, Enable=True).RequestId)
    assert token_state(emulator) == {"enabled": True, "desc": ""}
    ids.append(modify(client, Desc="aaa", ModifyFlag=1).RequestId)
    assert token_state(emulator) == {"enabled": True, "desc": "aaa"}
    assert len(set(ids)) == 3 and all(len(i) == 36 for i in ids)
    stats = control(emulator, "/_emulator/stats")
    assert stats["accepted"] == 3 and stats["rejected"] == 0


def test_state_reads_back_through_describe_instance_token(emulator):
    client = sdk_client(emulator)
    modify(client, Desc="from the SDK", ModifyFlag=1)
    request = models.DescribeInstanceTokenRequest()
    request.RegistryId = REGISTRY
    reply = client.DescribeInstanceToken(request)
    assert reply.TotalCount == 1
    assert reply.Tokens[0].Id == TOKEN and reply.Tokens[0].Desc == "from the SDK" and reply.Tokens[0].Enabled is True


def test_temporary_credentials_with_session_token(emulator):
    modify(sdk_client(emulator, TEMP_ID, TEMP_KEY, TEMP_TOKEN), Enable=False)
    assert token_state(emulator)["enabled"] is False
    with pytest.raises(TencentCloudSDKException) as raised:
        modify(sdk_client(emulator, TEMP_ID, TEMP_KEY, "wrong-token"), Enable=True)
    assert raised.value.get_code() == "AuthFailure.TokenFailure"


@pytest.mark.parametrize("secret_id,secret_key,fields,code", [
    (SECRET_ID, "wrong-key", {"Enable": True}, "AuthFailure.SignatureFailure"),
    ("AKIDNOBODY", SECRET_KEY, {"Enable": True}, "AuthFailure.SecretIdNotFound"),
    (SECRET_ID, SECRET_KEY, {"TokenId": "no-such-token", "Enable": True}, "ResourceNotFound"),
    (SECRET_ID, SECRET_KEY, {"Enable": True, "ModifyFlag": 5}, "InvalidParameterValue"),
    (SECRET_ID, SECRET_KEY, {"ModifyFlag": 1}, "MissingParameter"),
])
def test_errors_reach_the_sdk_as_it_expects(emulator, secret_id, secret_key, fields, code):
    before = token_state(emulator)
    with pytest.raises(TencentCloudSDKException) as raised:
        modify(sdk_client(emulator, secret_id, secret_key), **fields)
    assert raised.value.get_code() == code
    assert len(raised.value.get_request_id()) == 36
    assert raised.value.get_message()
    assert token_state(emulator) == before


def test_the_sdk_fails_every_call_against_a_service_clock_15_minutes_ahead(emulator):
    """What libtcr corrects (tests/clock.rs and each binding's tests): the
    official SDK signs with the local clock only, so every call is refused."""
    request = urllib.request.Request(emulator + "/_emulator/clock?offset=900", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert json.load(reply)["offset"] == 900
    client = sdk_client(emulator)
    for _ in range(3):
        with pytest.raises(TencentCloudSDKException) as raised:
            modify(client, Enable=False)
        assert raised.value.get_code() == "AuthFailure.SignatureExpire"
    assert token_state(emulator)["enabled"] is True
