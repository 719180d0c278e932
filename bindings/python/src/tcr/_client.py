"""The Client: Python types in, C structs through libtcr, Python types out.

Nothing here validates what the service accepts (libtcr does that); this
module only checks Python types and turns values into their C form.
"""
import ctypes
import math
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Dict, Optional, Union

if TYPE_CHECKING:
    import logging

from . import _ffi
from .errors import ClientClosedError, InvalidArgumentError, error_for

_UINT32_MAX = 0xFFFFFFFF
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


class ModifyInstanceTokenResult:
    """The outcome of a successful call (immutable).

    ``request_id``: the service's RequestId, for support and logs;
    ``http_status``: the HTTP status of the reply (200); ``attempts``: how
    many HTTP attempts the call made.
    """

    __slots__ = ("request_id", "http_status", "attempts")
    request_id: str
    http_status: int
    attempts: int

    def __init__(self, request_id: str, http_status: int, attempts: int) -> None:
        for name, value in (("request_id", request_id), ("http_status", http_status), ("attempts", attempts)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"ModifyInstanceTokenResult is immutable; cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ModifyInstanceTokenResult is immutable; cannot delete {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModifyInstanceTokenResult):
            return NotImplemented
        return (self.request_id, self.http_status, self.attempts) == (other.request_id, other.http_status, other.attempts)

    def __hash__(self) -> int:
        return hash((self.request_id, self.http_status, self.attempts))

    def __repr__(self) -> str:
        return (f"ModifyInstanceTokenResult(request_id={self.request_id!r}, http_status={self.http_status!r}, "
                f"attempts={self.attempts!r})")


class _OwnsHandle:
    """The one rule of every tcr object that owns a libtcr handle: it cannot
    be copied or pickled. A copy would be a second Python object freeing
    the same handle (a crash), and a handle means nothing in another
    process. Share the object itself instead: each one is thread-safe."""

    __slots__ = ()

    def __copy__(self) -> "_OwnsHandle":
        raise TypeError(f"cannot copy a tcr.{type(self).__name__}: it owns a libtcr handle; "
                        "share the same object (it is thread-safe) or create another")

    def __deepcopy__(self, memo: Dict[int, Any]) -> "_OwnsHandle":
        raise TypeError(f"cannot deepcopy a tcr.{type(self).__name__}: it owns a libtcr handle; "
                        "share the same object (it is thread-safe) or create another")

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle a tcr.{type(self).__name__}: it owns a libtcr handle, "
                        "which is meaningless in another process; create one there")


class CancelToken(_OwnsHandle):
    """Cancels calls from another thread (or an asyncio task): pass it as
    ``cancel=`` to a call, then :meth:`cancel` ends that call within
    milliseconds with :class:`CallCancelledError`. A token cancelled before
    a call starts makes it send nothing; during a call, its request may
    already have been sent and processed, and its connection is closed.

    Once cancelled it stays cancelled: use a new token for new calls. One
    token may cancel several calls at once. Thread-safe. It cannot be
    copied or pickled (``TypeError``): share the same token.
    """

    def __init__(self) -> None:
        handle = _ffi.lib.tcr_cancel_token_new()
        if not handle:
            raise MemoryError("tcr_cancel_token_new")
        self._handle: Optional[int] = handle

    def cancel(self) -> None:
        """Cancels every call using this token, now or later. Idempotent;
        returns at once, without waiting for the calls to end."""
        if self._handle is not None:
            _ffi.lib.tcr_cancel_token_cancel(self._handle)

    @property
    def cancelled(self) -> bool:
        return self._handle is not None and bool(_ffi.lib.tcr_cancel_token_is_cancelled(self._handle))

    def __del__(self) -> None:
        # A call that was given this token holds its own reference in
        # libtcr, so freeing it here is safe even while a call runs.
        handle, self._handle = getattr(self, "_handle", None), None
        try:
            if handle:
                _ffi.lib.tcr_cancel_token_free(handle)
        except Exception:  # never raise from a finaliser, e.g. at interpreter exit
            pass

    def __repr__(self) -> str:
        return f"<tcr.CancelToken {'cancelled' if self.cancelled else 'active'}>"


class PreparedRequest:
    """A signed ModifyInstanceToken request to send with an HTTP client of
    your own (immutable): ``method`` (``"POST"``), ``url``, ``headers`` (in
    the order to send them, ``Host`` first) and ``body`` (bytes).

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


_SECRET_HEADERS = frozenset(("authorization", "x-tc-token"))


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


def _flag(name: str, value: bool) -> int:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return 1 if value else 0


def _count(name: str, value: Optional[int]) -> int:
    """An optional positive int as C's uint32 (0 = not set)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value <= 0:
        raise InvalidArgumentError(f"invalid argument {name}: must be at least 1, got {value}")
    return min(value, _UINT32_MAX)  # above the C range libtcr rejects it with its own message


