"""tcr.AsyncClient: concurrent awaits overlap, cancellation reaches libtcr."""
import asyncio
import time

import pytest

import tcr
from conftest import REGISTRY, SECRET_ID, SECRET_KEY, TOKEN


def _async_client(emulator, **options):
    return tcr.AsyncClient(secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-guangzhou",
                           endpoint=emulator.url, timeout=10, rate_limit=0, **options)


def test_twenty_concurrent_awaits_take_about_one_call(emulator):
    emulator.fault("mode=delay&delay_ms=300")

    async def main():
        async with _async_client(emulator) as client:
            started = time.monotonic()
            results = await asyncio.gather(*(
                client.modify_instance_token(REGISTRY, TOKEN, enable=i % 2 == 0) for i in range(20)))
            return time.monotonic() - started, results

    took, results = asyncio.run(main())
    print(f"20 concurrent awaits, 300 ms each: {took * 1000:.0f} ms")
    assert len({r.request_id for r in results}) == 20
    assert took < 1.5, took
    assert emulator.stats()["requests"] == 20


def test_cancelling_the_task_ends_it_at_once_and_cancels_the_call(emulator):
    emulator.fault("mode=delay&delay_ms=1500&count=1")

    async def main():
        async with _async_client(emulator) as client:
            task = asyncio.create_task(client.modify_instance_token(REGISTRY, TOKEN, enable=False))
            await asyncio.sleep(0.2)
            cancelled_at = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            ended = time.monotonic() - cancelled_at
            # The worker thread is freed too: the next call runs at once
            # and gets its own reply.
            started = time.monotonic()
            result = await client.modify_instance_token(REGISTRY, TOKEN, enable=True)
            return ended, time.monotonic() - started, result

    ended, next_took, result = asyncio.run(main())
    print(f"task ended {ended * 1000:.2f} ms after cancel(); next call {next_took * 1000:.1f} ms")
    assert ended < 0.05, ended
    assert next_took < 1.0 and result.attempts == 1
    assert emulator.state()["enabled"] is True


def test_a_timeout_from_wait_for_cancels_the_call(emulator):
    emulator.fault("mode=delay&delay_ms=1000&count=1")

    async def main():
        client = _async_client(emulator, max_workers=1)
        try:
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.modify_instance_token(REGISTRY, TOKEN, enable=False), 0.2)
            # With one worker, this call can only start once the cancelled
            # one has let its thread go.
            await client.modify_instance_token(REGISTRY, TOKEN, enable=True)
            return time.monotonic() - started
        finally:
            await client.aclose()
            await client.aclose()  # idempotent

    took = asyncio.run(main())
    assert took < 0.8, took


def test_generic_calls_and_errors(emulator):
    async def main():
        async with _async_client(emulator) as client:
            listed = await client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
            with pytest.raises(tcr.ApiError) as raised:
                await client.call("DeleteInstanceToken", {"RegistryId": REGISTRY, "TokenId": "nope"})
            with pytest.raises(tcr.InvalidArgumentError):
                await client.modify_instance_token("", TOKEN, enable=True)
            assert client.clock_offset == 0 and not client.closed
            return listed, raised.value

    listed, error = asyncio.run(main())
    assert listed["TotalCount"] == 1 and listed["Tokens"][0]["Id"] == TOKEN
    assert error.code == "ResourceNotFound" and error.request_id


def test_options_are_checked(emulator):
    with pytest.raises(ValueError):
        _async_client(emulator, max_workers=0)
    with pytest.raises(TypeError):
        _async_client(emulator, no_such_option=1)


def test_a_task_cancelled_while_queued_never_starts_its_call(emulator):
    # One worker, busy with a slow CreateInstanceToken; five more wait for
    # it and are cancelled there; then the event loop is kept busy while
    # the worker frees up. None of the five may reach the server.
    emulator.fault("mode=delay&delay_ms=400")
    params = {"RegistryId": REGISTRY, "TokenType": "longterm"}

    async def main():
        client = _async_client(emulator, max_workers=1)
        try:
            running = asyncio.ensure_future(client.call("CreateInstanceToken", params))
            queued = [asyncio.ensure_future(client.call("CreateInstanceToken", params)) for _ in range(5)]
            await asyncio.sleep(0.1)
            for task in queued:
                task.cancel()
            # A busy loop: the pool's withdrawal of the cancelled items is a
            # loop callback that cannot run while this blocks.
            time.sleep(0.8)
            for task in queued:
                with pytest.raises(asyncio.CancelledError):
                    await task
            created = await running
            # Time for any wrongly started call to reach the server.
            await asyncio.sleep(0.5)
            return created
        finally:
            await client.aclose()

    created = asyncio.run(main())
    assert created["TokenId"]
    assert emulator.stats()["requests"] == 1


def test_every_method_after_aclose_raises_client_closed(emulator):
    async def main():
        client = _async_client(emulator)
        await client.aclose()
        await client.aclose()  # idempotent
        assert client.closed
        with pytest.raises(tcr.ClientClosedError):
            await client.modify_instance_token(REGISTRY, TOKEN, enable=True)
        with pytest.raises(tcr.ClientClosedError):
            await client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
        with pytest.raises(tcr.ClientClosedError):
            client.prepare_modify_instance_token(REGISTRY, TOKEN, enable=True)
        with pytest.raises(tcr.ClientClosedError):
            client.clock_offset
        async with _async_client(emulator) as other:
            pass
        with pytest.raises(tcr.TcrError):
            await other.call("DescribeInstanceToken", {"RegistryId": REGISTRY})

    asyncio.run(main())
    assert emulator.stats()["requests"] == 0


def test_async_client_takes_exactly_the_client_keywords_plus_max_workers():
    import inspect

    client = inspect.signature(tcr.Client.__init__).parameters
    async_client = dict(inspect.signature(tcr.AsyncClient.__init__).parameters)
    assert async_client.pop("max_workers").default is None
    assert [(p.name, p.kind, p.default, p.annotation) for p in async_client.values()] == \
        [(p.name, p.kind, p.default, p.annotation) for p in client.values()]
