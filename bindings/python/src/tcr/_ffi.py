"""The one place that loads libtcr and declares its C API for ctypes.

Every struct mirrors include/tcr.h field for field; tests/test_abi.py compiles
a C program against the header and checks sizes and offsets, and that every
function the header declares is declared here, so this view cannot drift.
"""
from __future__ import annotations

import ctypes
import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import FrozenSet, List, Optional, Tuple, TypeVar

    _S = TypeVar("_S", bound=ctypes.Structure)

_LIBRARY_FILE = "libtcr.dylib" if sys.platform == "darwin" else "libtcr.so"


class LibraryNotFoundError(ImportError):
    """libtcr could not be loaded from any of the places searched."""


class LibraryVersionError(ImportError):
    """The libtcr found is of another major.minor version (another ABI) than
    this package was written for."""


# The libtcr this package was written for: the loaded library must have the
# same major.minor, its ABI as the SONAME counts it (a test checks this
# against include/tcr.h and the package version).
LIBRARY_ABI = (0, 2)


# void (*tcr_log_callback)(void *user_data, int level, const char *line)
LogCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)


class ClientOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("secret_id", ctypes.c_char_p),
        ("secret_key", ctypes.c_char_p),
        ("session_token", ctypes.c_char_p),
        ("region", ctypes.c_char_p),
        ("endpoint", ctypes.c_char_p),
        ("language", ctypes.c_char_p),
        ("timeout_ms", ctypes.c_uint32),
        ("connect_timeout_ms", ctypes.c_uint32),
        ("max_attempts", ctypes.c_uint32),
        ("rate_burst", ctypes.c_uint32),
        ("rate_limit", ctypes.c_double),
        ("profile", ctypes.c_char_p),
        ("credentials_file", ctypes.c_char_p),
        ("metadata_url", ctypes.c_char_p),
        ("root_domain", ctypes.c_char_p),
        ("proxy", ctypes.c_char_p),
        ("ca_bundle", ctypes.c_char_p),
        ("log_callback", LogCallback),
        ("log_user_data", ctypes.c_void_p),
        ("disable_metadata", ctypes.c_uint8),
        ("regional_endpoint", ctypes.c_uint8),
        ("ignore_proxy_env", ctypes.c_uint8),
        ("danger_accept_invalid_certs", ctypes.c_uint8),
        ("disable_rate_limit", ctypes.c_uint8),
        # 0.2.1: roles and workload identity.
        ("role_arn", ctypes.c_char_p),
        ("role_session_name", ctypes.c_char_p),
        ("role_duration_seconds", ctypes.c_uint32),
        ("oidc_provider_id", ctypes.c_char_p),
        ("web_identity_token_file", ctypes.c_char_p),
        ("sts_endpoint", ctypes.c_char_p),
        ("tccli_dir", ctypes.c_char_p),
        ("credential_source", ctypes.c_char_p),
    ]


class Request(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("registry_id", ctypes.c_char_p),
        ("token_id", ctypes.c_char_p),
        ("desc", ctypes.c_char_p),
        ("enable", ctypes.c_int32),
        ("modify_flag", ctypes.c_int32),
    ]


class CallSettings(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("timeout_ms", ctypes.c_uint32),
        ("cancel", ctypes.c_void_p),
    ]


def sized(struct: type[_S], **fields: object) -> _S:
    """An extensible input struct with its struct_size set (what the C
    headers' _INIT macros do), and `fields`."""
    return struct(struct_size=ctypes.sizeof(struct), **fields)


class Response(ctypes.Structure):
    # Allocated by libtcr and only read here, through a pointer. Owned
    # strings are c_void_p, not c_char_p: ctypes would otherwise copy them
    # into Python objects on every read.
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("request_id", ctypes.c_void_p),
        ("error_code", ctypes.c_void_p),
        ("error_message", ctypes.c_void_p),
        ("http_status", ctypes.c_uint32),
        ("attempts", ctypes.c_uint32),
        ("response_json", ctypes.c_void_p),
    ]


class Header(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_void_p),
        ("value", ctypes.c_void_p),
    ]


class PreparedRequest(ctypes.Structure):
    # Allocated by libtcr, read through a pointer, as Response.
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("method", ctypes.c_void_p),
        ("url", ctypes.c_void_p),
        ("headers", ctypes.POINTER(Header)),
        ("header_count", ctypes.c_size_t),
        ("body", ctypes.c_void_p),
        ("body_len", ctypes.c_size_t),
        ("error_message", ctypes.c_void_p),
    ]


# What the calls hand out: a pointer to a struct libtcr allocated.
ResponsePointer = ctypes.POINTER(Response)
PreparedPointer = ctypes.POINTER(PreparedRequest)

# The C names of the structs above, for the ABI test.
STRUCTS = {
    "tcr_client_options": ClientOptions,
    "tcr_modify_instance_token_request": Request,
    "tcr_call_settings": CallSettings,
    "tcr_response": Response,
    "tcr_header": Header,
    "tcr_prepared_request": PreparedRequest,
}

