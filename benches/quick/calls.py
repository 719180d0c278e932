"""Sequential calls through the Python binding against $TCR_EMULATOR_URL,
client-side limiter off; prints calls/s."""
import os
import sys
import time

import tcr

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
with tcr.Client(secret_id="AKIDEMULATOR0000000000000000000000000", secret_key="EmulatorDemoSecretKey000000000000",
                region="ap-guangzhou", endpoint=os.environ["TCR_EMULATOR_URL"], rate_limit=0) as client:
    started = time.perf_counter()
    for _ in range(calls):
        client.modify_instance_token("tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f", enable=True)
    print(f"Python  {calls / (time.perf_counter() - started):8.0f} calls/s ({calls} calls)")
