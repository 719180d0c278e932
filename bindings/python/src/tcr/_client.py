"""The Client: its lifecycle, and the calls (Python types in, C structs
through libtcr, Python types out). The rules every call follows (retries,
rate limiting, the clock, cancellation, redaction) are libtcr's, stated
once in docs/behaviour.md."""
from __future__ import annotations

import ctypes
import threading

from . import _ffi, _options
from ._cancel import CancelToken, call_settings
from ._handle import _OwnsHandle
from ._prepare import PreparedRequest, take_prepared
from ._results import CallResult, ModifyInstanceTokenResult
from .errors import ClientClosedError, InvalidArgumentError, error_for

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    import logging
    import os
    from typing import Any, Dict, Optional, Tuple, Union

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _request(registry_id: str, token_id: str, enable: Optional[bool], desc: Optional[str],
             modify_flag: Optional[int]) -> _ffi.Request:
    """The C form of a ModifyInstanceToken call's arguments, their Python types checked."""
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
        registry_id=_options.text("registry_id", registry_id, required=True),
        token_id=_options.text("token_id", token_id, required=True),
        enable=_ffi.TCR_ENABLE_UNSET if enable is None else (_ffi.TCR_ENABLE_TRUE if enable else _ffi.TCR_ENABLE_FALSE),
        desc=_options.text("desc", desc),
        modify_flag=modify_flag or 0,
    )


