"""Fixtures: a fresh tcr-emulator per test, and helpers to read it."""
import contextlib
import os
import pathlib

import pytest

from tcr import testing

ROOT = pathlib.Path(__file__).resolve().parents[3]
SECRET_ID, SECRET_KEY = "AKIDPYTHON", "python-binding-secret-key"
TEMP_ID, TEMP_KEY, TEMP_TOKEN = "AKIDPYTEMP", "python-temp-key", "python-session-token"
REGISTRY, TOKEN = "tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f"


class Emulator(testing.Emulator):
    """tcr.testing's emulator with this suite's defaults: its token, and
    the raw control calls some tests make."""

    def state(self, token: str = TOKEN):
        return self.token(token)

    def _call(self, method: str, path: str):
        return self.control(method, path)


@contextlib.contextmanager
def spawn_emulator(*extra: str):
    """A tcr-emulator with the test keys and token; stopped on exit."""
    binary = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))
    with Emulator("--key", f"{TEMP_ID}:{TEMP_KEY}:{TEMP_TOKEN}", "--rate", "0", *extra, path=binary,
                  secret_id=SECRET_ID, secret_key=SECRET_KEY) as emulator:
        yield emulator


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