def _rate(value: Union[int, float, None]) -> "tuple[float, int]":
    """C's rate_limit and disable_rate_limit: None is the default (20/s, C's
    0), 0 turns the limiter off, anything else is requests per second."""
    if value is None:
        return 0.0, 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"rate_limit must be a number or None, not {type(value).__name__}")
    if value == 0:
        return 0.0, 1
    if not value > 0:  # negative or NaN
        raise InvalidArgumentError(f"invalid argument rate_limit: must be 0 (off) or positive, got {value}")
    if value > sys.float_info.max:  # inf, or an int no float can hold
        raise InvalidArgumentError(f"invalid argument rate_limit: must be a finite number, got {value}")
    return float(value), 0


def _path(name: str, value: "Union[str, os.PathLike[str], None]") -> Optional[bytes]:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return _text(name, value)


_DEBUG, _WARNING = 10, 30  # logging.DEBUG and logging.WARNING
_LEVELS = {_ffi.TCR_LOG_DEBUG: _DEBUG, _ffi.TCR_LOG_WARN: _WARNING}


def _milliseconds(name: str, seconds: Union[int, float, None]) -> int:
    """Seconds (int or float) as C milliseconds; None is 0 (the default)."""
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if (isinstance(seconds, float) and math.isnan(seconds)) or seconds <= 0:
        raise InvalidArgumentError(f"invalid argument {name}: must be greater than zero")
    if isinstance(seconds, float) and math.isinf(seconds):
        raise InvalidArgumentError(f"invalid argument {name}: must be a finite number of seconds")
    # Above the C range libtcr rejects it with its own message. Compared
    # before multiplying: a huge int or float would overflow in math.ceil.
    if seconds >= _UINT32_MAX / 1000:
        return _UINT32_MAX
    return math.ceil(seconds * 1000)


def _settings(timeout: Union[int, float, None], cancel: "Optional[CancelToken]") -> "Optional[_ffi.CallSettings]":
    """A call's C settings, or None (NULL: the client's defaults)."""
    if cancel is not None and not isinstance(cancel, CancelToken):
        raise TypeError(f"cancel must be a tcr.CancelToken or None, not {type(cancel).__name__}")
    timeout_ms = _milliseconds("timeout", timeout)
    if timeout_ms == 0 and cancel is None:
        return None
    return _ffi.sized(_ffi.CallSettings, timeout_ms=timeout_ms, cancel=cancel._handle if cancel is not None else None)


def _request(registry_id: str, token_id: str, enable: Optional[bool], desc: Optional[str],
             modify_flag: Optional[int]) -> _ffi.Request:
    """The C form of a call's arguments, their Python types checked."""
    if enable is not None and not isinstance(enable, bool):
        raise TypeError(f"enable must be a bool or None, not {type(enable).__name__}")
    if modify_flag is not None:
        if isinstance(modify_flag, bool) or not isinstance(modify_flag, int):
            raise TypeError(f"modify_flag must be an int or None, not {type(modify_flag).__name__}")
        # 0 means "not set" in C, so it cannot be passed through.
        if modify_flag == 0 or not _INT32_MIN <= modify_flag <= _INT32_MAX:
            raise InvalidArgumentError(f"invalid argument modify_flag: must be 1 or 2, got {modify_flag}")
    return _ffi.sized(
        _ffi.Request,
        registry_id=_text("registry_id", registry_id, required=True),
        token_id=_text("token_id", token_id, required=True),
        enable=_ffi.TCR_ENABLE_UNSET if enable is None else (_ffi.TCR_ENABLE_TRUE if enable else _ffi.TCR_ENABLE_FALSE),
        desc=_text("desc", desc),
        modify_flag=modify_flag or 0,
    )