def _action(action: str, params: Optional[Dict[str, Any]]) -> Tuple[bytes, bytes]:
    """A generic call's action and params as C text (params as JSON)."""
    if not isinstance(action, str):
        raise TypeError(f"action must be a str, not {type(action).__name__}")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, not {type(params).__name__}")
    import json  # here, not at import: most programs never make a generic call

    try:
        encoded = json.dumps(params, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise InvalidArgumentError(f"invalid argument params: {error}") from None
    action_text = _options.text("action", action, required=True)
    params_text = _options.text("params", encoded, required=True)
    assert action_text is not None and params_text is not None
    return action_text, params_text


def _failure(status: int, out: _ffi.Response) -> Exception:
    return error_for(status, _ffi.take_string(out.error_message), code=_ffi.take_string(out.error_code),
                     request_id=_ffi.take_string(out.request_id), http_status=out.http_status)


class Client(_OwnsHandle):
    """A client for TCR: ModifyInstanceToken, and any other action by name.

    Thread-safe: share one client between threads; calls run without the GIL
    and reuse pooled keep-alive connections. Close it with :meth:`close` or a
    ``with`` block; a closed client raises :class:`ClientClosedError`. It
    cannot be copied or pickled (``TypeError``): share the same client.

    Every keyword is optional; docs/python.md lists them with their C and
    Go names. Credentials come from the first source that has them
    (docs/behaviour.md, "Credentials"): ``secret_id``/``secret_key``/
    ``session_token``; the environment; the SDK profile file
    (``credentials_file``, ``profile``); tccli's profile (``tccli_dir``);
    the CVM instance role (``metadata_url``; ``disable_metadata=True`` skips
    it); TKE workload identity (the ``TKE_*`` variables, or
    ``oidc_provider_id`` with ``web_identity_token_file`` and
    ``role_arn``). ``role_arn`` assumes a role over what was found
    (``role_session_name``, ``role_duration`` in seconds, STS at
    ``sts_endpoint``); ``credential_source`` takes only one source, and
    :attr:`credential_source` says which one was used. ``region`` defaults
    to ``TENCENTCLOUD_REGION``, else tccli's. ``timeout`` (total per call, default 60 s) and
    ``connect_timeout`` (10 s) are seconds; ``rate_limit`` is requests per
    second (default 20, ``0`` turns it off) with bursts of ``rate_burst``.
    Diagnostics (one line per HTTP attempt, never a secret) go to
    ``logger`` (default ``logging.getLogger("tcr")``) whenever it is
    enabled for DEBUG, also if logging is set up after the client was made.
    """

    def __init__(self, *, secret_id: Optional[str] = None, secret_key: Optional[str] = None,
                 session_token: Optional[str] = None, region: Optional[str] = None,
                 endpoint: Optional[str] = None, language: Optional[str] = None,
                 timeout: Union[int, float, None] = None, connect_timeout: Union[int, float, None] = None,
                 max_attempts: Optional[int] = None, rate_limit: Union[int, float, None] = None,
                 rate_burst: Optional[int] = None, profile: Optional[str] = None,
                 credentials_file: Union[str, os.PathLike[str], None] = None,
                 metadata_url: Optional[str] = None, disable_metadata: bool = False,
                 regional_endpoint: bool = False, root_domain: Optional[str] = None,
                 proxy: Optional[str] = None, ignore_proxy_env: bool = False,
                 ca_bundle: Union[str, os.PathLike[str], None] = None,
                 danger_accept_invalid_certs: bool = False,
                 logger: Optional[logging.Logger] = None,
                 role_arn: Optional[str] = None, role_session_name: Optional[str] = None,
                 role_duration: Optional[int] = None, oidc_provider_id: Optional[str] = None,
                 web_identity_token_file: Union[str, os.PathLike[str], None] = None,
                 sts_endpoint: Optional[str] = None, tccli_dir: Union[str, os.PathLike[str], None] = None,
                 credential_source: Optional[str] = None) -> None:
        self._handle: Optional[int] = None
        self._lock = threading.Condition()
        self._active = 0
        self._closed = False
        self._log = _options.LogBridge(logger)
        options = _options.client_options(dict(
            secret_id=secret_id, secret_key=secret_key, session_token=session_token, region=region,
            endpoint=endpoint, language=language, timeout=timeout, connect_timeout=connect_timeout,
            max_attempts=max_attempts, rate_limit=rate_limit, rate_burst=rate_burst, profile=profile,
            credentials_file=credentials_file, metadata_url=metadata_url, disable_metadata=disable_metadata,
            regional_endpoint=regional_endpoint, root_domain=root_domain, proxy=proxy,
            ignore_proxy_env=ignore_proxy_env, ca_bundle=ca_bundle,
            danger_accept_invalid_certs=danger_accept_invalid_certs, role_arn=role_arn,
            role_session_name=role_session_name, role_duration=role_duration, oidc_provider_id=oidc_provider_id,
            web_identity_token_file=web_identity_token_file, sts_endpoint=sts_endpoint, tccli_dir=tccli_dir,
            credential_source=credential_source), self._log.callback)
        handle = ctypes.c_void_p()
        message = ctypes.c_void_p()
        status = _ffi.lib.tcr_client_new(ctypes.byref(options), ctypes.byref(handle), ctypes.byref(message))
        if status != _ffi.TCR_OK:
            text = _ffi.take_string(message.value)
            _ffi.lib.tcr_string_free(message)
            raise error_for(status, text)
        self._handle = handle.value
        # A new libtcr client sends debug lines; stop them until someone listens.
        self._debug = True
        self._follow_logging(self._handle or 0)

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
        settings = call_settings(timeout, cancel)
        response = _ffi.ResponsePointer()
        status = self._run(_ffi.lib.tcr_modify_instance_token, response, ctypes.byref(request), settings)
        try:
            out = response.contents
            if status != _ffi.TCR_OK:
                raise _failure(status, out)
            return ModifyInstanceTokenResult(request_id=_ffi.take_string(out.request_id) or "",
                                             http_status=out.http_status, attempts=out.attempts)
        finally:
            _ffi.lib.tcr_response_free(response)

    def call(self, action: str, params: Optional[Dict[str, Any]] = None, *,
             timeout: Union[int, float, None] = None, cancel: Optional[CancelToken] = None) -> CallResult:
        """Calls any TCR action (API version 2019-09-24) by name, e.g.
        ``client.call("DescribeInstanceToken", {"RegistryId": "tcr-12345"})``,
        and returns the reply's ``Response`` object as a :class:`CallResult`
        (a dict, ``RequestId`` included, with ``request_id``, ``http_status``
        and ``attempts``).

        ``params`` is a dict that ``json.dumps`` accepts (``None``: ``{}``).
        Only what cannot have been processed is retried: the action may not
        be repeatable. Raises the same :class:`TcrError` subclasses as
        :meth:`modify_instance_token`.
        """
        action_text, params_text = _action(action, params)
        settings = call_settings(timeout, cancel)
        response = _ffi.ResponsePointer()
        status = self._run(_ffi.lib.tcr_call, response, action_text, params_text, settings)
        try:
            out = response.contents
            if status != _ffi.TCR_OK:
                raise _failure(status, out)
            import json

            reply = json.loads(_ffi.take_string(out.response_json) or "{}")
            return CallResult(reply, request_id=_ffi.take_string(out.request_id) or "",
                              http_status=out.http_status, attempts=out.attempts)
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
        status = self._run(_ffi.lib.tcr_modify_instance_token_prepare, pointer, ctypes.byref(request), None)
        return take_prepared(status, pointer)

    def prepare_call(self, action: str, params: Optional[Dict[str, Any]] = None) -> PreparedRequest:
        """The request :meth:`call` would send now for ``action`` and
        ``params``, signed, to send with your own HTTP client. Nothing is sent."""
        action_text, params_text = _action(action, params)
        pointer = _ffi.PreparedPointer()
        status = self._run(_ffi.lib.tcr_call_prepare, pointer, action_text, params_text, None)
        return take_prepared(status, pointer)

    @property
    def credential_source(self) -> str:
        """Where the credentials come from, e.g. ``"environment"`` or
        ``"STS AssumeRole qcs::cam::uin/1:roleName/ci (session tcr-...) over
        environment"`` (never a secret)."""
        handle = self._enter()
        try:
            pointer = _ffi.lib.tcr_client_credential_source(handle)
        finally:
            self._leave()
        try:
            return _ffi.take_string(pointer) or ""
        finally:
            _ffi.lib.tcr_string_free(pointer)

    @property
    def clock_offset(self) -> int:
        """Seconds added to the local clock when signing: the service's clock
        minus this host's (0 until the service said a signature expired;
        docs/behaviour.md, "Clock")."""
        handle = self._enter()
        try:
            offset: int = _ffi.lib.tcr_client_clock_offset(handle)
            return offset
        finally:
            self._leave()

    def _run(self, function: Any, out: Any, *args: Any) -> int:
        """The one way a C call is made: with the handle held open (close()
        waits for it), the GIL released by ctypes, ``out`` receiving the
        struct libtcr allocates."""
        handle = self._enter()
        try:
            if self._log.wants_debug() is not self._debug:
                self._follow_logging(handle)
            status: int = function(handle, *args, ctypes.byref(out))
            return status
        finally:
            self._leave()

    def _follow_logging(self, handle: int) -> None:
        # Two threads may both flip it; each sets what logging says now.
        wants = self._log.wants_debug()
        if wants is not self._debug:
            self._debug = wants
            _ffi.lib.tcr_client_set_log_level(handle, _ffi.TCR_LOG_DEBUG if wants else _ffi.TCR_LOG_WARN)

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
        """Whether :meth:`close` was called."""
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

    def __enter__(self) -> Client:
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
