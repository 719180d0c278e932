"""Real networks from Python: idle keep-alive connections that a gateway
closes or a middlebox writes into, pages that echo secrets, replies built to
forge log lines."""
import json
import logging
import re
import time
import urllib.parse

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN, TOKEN

STRAY = "stray-reply-nobody-asked-for"


@pytest.mark.parametrize("fault", ["idle-close", "idle-reset", "stray-reply", "idle-408"])
def test_calls_spaced_past_an_idle_fault_succeed_on_their_first_attempt(emulator, fault):
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0, max_attempts=1) as client:
        emulator.fault(f"mode={fault}&delay_ms=50")
        for i in range(6):
            enable = i % 2 == 0
            result = client.modify_instance_token(REGISTRY, TOKEN, enable=enable)
            assert result.request_id != STRAY and result.attempts == 1, i
            assert emulator.state()["enabled"] is enable, i
            time.sleep(0.1)
    stats = emulator.stats()
    assert stats["accepted"] == 6 and stats["faults"] == 6, stats


def _no_signature(text: str) -> bool:
    return re.search(r"[0-9a-f]{64}", text) is None


def test_an_echoing_gateway_page_shows_no_secret(emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="tcr")
    with tcr.Client(secret_id=TEMP_ID, secret_key=TEMP_KEY, session_token=TEMP_TOKEN, region="ap-guangzhou",
                    endpoint=emulator.url, rate_limit=0, max_attempts=1) as client:
        emulator.fault("mode=echo-headers&count=1")
        with pytest.raises(tcr.ProtocolError) as page:
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        emulator.fault("mode=echo-headers&status=200&count=1")
        with pytest.raises(tcr.ApiError) as api:
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert page.value.http_status == 502
    assert api.value.code == "InvalidParameter"
    lines = [r.getMessage() for r in caplog.records if r.name == "tcr" and "attempt=" in r.getMessage()]
    assert len(lines) == 2, lines
    texts = [str(page.value), page.value.message, str(api.value), api.value.message, *lines]
    for text in (str(page.value), api.value.message, lines[0]):
        assert "Signature=[redacted]" in text and "x-tc-token: [redacted]" in text, text
    for text in texts:
        assert TEMP_TOKEN not in text and TEMP_TOKEN[:8] not in text and TEMP_KEY not in text, text
        assert _no_signature(text), text


def test_a_reply_cannot_forge_a_log_line(emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="tcr")  # before the client, which reads it
    forged = "r-1\ntcr: action=ModifyInstanceToken attempt=1/1 status=TCR_OK"
    body = json.dumps({"Response": {"RequestId": forged}})
    emulator.fault("mode=body&count=1&body=" + urllib.parse.quote(body, safe=""))
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0, max_attempts=1) as client:
        result = client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert result.request_id == forged.replace("\n", "\\n")
    lines = [r.getMessage() for r in caplog.records if r.name == "tcr" and "attempt=" in r.getMessage()]
    assert len(lines) == 1 and "\n" not in lines[0], lines
    assert 'request_id="r-1\\\\ntcr: action=' in lines[0], lines[0]


@pytest.mark.parametrize("body", ['[{"RequestId":"r"}]', '{"Response":["r",null]}',
                                  '{"Response":{"Error":["Fake.Code","msg"],"RequestId":"r"}}'])
def test_undocumented_reply_shapes_are_protocol_errors(emulator, client, body):
    emulator.fault("mode=body&count=1&body=" + urllib.parse.quote(body, safe=""))
    with pytest.raises(tcr.ProtocolError):
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)


def test_an_endless_body_is_cut_at_the_cap(emulator, client):
    emulator.fault("mode=endless-body&count=1")
    started = time.monotonic()
    with pytest.raises(tcr.ProtocolError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert "larger than 1048576 bytes" in raised.value.message
    assert time.monotonic() - started < 2


def test_an_infinite_per_call_timeout_is_an_invalid_argument(emulator, client):
    with pytest.raises(tcr.InvalidArgumentError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True, timeout=float("inf"))
    assert "timeout" in raised.value.message
    assert emulator.stats()["requests"] == 0
