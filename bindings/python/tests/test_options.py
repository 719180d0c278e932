"""Credentials chain, retries, rate limit, logging and TLS options through
the Python wrapper (the behaviour is libtcr's; this checks the plumbing)."""
import logging
import os
import time

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN, TOKEN, spawn_emulator


def test_credentials_and_region_from_the_environment(emulator, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", TEMP_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", TEMP_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", TEMP_TOKEN)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-shanghai")
    with tcr.Client(endpoint=emulator.url, disable_metadata=True, rate_limit=0) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=False)
    assert emulator.state()["enabled"] is False
    assert emulator.requests()[-1]["headers"]["x-tc-region"] == "ap-shanghai"


def test_half_set_environment_is_an_error(monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.delenv("TENCENTCLOUD_SECRET_KEY", raising=False)
    with pytest.raises(tcr.CredentialsError) as raised:
        tcr.Client(region="ap-guangzhou", disable_metadata=True)
    assert "TENCENTCLOUD_SECRET_KEY" in raised.value.message


def test_profile_file(emulator, tmp_path):
    path = tmp_path / "credentials"
    path.write_text(f"[default]\nsecret_id = AKIDnope\nsecret_key = nope\n[ci]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\n")
    with tcr.Client(region="ap-guangzhou", endpoint=emulator.url, credentials_file=path, profile="ci",
                    disable_metadata=True, rate_limit=0) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)


def test_nothing_found_names_the_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(tcr.CredentialsError) as raised:
        tcr.Client(region="ap-guangzhou", disable_metadata=True)
    for source in ("explicit options", "TENCENTCLOUD_SECRET_ID", str(tmp_path / ".tencentcloud" / "credentials"),
                   "CVM role metadata (disabled)"):
        assert source in raised.value.message


def test_cvm_role_credentials():
    with spawn_emulator("--role", "py-role") as emu:
        with tcr.Client(region="ap-guangzhou", endpoint=emu.url, metadata_url=emu.url, rate_limit=0) as client:
            client.modify_instance_token(REGISTRY, TOKEN, enable=False)
        assert emu.stats()["metadata_fetches"] == 1
        assert emu.state()["enabled"] is False


def test_retries_are_reported(emulator):
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0, max_attempts=3) as client:
        emulator.fault("mode=drop&count=2")
        assert client.modify_instance_token(REGISTRY, TOKEN, enable=True).attempts == 3
        emulator.fault("mode=error&code=RequestLimitExceeded.IPLimitExceeded&count=1")
        assert client.modify_instance_token(REGISTRY, TOKEN, enable=True).attempts == 2


def test_rate_limit_paces_calls(emulator):
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=5, rate_burst=1) as client:
        started = time.monotonic()
        for _ in range(4):
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert time.monotonic() - started >= 0.55


def test_diagnostics_go_to_logging_without_secrets(emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="tcr")
    with tcr.Client(secret_id=TEMP_ID, secret_key=TEMP_KEY, session_token=TEMP_TOKEN, region="ap-guangzhou",
                    endpoint=emulator.url, rate_limit=0) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        with pytest.raises(tcr.ApiError):
            client.modify_instance_token(REGISTRY, "no-such-token", enable=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "tcr"]
    attempts = [line for line in lines if "attempt=" in line]
    assert len(attempts) == 2, lines
    assert "status=TCR_OK" in attempts[0] and "code=ResourceNotFound" in attempts[1]
    for line in lines:
        assert TEMP_KEY not in line and TEMP_TOKEN not in line and "Signature=" not in line


def test_https_with_a_ca_bundle(tmp_path):
    ca = tmp_path / "ca.pem"
    with spawn_emulator("--tls-cert", str(ca)) as emu:
        assert emu.url.startswith("https://")
        with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emu.url,
                        ca_bundle=ca, rate_limit=0) as client:
            assert len(client.modify_instance_token(REGISTRY, TOKEN, enable=True).request_id) == 36
        with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emu.url,
                        max_attempts=1) as untrusting:
            with pytest.raises(tcr.NetworkError) as raised:
                untrusting.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert "certificate" in raised.value.message


@pytest.mark.parametrize("kwargs,error", [
    (dict(disable_metadata="yes"), TypeError),
    (dict(regional_endpoint=1), TypeError),
    (dict(max_attempts=0), tcr.InvalidArgumentError),
    (dict(max_attempts=11), tcr.InvalidArgumentError),
    (dict(rate_limit=-1), tcr.InvalidArgumentError),
    (dict(rate_limit="fast"), TypeError),
    (dict(rate_burst=0), tcr.InvalidArgumentError),
    (dict(connect_timeout=0), tcr.InvalidArgumentError),
    (dict(proxy="socks5://127.0.0.1:1"), tcr.InvalidArgumentError),
    (dict(endpoint="h", regional_endpoint=True), tcr.InvalidArgumentError),
    (dict(logger="tcr"), TypeError),
])
def test_bad_new_options(kwargs, error):
    with pytest.raises(error):
        tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", **kwargs)


def _attempt_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "tcr" and "attempt=" in r.getMessage()]


def test_logging_set_up_after_the_client_was_made_is_followed(emulator, caplog):
    tcr_logger = logging.getLogger("tcr")
    caplog.set_level(logging.DEBUG, logger="tcr")  # the handler's level; caplog restores the logger's
    tcr_logger.setLevel(logging.INFO)
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0) as client:
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert _attempt_lines(caplog) == []
        tcr_logger.setLevel(logging.DEBUG)  # after the client was made
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert len(_attempt_lines(caplog)) == 1
        tcr_logger.setLevel(logging.WARNING)
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert len(_attempt_lines(caplog)) == 1


def test_no_line_crosses_into_python_while_nobody_listens(emulator, monkeypatch):
    # The bridge's callback is the only way a line reaches Python: count it.
    from tcr import _options

    crossed = []
    real_emit = _options.LogBridge._emit
    monkeypatch.setattr(_options.LogBridge, "_emit", lambda self, *a: (crossed.append(a[1]), real_emit(self, *a)))
    logging.getLogger("tcr").setLevel(logging.WARNING)
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    rate_limit=0) as client:
        before = len(crossed)  # the creation line, made before the level is known
        for _ in range(5):
            client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert len(crossed) == before
        logging.getLogger("tcr").setLevel(logging.DEBUG)
        client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        assert len(crossed) == before + 1
    logging.getLogger("tcr").setLevel(logging.NOTSET)


def test_import_tcr_loads_no_typing_re_json_logging_or_asyncio():
    import subprocess
    import sys

    code = ("import sys; import tcr; "
            "print(sorted(m for m in ('typing', 're', 'json', 'logging', 'asyncio', 'math') if m in sys.modules))")
    # -S: without site, whose .pth files may import typing themselves.
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
