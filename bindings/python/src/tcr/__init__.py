"""tcr: Tencent Cloud TCR (ModifyInstanceToken, and any other action) through libtcr.

    import tcr

    with tcr.Client(region="ap-guangzhou") as client:   # credentials: the usual chain
        result = client.modify_instance_token("tcr-12345", "2ab3af0d-...", enable=False)
        print(result.request_id)
        tokens = client.call("DescribeInstanceToken", {"RegistryId": "tcr-12345"})

The signer, validation and HTTP are libtcr's, shared with the C and Go APIs;
docs/python.md is the guide, tcr.testing an emulator for your own tests.
"""
from __future__ import annotations

from ._cancel import CancelToken
from ._client import Client
from ._prepare import PreparedRequest
from ._results import CallResult, ModifyInstanceTokenResult
from ._ffi import LibraryNotFoundError, LibraryVersionError
from .errors import (
    ApiError,
    CallCancelledError,
    ClientClosedError,
    CredentialsError,
    InternalError,
    InvalidArgumentError,
    NetworkError,
    ProtocolError,
    RequestTimeoutError,
    TcrError,
)
from . import _ffi as _ffi_module

__version__ = "0.2.1"


TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Any

    from ._async import AsyncClient


def __getattr__(name: str) -> Any:
    # AsyncClient on first use: asyncio costs milliseconds at import, which
    # programs that never use it should not pay.
    if name == "AsyncClient":
        from ._async import AsyncClient

        return AsyncClient
    raise AttributeError(f"module 'tcr' has no attribute {name!r}")


def library_version() -> str:
    """The version of the loaded libtcr."""
    version: bytes = _ffi_module.lib.tcr_version()
    return version.decode("ascii")


__all__ = [
    "ApiError",
    "AsyncClient",
    "CallCancelledError",
    "CallResult",
    "CancelToken",
    "Client",
    "ClientClosedError",
    "CredentialsError",
    "InternalError",
    "InvalidArgumentError",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "ModifyInstanceTokenResult",
    "NetworkError",
    "PreparedRequest",
    "ProtocolError",
    "RequestTimeoutError",
    "TcrError",
    "library_version",
]
