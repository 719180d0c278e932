"""Client.call: any TCR action by name, and the token lifecycle."""
import pytest

import tcr
from conftest import REGISTRY, TOKEN


def test_a_long_term_credential_from_creation_to_deletion(emulator, client):
    created = client.call("CreateInstanceToken", {"RegistryId": REGISTRY, "TokenType": "longterm",
                                                  "Desc": "made from Python"})
    token_id = created["TokenId"]
    assert created["Token"] and created["Username"] and created["RequestId"]
    client.modify_instance_token(REGISTRY, token_id, enable=False)
    listed = client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
    mine = [t for t in listed["Tokens"] if t["Id"] == token_id]
    assert mine and mine[0]["Enabled"] is False and mine[0]["Desc"] == "made from Python"
    client.call("DeleteInstanceToken", {"RegistryId": REGISTRY, "TokenId": token_id})
    assert [t["Id"] for t in client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})["Tokens"]] == [TOKEN]
    with pytest.raises(tcr.ApiError) as raised:
        client.call("DeleteInstanceToken", {"RegistryId": REGISTRY, "TokenId": token_id})
    assert raised.value.code == "ResourceNotFound" and raised.value.request_id


def test_bad_input_is_refused_before_sending(emulator, client):
    with pytest.raises(tcr.InvalidArgumentError, match="action"):
        client.call("describe", {})
    with pytest.raises(TypeError):
        client.call("DescribeInstanceToken", ["RegistryId"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.call(42, {})  # type: ignore[arg-type]
    with pytest.raises(tcr.InvalidArgumentError, match="params"):
        client.call("DescribeInstanceToken", {"Limit": float("nan")})
    with pytest.raises(TypeError):
        client.call("DescribeInstanceToken", {"When": object()})
    assert emulator.stats()["requests"] == 0


def test_only_what_cannot_have_been_processed_is_retried(emulator):
    from conftest import SECRET_ID, SECRET_KEY
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0, max_attempts=3) as client:
        emulator.fault("mode=reset-before&count=1")
        with pytest.raises(tcr.NetworkError):
            client.call("CreateInstanceToken", {"RegistryId": REGISTRY, "TokenType": "longterm"})
        assert emulator.stats()["requests"] == 1
        emulator.fault("mode=reset-before&count=1")
        assert client.modify_instance_token(REGISTRY, TOKEN, enable=True).attempts == 2


def test_the_lifecycle_example_runs(emulator):
    import os
    import pathlib
    import subprocess
    import sys

    from conftest import SECRET_ID, SECRET_KEY
    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "lifecycle.py"
    env = dict(os.environ, TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
               TENCENTCLOUD_REGION="ap-guangzhou")
    run = subprocess.run([sys.executable, str(example), REGISTRY, emulator.url], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["created", "disabled", "listed", "listed", "deleted"]
    token_id = lines[0].split()[1]
    assert f"listed   {token_id} disabled 'made by lifecycle.py'" in lines
    assert [t for t in emulator._call("GET", "/_emulator/state")["registries"][REGISTRY]] == [TOKEN]
    failed = subprocess.run([sys.executable, str(example), "tcr-nope", emulator.url], env=env,
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and "ResourceNotFound" in failed.stderr
