"""tcr.CancelToken: a sync call cancelled from another thread ends at once."""
import threading
import time

import pytest

import tcr
from conftest import REGISTRY, TOKEN


def test_a_call_waiting_for_a_slow_reply_ends_at_once_and_the_next_gets_its_own(emulator, client):
    client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    emulator.fault("mode=delay&delay_ms=1500&count=1")
    token = tcr.CancelToken()
    cancelled_at = []

    def cancel_later():
        time.sleep(0.2)
        cancelled_at.append(time.monotonic())
        token.cancel()

    canceller = threading.Thread(target=cancel_later)
    canceller.start()
    with pytest.raises(tcr.CallCancelledError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, enable=False, cancel=token)
    took = time.monotonic() - cancelled_at[0]
    canceller.join()
    print(f"returned {took * 1000:.2f} ms after the cancel")
    assert took < 0.1, took
    assert "may already have been sent" in raised.value.message
    assert raised.value.code == "TCR_CANCELLED" and token.cancelled

    started = time.monotonic()
    result = client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert result.attempts == 1 and time.monotonic() - started < 1.0
    assert emulator.state()["enabled"] is True


def test_a_token_cancelled_before_the_call_sends_nothing(emulator, client):
    token = tcr.CancelToken()
    assert not token.cancelled and "active" in repr(token)
    token.cancel()
    token.cancel()
    with pytest.raises(tcr.CallCancelledError, match="nothing was sent"):
        client.modify_instance_token(REGISTRY, TOKEN, enable=False, cancel=token)
    assert emulator.stats()["requests"] == 0


def test_cancel_must_be_a_token(client):
    with pytest.raises(TypeError, match="CancelToken"):
        client.modify_instance_token(REGISTRY, TOKEN, enable=False, cancel=True)  # type: ignore[arg-type]
