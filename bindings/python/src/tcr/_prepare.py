"""Signed requests for the caller's own HTTP client."""
from __future__ import annotations

import ctypes

from . import _ffi
from .errors import error_for

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Any, Dict

_SECRET_HEADERS = frozenset(("authorization", "x-tc-token"))


class PreparedRequest:
    """A signed request to send with an HTTP client of your own
    (immutable): ``method`` (``"POST"``), ``url``, ``headers`` (in the
    order to send them, ``Host`` first) and ``body`` (bytes).

    The service accepts it for 5 minutes. libtcr does not retry it,
    rate-limit it or read its reply (a JSON object whose ``Response`` has
    ``Error`` on failure). Its ``Authorization`` header is a signature and
    ``X-TC-Token`` a session token: keep them as secret as the key; ``repr``
    hides both.
    """

    __slots__ = ("method", "url", "headers", "body")
    method: str
    url: str
    headers: Dict[str, str]
    body: bytes

    def __init__(self, method: str, url: str, headers: Dict[str, str], body: bytes) -> None:
        for name, value in (("method", method), ("url", url), ("headers", headers), ("body", body)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PreparedRequest is immutable; cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PreparedRequest is immutable; cannot delete {name}")

    def __repr__(self) -> str:
        shown = {name: ("[redacted]" if name.lower() in _SECRET_HEADERS else value)
                 for name, value in self.headers.items()}
        return f"PreparedRequest(method={self.method!r}, url={self.url!r}, headers={shown!r}, body={self.body!r})"


def take_prepared(status: int, pointer: Any) -> PreparedRequest:
    """The PreparedRequest (or the error) of a `_prepare` call; frees the C struct."""
    try:
        prepared = pointer.contents
        if status != _ffi.TCR_OK:
            raise error_for(status, _ffi.take_string(prepared.error_message))
        headers = {}
        for i in range(prepared.header_count):
            header = prepared.headers[i]
            headers[_ffi.take_string(header.name) or ""] = _ffi.take_string(header.value) or ""
        return PreparedRequest(method=_ffi.take_string(prepared.method) or "POST",
                               url=_ffi.take_string(prepared.url) or "", headers=headers,
                               body=ctypes.string_at(prepared.body, prepared.body_len))
    finally:
        _ffi.lib.tcr_prepared_request_free(pointer)