class Client(_OwnsHandle):
    """A ModifyInstanceToken client.

    Thread-safe: share one client between threads; calls run without the GIL
    and reuse pooled keep-alive connections. Close it with :meth:`close` or a
    ``with`` block; a closed client raises :class:`ClientClosedError`. It
    cannot be copied or pickled (``TypeError``): share the same client.

    Credentials come from the first source that has them: ``secret_id`` and
    ``secret_key``; the environment (``TENCENTCLOUD_SECRET_ID``,
    ``TENCENTCLOUD_SECRET_KEY``, ``TENCENTCLOUD_SESSION_TOKEN`` or
    ``TENCENTCLOUD_TOKEN``); the profile file (``credentials_file``, else
    ``TENCENTCLOUD_CREDENTIALS_FILE``, else ``~/.tencentcloud/credentials``,
    section ``profile``, else ``TENCENTCLOUD_PROFILE``, else ``default``); the
    CVM instance role (``metadata_url``; ``disable_metadata=True`` skips it).
    ``region`` defaults to ``TENCENTCLOUD_REGION``.

    ``timeout`` is the total time of one call in seconds, retries and waits
    included (default 60); ``connect_timeout`` bounds connecting (default
    10). ``endpoint`` takes ``host``, ``host:port`` or an ``http(s)://`` URL
    (plain HTTP only when written); or ``regional_endpoint=True`` and/or
    ``root_domain`` build ``tcr.[<region>.]<root>``. ``language`` is
    ``"zh-CN"`` or ``"en-US"``. ``max_attempts`` (default 3) bounds retries
    of network failures and RequestLimitExceeded. ``rate_limit`` is the
    client-side limit in requests per second (default 20, ``0`` turns it
    off) with bursts of ``rate_burst``. ``proxy``, ``ignore_proxy_env`` and
    ``ca_bundle`` (a PEM file) set the transport;
    ``danger_accept_invalid_certs=True`` turns TLS verification off and is
    logged as a warning. Diagnostics (one line per HTTP attempt) go to
    ``logger`` (default ``logging.getLogger("tcr")``) when it is enabled for
    DEBUG at creation; never with a secret in them.
    """

    def __init__(self, *, secret_id: Optional[str] = None, secret_key: Optional[str] = None,
                 session_token: Optional[str] = None, region: Optional[str] = None,
                 endpoint: Optional[str] = None, language: Optional[str] = None,
                 timeout: Union[int, float, None] = None, connect_timeout: Union[int, float, None] = None,
                 max_attempts: Optional[int] = None, rate_limit: Union[int, float, None] = None,
                 rate_burst: Optional[int] = None, profile: Optional[str] = None,
                 credentials_file: "Union[str, os.PathLike[str], None]" = None,
                 metadata_url: Optional[str] = None, disable_metadata: bool = False,
                 regional_endpoint: bool = False, root_domain: Optional[str] = None,
                 proxy: Optional[str] = None, ignore_proxy_env: bool = False,
                 ca_bundle: "Union[str, os.PathLike[str], None]" = None,
                 danger_accept_invalid_certs: bool = False,
                 logger: "Optional[logging.Logger]" = None) -> None:
        self._handle: Optional[int] = None
        self._lock = threading.Condition()
        self._active = 0
        self._closed = False
        # The logging module is used only if the application loaded it (or
        # passes a logger): importing it would cost every caller start-up time.
        logging_module = sys.modules.get("logging")
        if logger is not None:
            if logging_module is None or not isinstance(logger, logging_module.Logger):
                raise TypeError(f"logger must be a logging.Logger, not {type(logger).__name__}")
        elif logging_module is not None:
            logger = logging_module.getLogger("tcr")
        # Lines reach Python only when someone listens: crossing into Python
        # for every attempt costs the GIL.
        wants_log = logger is not None and (logger.isEnabledFor(_DEBUG) or danger_accept_invalid_certs is True)
        if wants_log and logger is not None:
            sink = logger
            self._log_callback = _ffi.LogCallback(
                lambda _data, level, line: sink.log(_LEVELS.get(level, _DEBUG), "%s", line.decode("utf-8", "replace")))
        else:
            self._log_callback = _ffi.LogCallback()
        rate, rate_off = _rate(rate_limit)
        options = _ffi.sized(
            _ffi.ClientOptions,
            secret_id=_text("secret_id", secret_id),
            secret_key=_text("secret_key", secret_key),
            session_token=_text("session_token", session_token),
            region=_text("region", region),
            endpoint=_text("endpoint", endpoint),
            language=_text("language", language),
            timeout_ms=_milliseconds("timeout", timeout),
            connect_timeout_ms=_milliseconds("connect_timeout", connect_timeout),
            max_attempts=_count("max_attempts", max_attempts),
            rate_limit=rate,
            disable_rate_limit=rate_off,
            rate_burst=_count("rate_burst", rate_burst),
            profile=_text("profile", profile),
            credentials_file=_path("credentials_file", credentials_file),
            metadata_url=_text("metadata_url", metadata_url),
            disable_metadata=_flag("disable_metadata", disable_metadata),
            regional_endpoint=_flag("regional_endpoint", regional_endpoint),
            ignore_proxy_env=_flag("ignore_proxy_env", ignore_proxy_env),
            danger_accept_invalid_certs=_flag("danger_accept_invalid_certs", danger_accept_invalid_certs),
            root_domain=_text("root_domain", root_domain),
            proxy=_text("proxy", proxy),
            ca_bundle=_path("ca_bundle", ca_bundle),
            log_callback=self._log_callback,
            log_user_data=None,
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
                              timeout: Union[int, float, None] = None,
                              cancel: Optional[CancelToken] = None) -> ModifyInstanceTokenResult:
        """Enables or disables (``enable``) a long-term access credential, or
        sets its description (``desc`` with ``modify_flag=1``).

        ``enable=False`` is sent, never dropped. ``timeout`` (seconds)
        overrides the client's for this call; ``cancel`` (a
        :class:`CancelToken`) ends it early from another thread. Repeating a
        call is safe: it sets a state. Raises a :class:`TcrError` subclass
        on failure.
        """
        request = _request(registry_id, token_id, enable, desc, modify_flag)
        settings = _settings(timeout, cancel)
        response = _ffi.ResponsePointer()
        handle = self._enter()
        try:
            status = _ffi.lib.tcr_modify_instance_token(handle, ctypes.byref(request), settings,
                                                        ctypes.byref(response))
        finally:
            self._leave()
        try:
            out = response.contents
            request_id = _ffi.take_string(out.request_id)
            if status == _ffi.TCR_OK:
                return ModifyInstanceTokenResult(request_id=request_id or "", http_status=out.http_status,
                                                 attempts=out.attempts)
            raise error_for(status, _ffi.take_string(out.error_message), code=_ffi.take_string(out.error_code),
                            request_id=request_id, http_status=out.http_status)
        finally:
            _ffi.lib.tcr_response_free(response)

    def call(self, action: str, params: Optional[Dict[str, Any]] = None, *,
             timeout: Union[int, float, None] = None, cancel: Optional[CancelToken] = None) -> Dict[str, Any]:
        """Calls any TCR action (API version 2019-09-24) by name, e.g.
        ``client.call("DescribeInstanceToken", {"RegistryId": "tcr-12345"})``,
        and returns the reply's ``Response`` object (``RequestId`` included).

        ``params`` is a dict that ``json.dumps`` accepts (``None``: ``{}``).
        Only what cannot have been processed is retried
        (``RequestLimitExceeded[.*]``, a failed connect): the action may not
        be repeatable. Each action has its own client-side rate-limit
        bucket. Raises the same :class:`TcrError` subclasses as
        :meth:`modify_instance_token`.
        """
        if not isinstance(action, str):
            raise TypeError(f"action must be a str, not {type(action).__name__}")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict, not {type(params).__name__}")
        settings = _settings(timeout, cancel)
        import json  # here, not at import: most programs never make a generic call

        try:
            text = json.dumps(params, ensure_ascii=False, allow_nan=False)
        except ValueError as error:
            raise InvalidArgumentError(f"invalid argument params: {error}") from None
        encoded_action = _text("action", action, required=True)
        encoded_params = _text("params", text, required=True)
        response = _ffi.ResponsePointer()
        handle = self._enter()
        try:
            status = _ffi.lib.tcr_call(handle, encoded_action, encoded_params, settings, ctypes.byref(response))
        finally:
            self._leave()
        try:
            out = response.contents
            if status == _ffi.TCR_OK:
                reply: Dict[str, Any] = json.loads(_ffi.take_string(out.response_json) or "{}")
                return reply
            raise error_for(status, _ffi.take_string(out.error_message), code=_ffi.take_string(out.error_code),
                            request_id=_ffi.take_string(out.request_id), http_status=out.http_status)
        finally:
            _ffi.lib.tcr_response_free(response)

    def prepare_modify_instance_token(self, registry_id: str, token_id: str, *, enable: Optional[bool] = None,
                                      desc: Optional[str] = None,
                                      modify_flag: Optional[int] = None) -> PreparedRequest:
        """The request :meth:`modify_instance_token` would send now, to send
        with your own HTTP client (see :class:`PreparedRequest`): validated
        the same way, with the client's credentials and clock offset. Nothing
        is sent. Raises the same :class:`TcrError` subclasses for bad input.
        """
        request = _request(registry_id, token_id, enable, desc, modify_flag)
        pointer = _ffi.PreparedPointer()
        handle = self._enter()
        try:
            status = _ffi.lib.tcr_modify_instance_token_prepare(handle, ctypes.byref(request), None,
                                                                ctypes.byref(pointer))
        finally:
            self._leave()
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

    @property
    def clock_offset(self) -> int:
        """Seconds added to the local clock when signing: the service's clock
        minus this host's, learned from an ``AuthFailure.SignatureExpire``
        reply's ``Date`` header (0 until then). A call that gets that error
        signs again with the service's time and tries once more; later calls
        use the offset from their first attempt."""
        handle = self._enter()
        try:
            offset: int = _ffi.lib.tcr_client_clock_offset(handle)
            return offset
        finally:
            self._leave()

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
