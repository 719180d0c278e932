"""Clock-skew correction and prepared (sans-I/O) requests, from Python."""
import json
import logging
import urllib.request

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TOKEN, spawn_emulator


def _client(emulator, **options):
    return tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                      timeout=10, rate_limit=0, **options)


def _set_clock(emulator, offset):
    assert emulator._call("POST", f"/_emulator/clock?offset={offset}")["offset"] == offset


def test_the_client_follows_a_server_clock_ahead_then_behind():
    with spawn_emulator("--clock-offset", "900") as emulator, _client(emulator) as client:
        assert client.clock_offset == 0
        first = client.modify_instance_token(REGISTRY, TOKEN, enable=False)
        assert first.attempts == 2
        assert abs(client.clock_offset - 900) <= 1
        assert client.modify_instance_token(REGISTRY, TOKEN, enable=True).attempts == 1
        _set_clock(emulator, -600)
        assert client.modify_instance_token(REGISTRY, TOKEN, enable=False).attempts == 2
        assert abs(client.clock_offset - (-600)) <= 1
        assert emulator.stats()["by_code"]["AuthFailure.SignatureExpire"] == 2


def test_an_offset_beyond_a_day_is_refused(caplog):
    caplog.set_level(logging.DEBUG, logger="tcr")
    with spawn_emulator("--clock-offset", "-90000") as emulator, _client(emulator) as client:
        with pytest.raises(tcr.ApiError) as raised:
            client.modify_instance_token(REGISTRY, TOKEN, enable=False)
        assert raised.value.code == "AuthFailure.SignatureExpire"
        assert client.clock_offset == 0
    assert any("-90000 s" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_a_prepared_request_sent_with_urllib_is_accepted_and_is_what_a_call_sends():
    with spawn_emulator("--clock-offset", "-400") as emulator, _client(emulator) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=False, desc="rotated", modify_flag=1)
        prepared = client.prepare_modify_instance_token(REGISTRY, TOKEN, enable=False, desc="rotated",
                                                        modify_flag=1)
        assert prepared.method == "POST" and prepared.url == emulator.url + "/"
        assert list(prepared.headers)[0] == "Host" and list(prepared.headers)[-1] == "Authorization"
        assert isinstance(prepared.body, bytes)
        with pytest.raises(AttributeError):
            prepared.url = "http://elsewhere/"  # type: ignore[misc]
        shown = repr(prepared)
        assert prepared.headers["Authorization"].rsplit("=", 1)[1] not in shown and "[redacted]" in shown

        sent = urllib.request.Request(prepared.url, data=prepared.body, headers=prepared.headers,
                                      method=prepared.method)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(sent, timeout=10) as reply:
            answer = json.load(reply)
        assert "Error" not in answer["Response"], answer
        assert emulator.state()["desc"] == "rotated"

        by_library, by_urllib = emulator.requests()[-2:]
        assert by_library["code"] == by_urllib["code"] == "OK"
        assert by_library["body"].encode() == by_urllib["body"].encode() == prepared.body
        for name, value in prepared.headers.items():
            if name in ("Authorization", "X-TC-Timestamp"):
                continue
            assert by_library["headers"][name.lower()] == value, name
            assert by_urllib["headers"][name.lower()] == value, name
        assert abs(int(prepared.headers["X-TC-Timestamp"]) - int(by_library["headers"]["x-tc-timestamp"])) <= 2


def test_preparing_checks_input_like_a_call_and_sends_nothing(emulator, client):
    before = emulator.stats()["requests"]
    with pytest.raises(tcr.InvalidArgumentError, match="registry_id"):
        client.prepare_modify_instance_token("", TOKEN, enable=True)
    with pytest.raises(TypeError):
        client.prepare_modify_instance_token(REGISTRY, TOKEN, enable="yes")  # type: ignore[arg-type]
    with pytest.raises(tcr.InvalidArgumentError, match="modify_flag"):
        client.prepare_modify_instance_token(REGISTRY, TOKEN, enable=True, modify_flag=5)
    assert emulator.stats()["requests"] == before
    client.close()
    with pytest.raises(tcr.ClientClosedError):
        client.prepare_modify_instance_token(REGISTRY, TOKEN, enable=True)
    with pytest.raises(tcr.ClientClosedError):
        client.clock_offset
