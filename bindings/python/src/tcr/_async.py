"""tcr.AsyncClient: the Client for asyncio.

Each call runs the blocking libtcr call on a bounded thread pool (libtcr
releases the GIL while it waits on the network), so N concurrent awaits take
about one call's time while N <= max_workers. Cancelling the awaiting task
cancels the call in libtcr through a CancelToken: the task ends at once, and
the worker thread is freed within milliseconds.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, TypeVar, Union

if TYPE_CHECKING:
    import logging

from ._cancel import CancelToken
from ._client import Client
from ._handle import _OwnsHandle
from ._prepare import PreparedRequest
from ._results import CallResult, ModifyInstanceTokenResult
from .errors import CallCancelledError, ClientClosedError

_T = TypeVar("_T")

#: Worker threads by default: calls mostly wait on the network without the
#: GIL, so a pool larger than the core count is what lets many awaits overlap.
DEFAULT_MAX_WORKERS = 32


class AsyncClient(_OwnsHandle):
    """A ModifyInstanceToken (and generic TCR) client for asyncio.

    Takes every option of :class:`tcr.Client` (the same keywords), plus ``max_workers`` (the
    size of its thread pool, default 32: at most that many calls run at
    once, the others wait their turn). Use it with ``async with``, or call
    :meth:`aclose`.

    Cancelling the task that awaits a call (``task.cancel()``, a timeout
    from ``asyncio.wait_for`` or ``asyncio.timeout``) ends the await at once
    and cancels the call inside libtcr; its result is discarded. A call
    still waiting for a worker thread then never starts; one under way may
    still have been sent and processed by the service. After
    :meth:`aclose`, every method raises :class:`ClientClosedError`. It
    cannot be copied or pickled (``TypeError``).
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
                 credential_source: Optional[str] = None,
                 max_workers: Optional[int] = None) -> None:
        # Client's keywords, written out so that type checkers and help()
        # see them (a test keeps the two signatures equal).
        if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(max_workers, int)):
            raise TypeError(f"max_workers must be an int or None, not {type(max_workers).__name__}")
        if max_workers is not None and max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._client = Client(
            secret_id=secret_id, secret_key=secret_key, session_token=session_token, region=region,
            endpoint=endpoint, language=language, timeout=timeout, connect_timeout=connect_timeout,
            max_attempts=max_attempts, rate_limit=rate_limit, rate_burst=rate_burst, profile=profile,
            credentials_file=credentials_file, metadata_url=metadata_url, disable_metadata=disable_metadata,
            regional_endpoint=regional_endpoint, root_domain=root_domain, proxy=proxy,
            ignore_proxy_env=ignore_proxy_env, ca_bundle=ca_bundle,
            danger_accept_invalid_certs=danger_accept_invalid_certs, logger=logger, role_arn=role_arn,
            role_session_name=role_session_name, role_duration=role_duration, oidc_provider_id=oidc_provider_id,
            web_identity_token_file=web_identity_token_file, sts_endpoint=sts_endpoint, tccli_dir=tccli_dir,
            credential_source=credential_source)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_workers or DEFAULT_MAX_WORKERS,
                                                           thread_name_prefix="tcr")

    async def _run(self, function: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
        if self._client.closed:
            raise ClientClosedError("the client is closed")
        token = CancelToken()
        loop = asyncio.get_running_loop()
        awaiting: List[asyncio.Future[_T]] = []

        def start() -> _T:
            # A task cancelled while its call waited for a worker must not
            # start it: the pool item is withdrawn only a loop iteration
            # after the cancel (later still on a busy loop), and by then a
            # worker may have picked it up. The future's state is set at
            # once by task.cancel(); reading it here is a plain attribute read.
            if awaiting and awaiting[0].cancelled():
                raise CallCancelledError("cancelled before the call started; nothing was sent")
            return function(*args, cancel=token, **kwargs)

        try:
            future = loop.run_in_executor(self._pool, start)
        except RuntimeError:  # the pool was shut down by aclose() meanwhile
            raise ClientClosedError("the client is closed") from None
        awaiting.append(future)
        try:
            return await future
        except asyncio.CancelledError:
            token.cancel()
            raise

    async def modify_instance_token(self, registry_id: str, token_id: str, *, enable: Optional[bool] = None,
                                    desc: Optional[str] = None, modify_flag: Optional[int] = None,
                                    timeout: Union[int, float, None] = None) -> ModifyInstanceTokenResult:
        """As :meth:`tcr.Client.modify_instance_token`, awaited."""
        return await self._run(self._client.modify_instance_token, registry_id, token_id, enable=enable, desc=desc,
                               modify_flag=modify_flag, timeout=timeout)

    async def call(self, action: str, params: Optional[Dict[str, Any]] = None, *,
                   timeout: Union[int, float, None] = None) -> CallResult:
        """As :meth:`tcr.Client.call`, awaited."""
        return await self._run(self._client.call, action, params, timeout=timeout)

    def prepare_call(self, action: str, params: Optional[Dict[str, Any]] = None) -> PreparedRequest:
        """As :meth:`tcr.Client.prepare_call` (not a coroutine: it does not
        wait on the network)."""
        return self._client.prepare_call(action, params)

    def prepare_modify_instance_token(self, registry_id: str, token_id: str, *, enable: Optional[bool] = None,
                                      desc: Optional[str] = None,
                                      modify_flag: Optional[int] = None) -> PreparedRequest:
        """As :meth:`tcr.Client.prepare_modify_instance_token` (it does not
        wait on the network, so it is not a coroutine)."""
        return self._client.prepare_modify_instance_token(registry_id, token_id, enable=enable, desc=desc,
                                                          modify_flag=modify_flag)

    @property
    def credential_source(self) -> str:
        """As :attr:`tcr.Client.credential_source`."""
        return self._client.credential_source

    @property
    def clock_offset(self) -> int:
        """As :attr:`tcr.Client.clock_offset`."""
        return self._client.clock_offset

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def aclose(self) -> None:
        """Waits for calls in flight, frees the client and stops the pool.
        Calling it again does nothing."""
        if self._client.closed:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._client.close)
        self._pool.shutdown(wait=False)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<tcr.AsyncClient {'closed' if self.closed else 'open'}>"
