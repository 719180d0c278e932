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


ROLE = "qcs::cam::uin/100000000001:roleName/sdk-cross-check"
PROVIDER, OIDC_TOKEN = "sdk-oidc-provider", "eyJhbGciOiJSUzI1NiJ9.sdk-web-identity.sig"


@pytest.fixture()
def sts_emulator(tmp_path, monkeypatch):
    """An HTTPS emulator serving STS: the SDK's credential classes build their
    own https client, so they are made to trust the emulator's CA (certifi's
    bundle is what they verify with)."""
    import certifi

    binary = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))
    ca = tmp_path / "ca.pem"
    proc = subprocess.Popen(
        [binary, "--key", f"{SECRET_ID}:{SECRET_KEY}", "--token", f"{REGISTRY}:{TOKEN}:on", "--rate", "0",
         "--tls-cert", str(ca), "--sts-role", ROLE, "--oidc-provider", PROVIDER, "--oidc-role", ROLE,
         "--oidc-token", OIDC_TOKEN],
        stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:"), url
        monkeypatch.setattr(certifi, "where", lambda: str(ca))
        yield url, str(ca)
    finally:
        proc.kill()
        proc.wait(timeout=10)


def https_stats(url, ca):
    import ssl

    with urllib.request.urlopen(url + "/_emulator/stats", timeout=10,
                                context=ssl.create_default_context(cafile=ca)) as reply:
        return json.load(reply)


def tcr_call_with(url, cred):
    http = HttpProfile(endpoint=url.split("://", 1)[1], reqTimeout=10)
    client = tcr_client.TcrClient(cred, "ap-guangzhou", ClientProfile(httpProfile=http))
    return modify(client, Enable=False)


def test_the_sdks_assume_role_credential_is_accepted(sts_emulator):
    url, ca = sts_emulator
    cred = credential.STSAssumeRoleCredential(SECRET_ID, SECRET_KEY, ROLE, "sdk-session",
                                              endpoint=url.split("://", 1)[1])
    assert len(tcr_call_with(url, cred).RequestId) == 36
    stats = https_stats(url, ca)
    assert stats["sts_assume_role"] == 1 and stats["accepted"] == 2, stats


def test_the_sdks_oidc_role_arn_credential_is_accepted(sts_emulator):
    url, ca = sts_emulator
    cred = credential.OIDCRoleArnCredential("ap-guangzhou", PROVIDER, OIDC_TOKEN, ROLE, "sdk-session",
                                            endpoint=url.split("://", 1)[1])
    assert len(tcr_call_with(url, cred).RequestId) == 36
    stats = https_stats(url, ca)
    assert stats["sts_web_identity"] == 1 and stats["accepted"] == 2, stats


def test_a_wrong_web_identity_token_gets_the_services_code(sts_emulator):
    url, _ = sts_emulator
    cred = credential.OIDCRoleArnCredential("ap-guangzhou", PROVIDER, "not-the-token", ROLE, "sdk-session",
                                            endpoint=url.split("://", 1)[1])
    with pytest.raises(TencentCloudSDKException) as raised:
        cred.get_credential_info()
    assert raised.value.get_code() == "InvalidParameter.WebIdentityTokenError"
