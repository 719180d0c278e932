"""tcr.testing: a local tcr-emulator for your own test suite.

The emulator (built with this project; ``make build`` puts it at
``target/release/tcr-emulator``) behaves like the TCR endpoint: it checks
TC3 signatures, keeps token state, and can be told to misbehave. This
module starts one, hands you a client for it, injects faults and shows what
it received; it is test tooling and never imported by ``import tcr``::

    from tcr.testing import Emulator

    with Emulator() as emulator:                 # tcr-emulator from $TCR_EMULATOR or PATH
        with emulator.client() as client:        # keys, region and endpoint set for it
            client.modify_instance_token("tcr-12345", emulator.token_id, enable=False)
        assert emulator.token()["enabled"] is False
        emulator.fault("mode=http5xx&status=502&count=1")

With pytest, ``pytest_plugins = ["tcr.pytest_plugin"]`` in a conftest.py
gives the fixtures ``tcr_emulator`` and ``tcr_client``.
"""
import json
import os
import shutil
import subprocess
import urllib.request
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

if TYPE_CHECKING:
    from ._async import AsyncClient
    from ._client import Client

#: The key pair the emulator is started with unless told otherwise (made-up
#: test values).
SECRET_ID = "AKIDTCRTESTING0000000000000000000000"
SECRET_KEY = "tcr-testing-secret-key-0000000000"
#: The instance and long-term token the emulator holds from the start.
REGISTRY_ID = "tcr-12345"
TOKEN_ID = "2ab3af0d-893d-423f-91b1-27713566f95f"


class EmulatorNotFoundError(RuntimeError):
    """No tcr-emulator binary was found where this module looks."""


def find_emulator(path: "Union[str, os.PathLike[str], None]" = None) -> str:
    """The emulator binary: ``path``, else ``$TCR_EMULATOR``, else
    ``tcr-emulator`` on PATH."""
    candidate = os.fspath(path) if path is not None else os.environ.get("TCR_EMULATOR")
    if candidate:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        raise EmulatorNotFoundError(f"tcr-emulator not found at {candidate} (given as "
                                    f"{'path=' if path is not None else '$TCR_EMULATOR'}): no executable file there")
    found = shutil.which("tcr-emulator")
    if found is None:
        raise EmulatorNotFoundError(
            "tcr-emulator not found: pass path=, set TCR_EMULATOR, or put it on PATH "
            "(`make build` in the tcr repository builds target/release/tcr-emulator)")
    return found


class Emulator:
    """A running tcr-emulator on 127.0.0.1, stopped by :meth:`stop` (or at
    the end of a ``with`` block).

    ``args`` are more emulator options (``"--rate", "0"``, ``"--clock-offset",
    "900"``, another ``"--key", "ID:KEY[:TOKEN]"``); it always accepts
    ``secret_id``/``secret_key`` and holds :data:`TOKEN_ID` of
    :data:`REGISTRY_ID`, enabled.
    """

    def __init__(self, *args: str, path: "Union[str, os.PathLike[str], None]" = None,
                 secret_id: str = SECRET_ID, secret_key: str = SECRET_KEY) -> None:
        binary = find_emulator(path)
        self.secret_id, self.secret_key = secret_id, secret_key
        self.registry_id, self.token_id = REGISTRY_ID, TOKEN_ID
        self._process: "Optional[subprocess.Popen[str]]" = subprocess.Popen(
            [binary, "--key", f"{secret_id}:{secret_key}", "--token", f"{REGISTRY_ID}:{TOKEN_ID}:on", *args],
            stdout=subprocess.PIPE, text=True)
        line = self._process.stdout.readline().strip() if self._process.stdout else ""
        if not line.startswith(("http://127.0.0.1:", "https://127.0.0.1:")):
            self.stop()
            raise RuntimeError(f"{binary} printed {line!r} instead of its URL")
        #: Its base URL, ``http://127.0.0.1:PORT`` (``https`` with ``--tls-cert``).
        self.url = line

    def client(self, **options: Any) -> "Client":
        """A :class:`tcr.Client` for this emulator (its keys, ``ap-guangzhou``,
        its URL, no client-side rate limit); ``options`` override those."""
        from ._client import Client

        return Client(**self._client_options(options))

    def async_client(self, **options: Any) -> "AsyncClient":
        """As :meth:`client`, a :class:`tcr.AsyncClient`."""
        from ._async import AsyncClient

        return AsyncClient(**self._client_options(options))

    def _client_options(self, overrides: Dict[str, Any]) -> Dict[str, Any]:
        options: Dict[str, Any] = dict(secret_id=self.secret_id, secret_key=self.secret_key,
                                       region="ap-guangzhou", endpoint=self.url, rate_limit=0)
        options.update(overrides)
        return options

    def control(self, method: str, path: str) -> Any:
        """One call to a control endpoint (``/_emulator/...``), its JSON reply."""
        request = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.load(reply)

    def fault(self, query: str) -> None:
        """Injects a fault: ``"mode=delay&delay_ms=300"``, ``"mode=http5xx&status=502&count=1"``,
        ``"mode=none"`` to stop (``tcr-emulator --help`` lists the modes)."""
        self.control("POST", "/_emulator/fault?" + query)

    def token(self, token_id: Optional[str] = None, registry_id: Optional[str] = None) -> Dict[str, Any]:
        """A token's state, ``{"enabled": ..., "desc": ...}`` (default: :data:`TOKEN_ID`)."""
        state = self.control("GET", "/_emulator/state")
        token: Dict[str, Any] = state["registries"][registry_id or self.registry_id][token_id or self.token_id]
        return token

    def stats(self) -> Dict[str, Any]:
        """Counters: ``requests``, ``accepted``, ``rejected``, ``faults``, ``connections``, ``by_code``."""
        stats: Dict[str, Any] = self.control("GET", "/_emulator/stats")
        return stats

    def requests(self) -> List[Dict[str, Any]]:
        """What it received, in order: each request's ``headers``, ``body`` and answer ``code``."""
        requests: List[Dict[str, Any]] = self.control("GET", "/_emulator/requests")["requests"]
        return requests

    def set_clock_offset(self, seconds: int) -> None:
        """Moves its clock (a client with a skewed clock gets ``AuthFailure.SignatureExpire``)."""
        self.control("POST", f"/_emulator/clock?offset={int(seconds)}")

    def stop(self) -> None:
        """Stops it; calling it again does nothing."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __del__(self) -> None:
        try:
            self.stop()
        except Exception:  # never raise from a finaliser, e.g. at interpreter exit
            pass

    def __repr__(self) -> str:
        return f"<tcr.testing.Emulator {self.url if self._process is not None else 'stopped'}>"
