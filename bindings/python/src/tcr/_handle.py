"""The one lifecycle rule of every tcr object that owns a libtcr handle."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Any, Dict


class _OwnsHandle:
    """It cannot be copied or pickled. A copy would be a second Python object
    freeing the same handle (a crash), and a handle means nothing in another
    process. Share the object itself instead: each one is thread-safe."""

    __slots__ = ()

    def __copy__(self) -> _OwnsHandle:
        raise TypeError(f"cannot copy a tcr.{type(self).__name__}: it owns a libtcr handle; "
                        "share the same object (it is thread-safe) or create another")

    def __deepcopy__(self, memo: Dict[int, Any]) -> _OwnsHandle:
        raise TypeError(f"cannot deepcopy a tcr.{type(self).__name__}: it owns a libtcr handle; "
                        "share the same object (it is thread-safe) or create another")

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle a tcr.{type(self).__name__}: it owns a libtcr handle, "
                        "which is meaningless in another process; create one there")
