#!/usr/bin/env bash
# A token's life from a shell script, as a CI job would write it with tcr:
# create → describe → disable → delete, each value taken from tcr's output
# with --filter and --output text. Run through tests/with-emulator.sh.
set -euo pipefail
tcr=${TCR:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/tcr}
export HOME=$(mktemp -d)
trap 'rm -rf "$HOME"' EXIT
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou TCR_ENDPOINT=$TCR_EMULATOR_URL
export TCR_METADATA_URL=http://127.0.0.1:$TCR_CLOSED_PORT
registry=tcr-12345
die() { echo "lifecycle (tcr): $*" >&2; exit 1; }

token=$("$tcr" CreateInstanceToken --RegistryId $registry --TokenType longterm --Desc "made by lifecycle.sh" \
  --filter TokenId --output text)
[ -n "$token" ] || die "CreateInstanceToken printed no TokenId"
echo "created  $token"

state=$("$tcr" DescribeInstanceToken --RegistryId $registry --Limit 100 \
  --filter "Tokens[?Id=='$token'] | [0].[Enabled, Desc]" --output text)
[ "$state" = "$(printf 'True\tmade by lifecycle.sh')" ] || die "described as '$state'"
echo "listed   $token $state"

request_id=$("$tcr" ModifyInstanceToken --RegistryId $registry --TokenId "$token" --Enable false --filter RequestId --output text)
enabled=$("$tcr" DescribeInstanceToken --RegistryId $registry --filter "Tokens[?Id=='$token'] | [0].Enabled" --output text)
[ "$enabled" = False ] || die "still enabled after disabling ($request_id)"
echo "disabled $token RequestId $request_id"

"$tcr" DeleteInstanceToken --RegistryId $registry --TokenId "$token" >/dev/null
left=$("$tcr" DescribeInstanceToken --RegistryId $registry --filter "length(Tokens[?Id=='$token'])" --output text)
[ "$left" = 0 ] || die "the token is still listed after DeleteInstanceToken"
set +e
"$tcr" ModifyInstanceToken --RegistryId $registry --TokenId "$token" --Enable true 2>/dev/null
status=$?
set -e
[ $status = 6 ] || die "modifying the deleted token exited $status, not 6"
echo "deleted  $token (modifying it now: exit 6, the service's error)"
echo "lifecycle (tcr): all steps checked"
