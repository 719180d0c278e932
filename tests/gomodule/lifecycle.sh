#!/usr/bin/env bash
# Runs the Go lifecycle example against the emulator at $TCR_EMULATOR_URL
# (its demo key) and checks its steps and that the token is gone.
set -euo pipefail
cd "$(dirname "$0")/../../bindings/go"
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
out=$(go run ./examples/lifecycle -endpoint "$TCR_EMULATOR_URL")
echo "$out"
[ "$(awk '{print $1}' <<<"$out" | tr '\n' ' ')" = "created disabled listed listed deleted " ] ||
  { echo "lifecycle: unexpected steps" >&2; exit 1; }
id=$(awk '/^created/ {print $2}' <<<"$out")
grep -q "^listed   $id disabled \"made by lifecycle.go\"$" <<<"$out" ||
  { echo "lifecycle: $id not listed as disabled" >&2; exit 1; }
if go run ./examples/lifecycle -endpoint "$TCR_EMULATOR_URL" -registry-id tcr-nope 2>err.$$; then
  echo "lifecycle: no failure for an unknown instance" >&2; rm -f err.$$; exit 1
fi
grep -q ResourceNotFound err.$$ || { cat err.$$; rm -f err.$$; exit 1; }
rm -f err.$$
echo "lifecycle (Go): all steps checked"
