"""What successful calls return."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (import cost)
if TYPE_CHECKING:
    from typing import Any, Dict

    _Dict = Dict[str, Any]
else:
    _Dict = dict


class ModifyInstanceTokenResult:
    """The outcome of a successful :meth:`Client.modify_instance_token` (immutable).

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


class CallResult(_Dict):
    """The outcome of a successful :meth:`Client.call`: the reply's
    ``Response`` object, as the dict it always was (``RequestId`` included,
    ``==`` a plain dict with the same items), plus the same three attributes
    as :class:`ModifyInstanceTokenResult`: ``request_id``, ``http_status``
    and ``attempts``. It copies and pickles like a dict, attributes kept.
    """

    request_id: str
    http_status: int
    attempts: int

    def __init__(self, response: Dict[str, Any], *, request_id: str, http_status: int, attempts: int) -> None:
        super().__init__(response)
        self.request_id = request_id
        self.http_status = http_status
        self.attempts = attempts

    def __repr__(self) -> str:
        return (f"CallResult({dict.__repr__(self)}, request_id={self.request_id!r}, "
                f"http_status={self.http_status!r}, attempts={self.attempts!r})")
