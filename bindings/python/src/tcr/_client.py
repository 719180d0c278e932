"""The Client: Python types in, C structs through libtcr, Python types out.

Nothing here validates what the service accepts (libtcr does that); this
module only checks Python types and turns values into their C form.
"""
import ctypes
import math
import threading
from dataclasses import dataclass
from typing import Optional, Union

from . import _ffi
from .errors import ClientClosedError, InvalidArgumentError, error_for

_UINT32_MAX = 0xFFFFFFFF
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class ModifyInstanceTokenResult:
    """The outcome of a successful call."""

    request_id: str
    """The service's RequestId, for support and logs."""
    http_status: int
    """The HTTP status of the reply (200)."""
    attempts: int
    """How many HTTP attempts the call made."""


def _text(name: str, value: Optional[str], *, required: bool = False) -> Optional[bytes]:
    """A str as NUL-terminated UTF-8; None stays None (not set)."""
    if value is None:
        if required:
            raise TypeError(f"{name} is required and must be a str, not None")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidArgumentError(f"invalid argument {name}: contains a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidArgumentError(f"invalid argument {name}: is not valid UTF-8 ({error.reason})") from None


def _milliseconds(name: str, seconds: Union[int, float, None]) -> int:
    """Seconds (int or float) as C milliseconds; None is 0 (the default)."""
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if math.isnan(seconds) or seconds <= 0:
        raise InvalidArgumentError(f"invalid argument {name}: must be greater than zero")
    # Above the C range libtcr rejects it with its own message.
    return min(math.ceil(seconds * 1000), _UINT32_MAX)


class Client:
    """A ModifyInstanceToken client.

    Thread-safe: share one client between threads; calls run without the GIL
    and reuse pooled keep-alive connections. Close it with :meth:`close` or a
    ``with`` block; a closed client raises :class:`ClientClosedError`.

    ``timeout`` is the total time of one call in seconds (default 60).
    ``endpoint`` takes ``host``, ``host:port`` or an ``http(s)://`` URL; plain
    HTTP is used only when written. ``language`` is ``"zh-CN"`` or ``"en-US"``.
    """

    def __init__(self, *, secret_id: Optional[str] = None, secret_key: Optional[str] = None,
                 session_token: Optional[str] = None, region: Optional[str] = None,
                 endpoint: Optional[str] = None, language: Optional[str] = None,
                 timeout: Union[int, float, None] = None) -> None:
        self._handle: Optional[int] = None
        self._lock = threading.Condition()
        self._active = 0
        self._closed = False
        options = _ffi.ClientOptions(
            secret_id=_text("secret_id", secret_id),
            secret_key=_text("secret_key", secret_key),
            session_token=_text("session_token", session_token),
            region=_text("region", region),
            endpoint=_text("endpoint", endpoint),
            language=_text("language", language),
            timeout_ms=_milliseconds("timeout", timeout),
        )
        handle = ctypes.c_void_p()
        message = ctypes.c_void_p()
        status = _ffi.lib.tcr_client_new(ctypes.byref(options), ctypes.byref(handle), ctypes.byref(message))
        if status != _ffi.TCR_OK:
            text = _ffi.take_string(message.value)
            _ffi.lib.tcr_string_free(message)
            raise error_for(status, text)
        self._handle = handle.value

    def modify_instance_token(self, registry_id: str, token_id: str, *, enable: Optional[bool] = None,
                              desc: Optional[str] = None, modify_flag: Optional[int] = None,
                              timeout: Union[int, float, None] = None) -> ModifyInstanceTokenResult:
        """Enables or disables (``enable``) a long-term access credential, or
        sets its description (``desc`` with ``modify_flag=1``).

        ``enable=False`` is sent, never dropped. ``timeout`` (seconds)
        overrides the client's for this call. Repeating a call is safe: it
        sets a state. Raises a :class:`TcrError` subclass on failure.
        """
        if enable is not None and not isinstance(enable, bool):
            raise TypeError(f"enable must be a bool or None, not {type(enable).__name__}")
        if modify_flag is not None:
            if isinstance(modify_flag, bool) or not isinstance(modify_flag, int):
                raise TypeError(f"modify_flag must be an int or None, not {type(modify_flag).__name__}")
            # 0 means "not set" in C, so it cannot be passed through.
            if modify_flag == 0 or not _INT32_MIN <= modify_flag <= _INT32_MAX:
                raise InvalidArgumentError(f"invalid argument modify_flag: must be 1 or 2, got {modify_flag}")
        request = _ffi.Request(
            registry_id=_text("registry_id", registry_id, required=True),
            token_id=_text("token_id", token_id, required=True),
            enable=_ffi.TCR_ENABLE_UNSET if enable is None else (_ffi.TCR_ENABLE_TRUE if enable else _ffi.TCR_ENABLE_FALSE),
            desc=_text("desc", desc),
            modify_flag=modify_flag or 0,
            timeout_ms=_milliseconds("timeout", timeout),
        )
        response = _ffi.Response()
        handle = self._enter()
        try:
            status = _ffi.lib.tcr_modify_instance_token(handle, ctypes.byref(request), ctypes.byref(response))
        finally:
            self._leave()
        try:
            request_id = _ffi.take_string(response.request_id)
            if status == _ffi.TCR_OK:
                return ModifyInstanceTokenResult(request_id=request_id or "", http_status=response.http_status,
                                                 attempts=response.attempts)
            raise error_for(status, _ffi.take_string(response.error_message),
                            code=_ffi.take_string(response.error_code), request_id=request_id,
                            http_status=response.http_status)
        finally:
            _ffi.lib.tcr_modify_instance_token_response_free(ctypes.byref(response))

    def _enter(self) -> int:
        with self._lock:
            if self._closed or self._handle is None:
                raise ClientClosedError("the client is closed")
            self._active += 1
            return self._handle

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1
            if self._active == 0:
                self._lock.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Frees the client and wipes its secret key. Waits for calls other
        threads have in flight. Calling it again does nothing."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before the lock existed
            return
        with lock:
            if self._closed:
                return
            self._closed = True
            while self._active:
                lock.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            _ffi.lib.tcr_client_free(handle)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # never raise from a finaliser, e.g. at interpreter exit
            pass

    def __repr__(self) -> str:
        return f"<tcr.Client {'closed' if self._closed else 'open'}>"
