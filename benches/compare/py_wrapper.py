"""Sequential calls through the Python wrapper; prints RESULT <calls/s>."""
import os
import sys
import time

import tcr

calls = int(sys.argv[1])
with tcr.Client(secret_id="AKIDEMULATOR0000000000000000000000000", secret_key="EmulatorDemoSecretKey000000000000",
                region="ap-guangzhou", endpoint=os.environ["TCR_EMULATOR_URL"], rate_limit=0) as client:
    client.modify_instance_token("tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f", enable=True)  # warm-up
    started = time.perf_counter()
    for _ in range(calls):
        client.modify_instance_token("tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f", enable=True)
    print(f"RESULT {calls / (time.perf_counter() - started):.1f}")
