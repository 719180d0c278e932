"""The arm64 wheel in an arm64 Python (under qemu-aarch64): loads its own
libtcr, calls the emulator at $TCR_EMULATOR_URL synchronously and with
asyncio, and signs a prepared request. Run by scripts/arm64.sh test."""
import asyncio
import os
import platform
import sys

import tcr

assert platform.machine() == "aarch64", platform.machine()
assert "/opt/tcr-site/tcr/" in tcr._ffi.library_path, tcr._ffi.library_path
url = os.environ["TCR_EMULATOR_URL"]
options = dict(secret_id="AKIDEMULATOR0000000000000000000000000", secret_key="EmulatorDemoSecretKey000000000000",
               region="ap-guangzhou", endpoint=url, rate_limit=0)
REGISTRY, TOKEN = "tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f"

with tcr.Client(**options) as client:
    result = client.modify_instance_token(REGISTRY, TOKEN, enable=False)
    assert len(result.request_id) == 36 and result.attempts == 1
    listed = client.call("DescribeInstanceToken", {"RegistryId": REGISTRY})
    assert listed["Tokens"][0]["Enabled"] is False and listed.attempts == 1
    prepared = client.prepare_modify_instance_token(REGISTRY, TOKEN, enable=True)
    assert prepared.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDEMULATOR")


async def concurrently():
    async with tcr.AsyncClient(**options) as client:
        results = await asyncio.gather(*(client.modify_instance_token(REGISTRY, TOKEN, enable=True) for _ in range(4)))
        assert len({r.request_id for r in results}) == 4

asyncio.run(concurrently())
print(f"arm64 wheel: tcr {tcr.__version__} (libtcr {tcr.library_version()}) on Python {sys.version.split()[0]} "
      f"{platform.machine()}: calls, asyncio and a prepared request work")
