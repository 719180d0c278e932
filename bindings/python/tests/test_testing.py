"""tcr.testing and tcr.pytest_plugin: the emulator harness users get."""
import os
import subprocess
import sys
import textwrap

import pytest

import tcr
from tcr import testing

from conftest import ROOT

BINARY = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))


def test_an_emulator_with_a_ready_client_faults_and_inspection():
    with testing.Emulator("--rate", "0", path=BINARY) as emulator:
        assert emulator.url.startswith("http://127.0.0.1:") and "127.0.0.1" in repr(emulator)
        with emulator.client(max_attempts=1) as client:
            client.modify_instance_token(testing.REGISTRY_ID, testing.TOKEN_ID, enable=False)
            assert emulator.token() == {"enabled": False, "desc": emulator.token()["desc"]}
            emulator.fault("mode=http5xx&status=502&count=1")
            with pytest.raises(tcr.ProtocolError):
                client.modify_instance_token(testing.REGISTRY_ID, testing.TOKEN_ID, enable=True)
        requests = emulator.requests()
        assert len(requests) == 2 and '"Enable": false' in requests[0]["body"]
        assert emulator.stats()["faults"] == 1
        emulator.set_clock_offset(900)
        assert emulator.control("GET", "/_emulator/clock")["offset"] == 900
    emulator.stop()  # again: nothing
    assert "stopped" in repr(emulator)


def test_the_emulator_is_found_or_a_clear_error_says_where_it_was_looked_for(tmp_path, monkeypatch):
    with pytest.raises(testing.EmulatorNotFoundError, match="path="):
        testing.Emulator(path=tmp_path / "nothing-here")
    monkeypatch.setenv("TCR_EMULATOR", str(tmp_path / "nothing-either"))
    with pytest.raises(testing.EmulatorNotFoundError, match=r"\$TCR_EMULATOR"):
        testing.find_emulator()
    monkeypatch.delenv("TCR_EMULATOR")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(testing.EmulatorNotFoundError, match="make build"):
        testing.find_emulator()
    (tmp_path / "tcr-emulator").symlink_to(BINARY)
    assert testing.find_emulator() == str(tmp_path / "tcr-emulator")


def test_the_pytest_plugin_gives_a_users_suite_its_fixtures(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tcr.pytest_plugin"]\n')
    (tmp_path / "test_users_own.py").write_text(textwrap.dedent("""\
        def test_rotation(tcr_emulator, tcr_client):
            tcr_client.modify_instance_token(tcr_emulator.registry_id, tcr_emulator.token_id, enable=False)
            assert tcr_emulator.token()["enabled"] is False
            assert tcr_emulator.stats()["requests"] == 1
        """))
    env = dict(os.environ, TCR_EMULATOR=BINARY)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_import_tcr_does_not_load_the_test_tooling():
    done = subprocess.run([sys.executable, "-c", "import sys, tcr; print('tcr.testing' in sys.modules, "
                           "'subprocess' in sys.modules and 'tcr.testing' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stdout + done.stderr
