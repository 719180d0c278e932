"""tcr.CancelToken: a sync call cancelled from another thread ends at once."""
import threading
import time

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TOKEN


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


def test_cancelled_rate_limit_waits_give_their_slots_back(emulator):
    # 2/s, burst 1: one call, five that wait for the rate limit and are
    # cancelled there, then one more: it waits for one slot, not six.
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    timeout=10, rate_limit=2, rate_burst=1) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        token = tcr.CancelToken()
        errors = []

        def wait_and_be_cancelled():
            try:
                client.modify_instance_token(REGISTRY, TOKEN, enable=False, cancel=token)
            except tcr.CallCancelledError as error:
                errors.append(error.message)

        waiters = [threading.Thread(target=wait_and_be_cancelled) for _ in range(5)]
        for waiter in waiters:
            waiter.start()
        time.sleep(0.15)
        token.cancel()
        for waiter in waiters:
            waiter.join()
        started = time.monotonic()
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        took = time.monotonic() - started
    print(f"after five cancelled waits, the next call took {took * 1000:.0f} ms")
    assert len(errors) == 5 and all("nothing was sent" in m for m in errors), errors
    assert took < 1.2, took
    assert emulator.stats()["requests"] == 2
