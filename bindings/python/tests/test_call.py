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


def test_a_generic_result_is_the_response_dict_with_request_id_and_attempts(emulator):
    import copy
    import pickle
    from conftest import SECRET_ID, SECRET_KEY

    client = tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                        rate_limit=0)
    emulator.fault("mode=error&code=RequestLimitExceeded&count=1")
    listed = client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
    assert isinstance(listed, dict) and isinstance(listed, tcr.CallResult)
    assert listed.attempts == 2 and listed.http_status == 200
    assert listed.request_id == listed["RequestId"] and len(listed.request_id) == 36
    assert listed == dict(listed) and [t["Id"] for t in listed["Tokens"]] == [TOKEN]
    for other in (copy.copy(listed), copy.deepcopy(listed), pickle.loads(pickle.dumps(listed))):
        assert other == listed and (other.request_id, other.attempts) == (listed.request_id, 2)
    assert "attempts=2" in repr(listed)


def test_prepare_call_signs_any_action_and_sends_nothing(emulator, client):
    import json
    import urllib.request

    prepared = client.prepare_call("DescribeInstanceToken", {"RegistryId": REGISTRY})
    assert emulator.stats()["requests"] == 0
    assert prepared.headers["X-TC-Action"] == "DescribeInstanceToken"
    assert json.loads(prepared.body) == {"RegistryId": REGISTRY}
    request = urllib.request.Request(prepared.url, data=prepared.body, headers=prepared.headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert [t["Id"] for t in json.load(reply)["Response"]["Tokens"]] == [TOKEN]
    with pytest.raises(tcr.InvalidArgumentError, match="action"):
        client.prepare_call("describe")
