"""tcr: Tencent Cloud TCR ModifyInstanceToken through libtcr.

    import tcr

    with tcr.Client(secret_id=..., secret_key=..., region="ap-guangzhou") as client:
        result = client.modify_instance_token("tcr-12345", "2ab3af0d-...", enable=False)
        print(result.request_id)

The signer, validation and HTTP are libtcr's, shared with the C and Go APIs.
"""
from typing import TYPE_CHECKING, Any

from ._client import CancelToken, Client, ModifyInstanceTokenResult, PreparedRequest
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

__version__ = "0.2.0"


if TYPE_CHECKING:
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
