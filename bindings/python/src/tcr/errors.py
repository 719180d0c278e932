"""Exceptions: one base class, one subclass per tcr_status.

Each also derives from the built-in exception a Python caller would expect
(invalid arguments are ValueError, timeouts TimeoutError, network failures
ConnectionError), and all answer get_code(), get_message() and
get_request_id() like the official SDK's TencentCloudSDKException.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Dict, Optional, Type

from . import _ffi


class TcrError(Exception):
    """Base class of every error raised by tcr.

    ``status`` is the tcr_status number, ``code`` the service's error code for
    API errors or the status name otherwise, ``message`` a human-readable
    text (never a secret), ``request_id`` the service's RequestId when one was
    returned, and ``http_status`` the HTTP status of the reply (0 if none).
    """

    status: int = _ffi.TCR_INTERNAL

    def __init__(self, message: str, *, code: Optional[str] = None, request_id: Optional[str] = None,
                 http_status: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else _status_name(self.status)
        self.request_id = request_id
        self.http_status = http_status

    def get_code(self) -> str:
        return self.code

    def get_message(self) -> str:
        return self.message

    def get_request_id(self) -> Optional[str]:
        return self.request_id

    def __str__(self) -> str:
        suffix = f" (RequestId {self.request_id})" if self.request_id else ""
        return f"[{self.code}] {self.message}{suffix}"


class InvalidArgumentError(TcrError, ValueError):
    """An argument is missing, malformed or out of range; nothing was sent."""

    status = _ffi.TCR_INVALID_ARGUMENT


class CredentialsError(TcrError):
    """The secret id or key is missing or unusable; nothing was sent."""

    status = _ffi.TCR_CREDENTIALS


class NetworkError(TcrError, ConnectionError):
    """The request was not delivered, or its reply could not be read."""

    status = _ffi.TCR_NETWORK


class RequestTimeoutError(TcrError, TimeoutError):
    """The call did not complete within its timeout."""

    status = _ffi.TCR_TIMEOUT


class ApiError(TcrError):
    """The service answered with an error: see ``code``, ``message`` and ``request_id``."""

    status = _ffi.TCR_API_ERROR


class ProtocolError(TcrError):
    """The reply had an unexpected HTTP status, shape or size (over 1 MiB)."""

    status = _ffi.TCR_PROTOCOL


class InternalError(TcrError):
    """A bug in libtcr (a panic caught at its C boundary)."""

    status = _ffi.TCR_INTERNAL


class CallCancelledError(TcrError):
    """The call's :class:`tcr.CancelToken` was cancelled. The message says
    whether the request may already have been sent (and processed)."""

    status = _ffi.TCR_CANCELLED


class ClientClosedError(TcrError, ValueError):
    """The client was closed; create a new one."""

    status = _ffi.TCR_INVALID_ARGUMENT


_BY_STATUS: Dict[int, Type[TcrError]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, CredentialsError, NetworkError, RequestTimeoutError, ApiError, ProtocolError,
                InternalError, CallCancelledError)
}


def _status_name(status: int) -> str:
    name: bytes = _ffi.lib.tcr_status_name(status)
    return name.decode("ascii")


def error_for(status: int, message: Optional[str], *, code: Optional[str] = None, request_id: Optional[str] = None,
              http_status: int = 0) -> TcrError:
    """The exception for a failed C call."""
    cls = _BY_STATUS.get(status, InternalError)
    text = message or _ffi.lib.tcr_status_description(status).decode("ascii")
    return cls(text, code=code, request_id=request_id, http_status=http_status)