# tcr_status values (include/tcr.h).
TCR_OK = 0
TCR_INVALID_ARGUMENT = 1
TCR_CREDENTIALS = 2
TCR_NETWORK = 3
TCR_TIMEOUT = 4
TCR_API_ERROR = 5
TCR_PROTOCOL = 6
TCR_INTERNAL = 7
TCR_CANCELLED = 8

TCR_ENABLE_UNSET = 0
TCR_ENABLE_TRUE = 1
TCR_ENABLE_FALSE = 2

TCR_LOG_DEBUG = 10
TCR_LOG_WARN = 30


def _candidates() -> List[str]:
    """Where libtcr is looked for, in order."""
    places = []
    explicit = os.environ.get("TCR_LIBRARY")
    if explicit:
        places.append(explicit)
    here = os.path.dirname(os.path.realpath(__file__))
    places.append(os.path.join(here, _LIBRARY_FILE))
    # A source checkout: bindings/python/src/tcr -> the repository root.
    parent = os.path.dirname(here)
    while parent != os.path.dirname(parent):
        if os.path.isfile(os.path.join(parent, "Cargo.toml")):
            places.append(os.path.join(parent, "target", "release", _LIBRARY_FILE))
            break
        parent = os.path.dirname(parent)
    return places


def _load() -> Tuple[ctypes.CDLL, str]:
    """The library and the path it was loaded from."""
    tried = []
    for path in _candidates():
        if not os.path.exists(path):
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as error:
            tried.append(f"{path} ({error})")
    from ctypes import util as ctypes_util  # only for this last resort: it costs milliseconds at import

    system = ctypes_util.find_library("tcr")
    if system:
        try:
            return ctypes.CDLL(system), system
        except OSError as error:
            tried.append(f"system loader: {system} ({error})")
    else:
        tried.append("system loader (no libtcr found)")
    raise LibraryNotFoundError(
        "libtcr could not be loaded; set TCR_LIBRARY to its path, or build it with `make build`. Tried: "
        + "; ".join(tried)
    )


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    c_char_p, c_void_p, c_int = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
    signatures = {
        "tcr_version": ([], c_char_p),
        "tcr_status_name": ([c_int], c_char_p),
        "tcr_status_description": ([c_int], c_char_p),
        "tcr_string_free": ([c_void_p], None),
        "tcr_client_new": ([ctypes.POINTER(ClientOptions), ctypes.POINTER(c_void_p), ctypes.POINTER(c_void_p)], c_int),
        "tcr_client_free": ([c_void_p], None),
        "tcr_client_clock_offset": ([c_void_p], ctypes.c_int64),
        "tcr_client_set_log_level": ([c_void_p, ctypes.c_int], ctypes.c_int),
        "tcr_client_credential_source": ([c_void_p], c_void_p),
        "tcr_cancel_token_new": ([], c_void_p),
        "tcr_cancel_token_cancel": ([c_void_p], None),
        "tcr_cancel_token_is_cancelled": ([c_void_p], c_int),
        "tcr_cancel_token_free": ([c_void_p], None),
        "tcr_response_free": ([ctypes.POINTER(Response)], None),
        "tcr_modify_instance_token": (
            [c_void_p, ctypes.POINTER(Request), ctypes.POINTER(CallSettings),
             ctypes.POINTER(ctypes.POINTER(Response))], c_int),
        "tcr_call": (
            [c_void_p, c_char_p, c_char_p, ctypes.POINTER(CallSettings), ctypes.POINTER(ctypes.POINTER(Response))],
            c_int),
        "tcr_modify_instance_token_prepare": (
            [c_void_p, ctypes.POINTER(Request), ctypes.POINTER(CallSettings),
             ctypes.POINTER(ctypes.POINTER(PreparedRequest))], c_int),
        "tcr_call_prepare": (
            [c_void_p, c_char_p, c_char_p, ctypes.POINTER(CallSettings),
             ctypes.POINTER(ctypes.POINTER(PreparedRequest))], c_int),
        "tcr_prepared_request_free": ([ctypes.POINTER(PreparedRequest)], None),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype
    global declared_functions
    declared_functions = frozenset(signatures)
    return lib


# The C functions given argtypes and restype above (tests compare them with
# the header's).
declared_functions: FrozenSet[str] = frozenset()


def _check_version(library: ctypes.CDLL, path: str) -> None:
    version = library.tcr_version
    version.argtypes, version.restype = [], ctypes.c_char_p
    have = (version() or b"?").decode("ascii", errors="replace")
    if have.split(".")[:2] != [str(part) for part in LIBRARY_ABI]:
        raise LibraryVersionError(
            f"libtcr {have} (loaded from {path}) does not match this package, written for libtcr "
            f"{LIBRARY_ABI[0]}.{LIBRARY_ABI[1]}.x")


_library, library_path = _load()
_check_version(_library, library_path)
lib = _declare(_library)


def take_string(pointer: Optional[int]) -> Optional[str]:
    """Reads a C string owned by libtcr (without freeing it)."""
    if not pointer:
        return None
    return ctypes.string_at(pointer).decode("utf-8", errors="replace")
