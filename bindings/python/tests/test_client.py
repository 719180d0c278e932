"""The Python wrapper against the emulator: results, errors, types, lifetime, threads."""
import gc
import socket
import threading
import time
import weakref

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN, TOKEN


def test_the_three_seed_examples_change_the_state(emulator, client):
    first = client.modify_instance_token(REGISTRY, TOKEN, enable=False)
    assert emulator.state() == {"enabled": False, "desc": ""}
    second = client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert emulator.state() == {"enabled": True, "desc": ""}
    third = client.modify_instance_token(REGISTRY, TOKEN, desc="aaa", modify_flag=1)
    assert emulator.state() == {"enabled": True, "desc": "aaa"}
    ids = {r.request_id for r in (first, second, third)}
    assert len(ids) == 3 and all(len(i) == 36 for i in ids)
    assert (first.http_status, first.attempts) == (200, 1)
    with pytest.raises(AttributeError):
        first.request_id = "changed"  # frozen


def test_enable_false_is_sent_not_dropped(emulator, client):
    client.modify_instance_token(REGISTRY, TOKEN, enable=False)
    assert '"Enable": false' in emulator.requests()[-1]["body"]


def test_temporary_credentials(emulator):
    with tcr.Client(secret_id=TEMP_ID, secret_key=TEMP_KEY, session_token=TEMP_TOKEN, region="ap-guangzhou",
                    endpoint=emulator.url) as c:
        c.modify_instance_token(REGISTRY, TOKEN, enable=False)
    assert emulator.state()["enabled"] is False


def test_api_error_carries_code_message_and_request_id(emulator):
    with tcr.Client(secret_id=SECRET_ID, secret_key="wrong", region="ap-guangzhou", endpoint=emulator.url) as c:
        with pytest.raises(tcr.ApiError) as raised:
            c.modify_instance_token(REGISTRY, TOKEN, enable=True)
    error = raised.value
    assert error.code == error.get_code() == "AuthFailure.SignatureFailure"
    assert error.message == error.get_message() and error.message
    assert error.request_id == error.get_request_id() and len(error.request_id) == 36
    assert error.http_status == 200 and error.status == 5
    assert isinstance(error, tcr.TcrError)
    assert "wrong" not in str(error)


def test_unknown_token_is_resource_not_found(client):
    with pytest.raises(tcr.ApiError) as raised:
        client.modify_instance_token(REGISTRY, "no-such-token", enable=True)
    assert raised.value.code == "ResourceNotFound"


@pytest.mark.parametrize("kwargs,field", [
    (dict(enable=None), "enable"),
    (dict(enable=True, modify_flag=3), "modify_flag"),
    (dict(enable=True, modify_flag=0), "modify_flag"),
    (dict(enable=True, modify_flag=2**40), "modify_flag"),
    (dict(modify_flag=1), "desc"),
    (dict(enable=True, desc="a\x01b", modify_flag=1), "desc"),
    (dict(enable=True, desc="nul\0inside", modify_flag=1), "desc"),
    (dict(enable=True, desc="\udc80", modify_flag=1), "desc"),
    (dict(enable=True, timeout=0), "timeout"),
    (dict(enable=True, timeout=-1.5), "timeout"),
    (dict(enable=True, timeout=601), "timeout"),
])
def test_invalid_arguments_are_value_errors_and_nothing_is_sent(emulator, client, kwargs, field):
    before = emulator.stats()["requests"]
    with pytest.raises(tcr.InvalidArgumentError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, **kwargs)
    assert isinstance(raised.value, ValueError)
    assert field in raised.value.message
    assert emulator.stats()["requests"] == before


@pytest.mark.parametrize("args,kwargs", [
    ((123, TOKEN), dict(enable=True)),
    ((REGISTRY, None), dict(enable=True)),
    ((REGISTRY, TOKEN), dict(enable=1)),
    ((REGISTRY, TOKEN), dict(enable="false")),
    ((REGISTRY, TOKEN), dict(enable=True, desc=b"bytes")),
    ((REGISTRY, TOKEN), dict(enable=True, modify_flag="2")),
    ((REGISTRY, TOKEN), dict(enable=True, modify_flag=True)),
    ((REGISTRY, TOKEN), dict(enable=True, timeout="5")),
])
def test_wrong_python_types_raise_type_error_before_c(emulator, client, args, kwargs):
    before = emulator.stats()["requests"]
    with pytest.raises(TypeError):
        client.modify_instance_token(*args, **kwargs)
    assert emulator.stats()["requests"] == before


