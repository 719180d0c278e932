"""Fixtures: a fresh tcr-emulator per test, and helpers to read it."""
import contextlib
import json
import os
import pathlib
import subprocess
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SECRET_ID, SECRET_KEY = "AKIDPYTHON", "python-binding-secret-key"
TEMP_ID, TEMP_KEY, TEMP_TOKEN = "AKIDPYTEMP", "python-temp-key", "python-session-token"
REGISTRY, TOKEN = "tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f"


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def _call(self, method: str, path: str):
        request = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.load(reply)

    def state(self, token: str = TOKEN):
        return self._call("GET", "/_emulator/state")["registries"][REGISTRY][token]

    def stats(self):
        return self._call("GET", "/_emulator/stats")

    def requests(self):
        return self._call("GET", "/_emulator/requests")["requests"]

    def fault(self, query: str) -> None:
        self._call("POST", "/_emulator/fault?" + query)


@contextlib.contextmanager
def spawn_emulator(*extra: str):
    """A tcr-emulator with the test keys and token; stopped on exit."""
    binary = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))
    proc = subprocess.Popen(
        [binary, "--key", f"{SECRET_ID}:{SECRET_KEY}", "--key", f"{TEMP_ID}:{TEMP_KEY}:{TEMP_TOKEN}",
         "--token", f"{REGISTRY}:{TOKEN}:on", "--rate", "0", *extra],
        stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith(("http://127.0.0.1:", "https://127.0.0.1:")), url
        yield Emulator(url)
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture()
def emulator():
    with spawn_emulator() as emu:
        yield emu


@pytest.fixture()
def client(emulator):
    import tcr

    # No client-side rate limit (tests call in bursts) and one attempt, so
    # injected faults surface instead of being retried.
    with tcr.Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou", endpoint=emulator.url,
                    timeout=10, rate_limit=0, max_attempts=1) as c:
        yield c
