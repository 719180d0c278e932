"""Cancelling calls, and the per-call settings (timeout, cancel token)."""
from __future__ import annotations

from . import _ffi
from ._handle import _OwnsHandle
from ._options import milliseconds

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Optional, Union


class CancelToken(_OwnsHandle):
    """Cancels calls from another thread (or an asyncio task): pass it as
    ``cancel=`` to a call, then :meth:`cancel` ends that call within
    milliseconds with :class:`CallCancelledError`. What a cancelled call
    may have sent is in docs/behaviour.md ("Cancellation").

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
        """Whether :meth:`cancel` was called."""
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


def call_settings(timeout: Union[int, float, None], cancel: Optional[CancelToken]) -> Optional[_ffi.CallSettings]:
    """A call's C settings, or None (NULL: the client's defaults)."""
    if cancel is not None and not isinstance(cancel, CancelToken):
        raise TypeError(f"cancel must be a tcr.CancelToken or None, not {type(cancel).__name__}")
    timeout_ms = milliseconds("timeout", timeout)
    if timeout_ms == 0 and cancel is None:
        return None
    return _ffi.sized(_ffi.CallSettings, timeout_ms=timeout_ms, cancel=cancel._handle if cancel is not None else None)
