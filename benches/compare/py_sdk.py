"""Sequential calls through the official Tencent Cloud Python SDK (one
client, so its requests.Session keeps the connection alive); prints
RESULT <calls/s>."""
import os
import sys
import time

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcr.v20190924 import models, tcr_client

calls = int(sys.argv[1])
url = os.environ["TCR_EMULATOR_URL"]
profile = ClientProfile(httpProfile=HttpProfile(endpoint=url.split("://", 1)[1], protocol="http"))
client = tcr_client.TcrClient(credential.Credential("AKIDEMULATOR0000000000000000000000000",
                                                    "EmulatorDemoSecretKey000000000000"), "ap-guangzhou", profile)


def call():
    request = models.ModifyInstanceTokenRequest()
    request.RegistryId = "tcr-12345"
    request.TokenId = "2ab3af0d-893d-423f-91b1-27713566f95f"
    request.Enable = True
    client.ModifyInstanceToken(request)


call()  # warm-up
started = time.perf_counter()
for _ in range(calls):
    call()
print(f"RESULT {calls / (time.perf_counter() - started):.1f}")
