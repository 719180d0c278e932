"""Python values into their C form: the client's options, argument types,
and the bridge from libtcr's log callback to :mod:`logging`.

Nothing here validates what the service accepts (libtcr does that, with
messages naming the field); this module only checks Python types.
"""
from __future__ import annotations

import os
import sys

from . import _ffi
from .errors import InvalidArgumentError

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    import logging
    from typing import Any, Callable, Dict, Optional, Tuple, Union

_UINT32_MAX = 0xFFFFFFFF
_DEBUG = 10  # logging.DEBUG, without importing logging
_LEVELS = {_ffi.TCR_LOG_DEBUG: 10, _ffi.TCR_LOG_WARN: 30}  # to logging.DEBUG, logging.WARNING


def text(name: str, value: Optional[str], *, required: bool = False) -> Optional[bytes]:
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


def flag(name: str, value: bool) -> int:
    """A bool as C's uint8_t 0/1."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return 1 if value else 0


def count(name: str, value: Optional[int]) -> int:
    """An optional positive int as C's uint32 (0 = not set)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value <= 0:
        raise InvalidArgumentError(f"invalid argument {name}: must be at least 1, got {value}")
    return min(value, _UINT32_MAX)  # above the C range libtcr rejects it with its own message


def rate(value: Union[int, float, None]) -> Tuple[float, int]:
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


def path(name: str, value: Union[str, os.PathLike[str], None]) -> Optional[bytes]:
    """A str or os.PathLike as C text."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return text(name, value)


def milliseconds(name: str, seconds: Union[int, float, None]) -> int:
    """Seconds (int or float) as C milliseconds, rounded up; None is 0 (the default)."""
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if seconds != seconds or seconds <= 0:  # NaN, or not positive
        raise InvalidArgumentError(f"invalid argument {name}: must be greater than zero")
    if seconds == float("inf"):
        raise InvalidArgumentError(f"invalid argument {name}: must be a finite number of seconds")
    # Above the C range libtcr rejects it with its own message. Compared
    # before multiplying: a huge int or float would overflow.
    if seconds >= _UINT32_MAX / 1000:
        return _UINT32_MAX
    return int(-(-seconds * 1000 // 1))  # the ceiling, without importing math


# How each option of Client becomes its field of tcr_client_options.
_CONVERT: Dict[str, Callable[[str, Any], Any]] = {
    "secret_id": text, "secret_key": text, "session_token": text, "region": text, "endpoint": text,
    "language": text, "profile": text, "metadata_url": text, "root_domain": text, "proxy": text,
    "credentials_file": path, "ca_bundle": path,
    "role_arn": text, "role_session_name": text, "oidc_provider_id": text, "sts_endpoint": text,
    "credential_source": text, "web_identity_token_file": path, "tccli_dir": path, "role_duration": count,
    "timeout": milliseconds, "connect_timeout": milliseconds,
    "max_attempts": count, "rate_burst": count,
    "disable_metadata": flag, "regional_endpoint": flag, "ignore_proxy_env": flag,
    "danger_accept_invalid_certs": flag,
}
_C_NAME = {"timeout": "timeout_ms", "connect_timeout": "connect_timeout_ms", "role_duration": "role_duration_seconds"}


def client_options(values: Dict[str, Any], log_callback: Any) -> _ffi.ClientOptions:
    """tcr_client_options from Client's keyword values (every key of
    ``_CONVERT`` plus ``rate_limit``), each type-checked."""
    fields = {_C_NAME.get(name, name): convert(name, values[name]) for name, convert in _CONVERT.items()}
    fields["rate_limit"], fields["disable_rate_limit"] = rate(values["rate_limit"])
    return _ffi.sized(_ffi.ClientOptions, log_callback=log_callback, log_user_data=None, **fields)


class LogBridge:
    """libtcr's log lines of one client into a :class:`logging.Logger`: the
    one given, else ``logging.getLogger("tcr")`` once the program has
    imported :mod:`logging` (tcr never imports it for a debug line).

    Debug lines cross into Python only while the logger is enabled for
    DEBUG: :meth:`wants_debug` is asked before each call (a cached check in
    :mod:`logging`), and the client's C level follows it, so logging set up
    after the client was made works, and costs nothing while nobody listens.
    """

    def __init__(self, logger: Optional[logging.Logger]) -> None:
        logging_module = sys.modules.get("logging")
        if logger is not None and (logging_module is None or not isinstance(logger, logging_module.Logger)):
            raise TypeError(f"logger must be a logging.Logger, not {type(logger).__name__}")
        self._logger = logger
        self.callback = _ffi.LogCallback(self._emit)

    def _resolve(self, load: bool) -> Optional[logging.Logger]:
        if self._logger is None:
            if "logging" not in sys.modules and not load:
                return None
            import logging  # already loaded, or a warning to show

            self._logger = logging.getLogger("tcr")
        return self._logger

    def wants_debug(self) -> bool:
        """Whether debug lines would be handled by the logger now."""
        logger = self._logger
        if logger is None:  # the common case costs one dict lookup
            if "logging" not in sys.modules:
                return False
            logger = self._resolve(load=False)
        return logger is not None and logger.isEnabledFor(_DEBUG)

    def _emit(self, _user_data: Optional[int], level: int, line: bytes) -> None:
        python_level = _LEVELS.get(level, _DEBUG)
        # A warning is never dropped (logging prints it to stderr when the
        # program configured nothing); a debug line needs a listener.
        logger = self._resolve(load=python_level > _DEBUG)
        if logger is not None:
            logger.log(python_level, "%s", line.decode("utf-8", "replace"))
