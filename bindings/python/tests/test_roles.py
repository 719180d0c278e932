"""Roles and workload identity from Python: a TKE pod, a role-assuming job,
a tccli profile, and which source a client ended up with."""
import asyncio
import json

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TOKEN, spawn_emulator

ROLE = "qcs::cam::uin/100000000001:roleName/py-deployer"
PROVIDER, OIDC_TOKEN = "py-oidc-provider", "eyJhbGciOiJSUzI1NiJ9.py-projected-token.sig"
STS = ("--sts-role", ROLE, "--oidc-provider", PROVIDER, "--oidc-role", ROLE, "--oidc-token", OIDC_TOKEN)


@pytest.fixture()
def environment(monkeypatch, tmp_path):
    """Nothing from the real environment: no keys, no HOME profiles."""
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN",
                 "TENCENTCLOUD_ROLE_ARN", "TCCLI_PROFILE", "TKE_REGION", "TKE_PROVIDER_ID",
                 "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN", "TCR_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


def test_a_tke_pod(environment, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(OIDC_TOKEN)
    with spawn_emulator(*STS) as emulator:
        # What TKE's workload identity sets in the pod.
        for name, value in (("TKE_REGION", "ap-guangzhou"), ("TKE_PROVIDER_ID", PROVIDER),
                            ("TKE_WEB_IDENTITY_TOKEN_FILE", str(token_file)), ("TKE_ROLE_ARN", ROLE)):
            environment.setenv(name, value)
        environment.setenv("TCR_ENDPOINT", emulator.url)  # the pod would reach the service itself
        with tcr.Client(region="ap-guangzhou", sts_endpoint=emulator.url, disable_metadata=True) as client:
            assert client.credential_source.startswith("TKE OIDC (TKE_* environment)")
            assert OIDC_TOKEN not in client.credential_source
            client.modify_instance_token(REGISTRY, TOKEN, enable=False)
        assert emulator.stats()["sts_web_identity"] == 1
        assert emulator.token()["enabled"] is False


def test_a_role_assuming_job(environment):
    with spawn_emulator(*STS) as emulator:
        environment.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        environment.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
        with tcr.Client(region="ap-guangzhou", endpoint=emulator.url, sts_endpoint=emulator.url,
                        role_arn=ROLE, role_session_name="py-job", role_duration=1800,
                        disable_metadata=True) as client:
            assert client.credential_source == f"STS AssumeRole {ROLE} (session py-job) over environment"
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
            client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
        assert emulator.stats()["sts_assume_role"] == 1
        sts = [r for r in emulator.requests() if r["headers"]["x-tc-version"] == "2018-08-13"]
        assert json.loads(sts[0]["body"]) == {"RoleArn": ROLE, "RoleSessionName": "py-job", "DurationSeconds": 1800}


def test_a_tccli_profile_and_a_forced_source(environment, tmp_path):
    tccli = tmp_path / "tccli"
    tccli.mkdir()
    (tccli / "ci.credential").write_text(json.dumps({"secretId": SECRET_ID, "secretKey": SECRET_KEY, "role-arn": ROLE}))
    (tccli / "ci.configure").write_text(json.dumps({"_sys_param": {"region": "ap-shanghai"}}))
    environment.setenv("TCCLI_PROFILE", "ci")
    with spawn_emulator(*STS) as emulator:
        with tcr.Client(endpoint=emulator.url, sts_endpoint=emulator.url, tccli_dir=tccli,
                        disable_metadata=True) as client:
            assert client.credential_source.startswith(f"STS AssumeRole {ROLE}")
            assert client.credential_source.endswith(f"over tccli profile {tccli}/ci.credential")
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        # Forced to the environment, which has no keys: a clear error.
        with pytest.raises(tcr.CredentialsError) as raised:
            tcr.Client(endpoint=emulator.url, tccli_dir=tccli, credential_source="environment")
        assert "no credentials found" in raised.value.message and "environment" in raised.value.message
        with pytest.raises(tcr.InvalidArgumentError, match="credential_source"):
            tcr.Client(endpoint=emulator.url, region="ap-guangzhou", credential_source="everywhere")


def test_sts_refusing_the_token_is_a_credentials_error_without_the_token(environment, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("eyJhbGciOiJSUzI1NiJ9.not-the-right-token.sig")
    with spawn_emulator(*STS) as emulator:
        with pytest.raises(tcr.CredentialsError) as raised:
            tcr.Client(region="ap-guangzhou", endpoint=emulator.url, sts_endpoint=emulator.url,
                       oidc_provider_id=PROVIDER, web_identity_token_file=token_file, role_arn=ROLE)
        assert "InvalidParameter.WebIdentityTokenError" in raised.value.message
        assert "not-the-right-token" not in str(raised.value) and "not-the-right-token" not in repr(raised.value)


def test_the_async_client_takes_the_role_options(environment):
    async def run(url):
        async with tcr.AsyncClient(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=url,
                                   sts_endpoint=url, role_arn=ROLE, disable_metadata=True) as client:
            assert client.credential_source.startswith(f"STS AssumeRole {ROLE}")
            await client.modify_instance_token(REGISTRY, TOKEN, enable=True)

    with spawn_emulator(*STS) as emulator:
        asyncio.run(run(emulator.url))
        assert emulator.stats()["sts_assume_role"] == 1