@pytest.mark.parametrize("kwargs,error,field", [
    (dict(secret_key=None), tcr.CredentialsError, "secret_key"),
    (dict(secret_id=""), tcr.CredentialsError, "secret_id"),
    # Not the developer's tccli: its .configure would give a region.
    (dict(region=None, tccli_dir="/nonexistent/tccli"), tcr.InvalidArgumentError, "region"),
    (dict(endpoint="ftp://host"), tcr.InvalidArgumentError, "endpoint"),
    (dict(language="fr-FR"), tcr.InvalidArgumentError, "language"),
    (dict(timeout=0), tcr.InvalidArgumentError, "timeout"),
    (dict(timeout=10**9), tcr.InvalidArgumentError, "timeout"),
    # Values that overflow a conversion are invalid arguments, not OverflowError.
    (dict(timeout=float("inf")), tcr.InvalidArgumentError, "timeout"),
    (dict(connect_timeout=float("inf")), tcr.InvalidArgumentError, "connect_timeout"),
    (dict(timeout=1e308), tcr.InvalidArgumentError, "timeout"),
    (dict(timeout=10**400), tcr.InvalidArgumentError, "timeout"),
    (dict(timeout=float("nan")), tcr.InvalidArgumentError, "timeout"),
    (dict(rate_limit=float("inf")), tcr.InvalidArgumentError, "rate_limit"),
    (dict(rate_limit=10**400), tcr.InvalidArgumentError, "rate_limit"),
])
def test_bad_client_options(kwargs, error, field):
    options = dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou")
    options.update(kwargs)
    with pytest.raises(error) as raised:
        tcr.Client(**options)
    assert field in raised.value.message
    assert SECRET_KEY not in str(raised.value)


def test_client_options_are_keyword_only_and_type_checked():
    with pytest.raises(TypeError):
        tcr.Client(SECRET_ID, SECRET_KEY)  # type: ignore[misc]
    with pytest.raises(TypeError):
        tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region=5)  # type: ignore[arg-type]


def test_network_error_on_a_closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou",
                    endpoint=f"http://127.0.0.1:{port}", timeout=2) as c:
        with pytest.raises(tcr.NetworkError) as raised:
            c.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert isinstance(raised.value, ConnectionError)
    assert raised.value.http_status == 0 and raised.value.request_id is None


def test_timeout_is_a_timeout_error_and_per_call_timeout_wins(emulator, client):
    emulator.fault("mode=delay&delay_ms=1500&count=1")
    started = time.monotonic()
    with pytest.raises(tcr.RequestTimeoutError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True, timeout=0.3)
    assert time.monotonic() - started < 1.4
    assert isinstance(raised.value, TimeoutError)


@pytest.mark.parametrize("fault,status", [("mode=garbage&count=1", 200), ("mode=http5xx&status=503&count=1", 503)])
def test_protocol_errors_keep_the_http_status(emulator, client, fault, status):
    emulator.fault(fault)
    with pytest.raises(tcr.ProtocolError) as raised:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert raised.value.http_status == status
    client.modify_instance_token(REGISTRY, TOKEN, enable=True)  # the client keeps working


def test_close_is_idempotent_and_a_closed_client_raises(emulator):
    c = tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url)
    c.close()
    c.close()
    assert c.closed
    with pytest.raises(tcr.ClientClosedError):
        c.modify_instance_token(REGISTRY, TOKEN, enable=True)
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url) as c2:
        c2.modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert c2.closed


def test_an_unreferenced_client_is_collected(emulator):
    c = tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url)
    c.modify_instance_token(REGISTRY, TOKEN, enable=True)
    ref = weakref.ref(c)
    del c
    gc.collect()
    assert ref() is None


def test_close_waits_for_calls_in_flight(emulator, client):
    emulator.fault("mode=delay&delay_ms=400&count=1")
    results = []
    worker = threading.Thread(target=lambda: results.append(client.modify_instance_token(REGISTRY, TOKEN, enable=True)))
    worker.start()
    # Synchronise on the emulator having the request (it then holds it 400 ms),
    # not on a sleep.
    deadline = time.monotonic() + 5
    while emulator.stats()["requests"] < 1:
        assert time.monotonic() < deadline, "the call never reached the emulator"
        time.sleep(0.005)
    closing = time.monotonic()
    client.close()  # must not free the client under the running call
    # The emulator holds the reply 400 ms after the request arrived: close()
    # waited for it rather than returning at once.
    assert time.monotonic() - closing >= 0.3
    worker.join(timeout=10)
    assert len(results) == 1 and len(results[0].request_id) == 36
    assert emulator.stats()["faults"] == 1


def test_threads_sharing_one_client_make_progress_together(emulator, client):
    # Each call waits 300 ms in the emulator; if the GIL were held, 8 calls
    # would take 2.4 s in sequence.
    emulator.fault("mode=delay&delay_ms=300&count=8")
    barrier = threading.Barrier(8)
    ids = []

    def call():
        barrier.wait()
        ids.append(client.modify_instance_token(REGISTRY, TOKEN, enable=True).request_id)

    threads = [threading.Thread(target=call) for _ in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    elapsed = time.monotonic() - started
    assert len(set(ids)) == 8
    # Every call was delayed (so at least 300 ms), and they overlapped: one
    # after another they would take at least 2.4 s.
    assert emulator.stats()["faults"] == 8
    assert 0.3 <= elapsed < 2.0, f"8 concurrent 300 ms calls took {elapsed:.2f}s"


def test_library_version_matches_the_package():
    assert tcr.library_version() == tcr.__version__
