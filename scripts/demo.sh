#!/usr/bin/env bash
# make demo: the service document's three examples from C, Python, Go and
# the tcr command line
# against the emulator at $TCR_EMULATOR_URL (run through
# tests/with-emulator.sh), then the token's final state.
set -euo pipefail
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
registry=tcr-12345 token=2ab3af0d-893d-423f-91b1-27713566f95f
tool="build/modify_instance_token --endpoint $TCR_EMULATOR_URL --registry-id $registry --token-id $token"
echo "emulator at $TCR_EMULATOR_URL"
echo "== C (build/modify_instance_token)"
printf 'Example 1, enable:             RequestId '; $tool --enable
printf 'Example 2, disable:            RequestId '; $tool --disable
printf 'Example 3, description "aaa": RequestId '; $tool --desc aaa
echo "== Python (bindings/python)"
PYTHONPATH=bindings/python/src "${PYTHON:-python3}" bindings/python/examples/seed.py "$TCR_EMULATOR_URL"
echo "== Go (bindings/go)"
(cd bindings/go && go run ./examples/seed -endpoint "$TCR_EMULATOR_URL")
echo "== tcr (target/release/tcr, tccli's command lines)"
cli="target/release/tcr ModifyInstanceToken --endpoint $TCR_EMULATOR_URL --RegistryId $registry --TokenId $token --filter RequestId --output text"
printf 'Example 1, enable:             RequestId '; $cli --Enable true
printf 'Example 2, disable:            RequestId '; $cli --Enable false
printf 'Example 3, description "aaa": RequestId '; $cli --ModifyFlag 1 --Desc aaa
printf 'Final token state: '
"${PYTHON:-python3}" - "$TCR_EMULATOR_URL" "$registry" "$token" <<'PY'
import json, sys, urllib.request
url, registry, token = sys.argv[1:]
state = json.load(urllib.request.urlopen(url + "/_emulator/state"))["registries"][registry][token]
print("enabled=%s desc=%r" % (state["enabled"], state["desc"]))
PY
