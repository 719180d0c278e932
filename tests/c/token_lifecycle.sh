#!/usr/bin/env bash
# Runs the C lifecycle example against the emulator at $TCR_EMULATOR_URL
# (its demo key) and checks each step's line and the emulator's state.
set -euo pipefail
tool=$1
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
out=$("$tool" tcr-12345 "$TCR_EMULATOR_URL")
echo "$out"
for step in created disabled listed deleted; do
  grep -q "^$step " <<<"$out" || { echo "token_lifecycle: no '$step' line" >&2; exit 1; }
done
id=$(sed -n 's/^created *\([^ ]*\) .*/\1/p' <<<"$out")
# Listed while disabled, with its description (the emulator writes keys in
# alphabetical order).
grep "^listed" <<<"$out" | grep -q "\"Desc\":\"made by token_lifecycle\",\"Enabled\":false,\"ExpiredAt\":0,\"Id\":\"$id\"" ||
  { echo "token_lifecycle: the list does not show $id disabled" >&2; exit 1; }
state=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/_emulator/state").read().decode())' "$TCR_EMULATOR_URL")
if grep -q "$id" <<<"$state"; then echo "token_lifecycle: $id still exists" >&2; exit 1; fi
# A failed step exits 1 with the service's code.
if "$tool" tcr-nope "$TCR_EMULATOR_URL" 2>err.$$; then echo "token_lifecycle: no failure" >&2; exit 1; fi
grep -q "ResourceNotFound" err.$$ || { cat err.$$; rm -f err.$$; exit 1; }
rm -f err.$$
echo "token_lifecycle: all steps checked"
