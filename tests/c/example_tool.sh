#!/usr/bin/env bash
# Tests the example tool as a user runs it, against the emulator's demo key
# and a temporary key (EXAMPLE_TOOL_KEYS in the Makefile): usage errors,
# --help, the three seed examples, an API error, the credential chain.
set -u
tool=$1
url=$TCR_EMULATOR_URL
passed=0 failed=0
check() { # check NAME CONDITION-EXIT-STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
ids="--registry-id tcr-12345 --token-id 2ab3af0d-893d-423f-91b1-27713566f95f"

out=$("$tool" --help); check "--help exits 0" $?
echo "$out" | grep -q -- "--registry-id"; check "--help explains the options" $?

"$tool" $ids 2>/dev/null; check "no action is a usage error" $(( $? == 2 ? 0 : 1 ))
"$tool" $ids --enable --disable 2>/dev/null; check "two actions is a usage error" $(( $? == 2 ? 0 : 1 ))
TENCENTCLOUD_REGION= "$tool" $ids --enable --endpoint "$url" 2>/dev/null; check "no region is a usage error" $(( $? == 2 ? 0 : 1 ))

for action in --enable --disable "--desc aaa"; do
  out=$("$tool" $ids $action --endpoint "$url"); status=$?
  check "$action exits 0" $status
  echo "$out" | grep -Eq '^[0-9a-f-]{36}$'; check "$action prints a RequestId" $?
done
state=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]+'/_emulator/state').read().decode())" "$url")
echo "$state" | grep -q '"desc":"aaa","enabled":false'; check "final state is disabled with desc aaa" $?

err=$(TENCENTCLOUD_SECRET_KEY=wrong "$tool" $ids --enable --endpoint "$url" 2>&1 >/dev/null); status=$?
check "an API error exits 1" $(( status == 1 ? 0 : 1 ))
echo "$err" | grep -q "AuthFailure.SignatureFailure"; check "the error code is printed" $?
echo "$err" | grep -Eq "RequestId [0-9a-f-]{36}"; check "the RequestId is printed" $?

err=$(TENCENTCLOUD_SECRET_ID= "$tool" $ids --enable --endpoint "$url" 2>&1 >/dev/null); status=$?
check "missing credentials exit 1" $(( status == 1 ? 0 : 1 ))
echo "$err" | grep -q "TCR_CREDENTIALS"; check "missing credentials are named" $?

# Credentials are left to libtcr's chain: tccli's TENCENTCLOUD_TOKEN for a
# temporary key (the emulator runs with AKIDEXTOOLTEMP:ex-temp-key:ex-token),
# and a profile file when the environment has none.
temp="TENCENTCLOUD_SECRET_ID=AKIDEXTOOLTEMP TENCENTCLOUD_SECRET_KEY=ex-temp-key"
out=$(env $temp TENCENTCLOUD_TOKEN=ex-token "$tool" $ids --enable --endpoint "$url"); status=$?
check "TENCENTCLOUD_TOKEN is sent as the session token" $status
err=$(env $temp "$tool" $ids --enable --endpoint "$url" 2>&1 >/dev/null)
echo "$err" | grep -q "AuthFailure.TokenFailure"; check "without it the temporary key is refused" $?
profile_dir=$(mktemp -d)
printf '[ci]\nsecret_id = %s\nsecret_key = %s\n' "$TENCENTCLOUD_SECRET_ID" "$TENCENTCLOUD_SECRET_KEY" > "$profile_dir/credentials"
env -u TENCENTCLOUD_SECRET_ID -u TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_CREDENTIALS_FILE="$profile_dir/credentials" \
  TENCENTCLOUD_PROFILE=ci "$tool" $ids --enable --endpoint "$url" >/dev/null
check "a profile of the credentials file is used" $?
rm -rf "$profile_dir"
"$tool" --help | grep -q "TENCENTCLOUD_TOKEN"; check "--help names the credential chain" $?

# TCR_LOG=debug: one diagnostics line per attempt on stderr, and no secret in it.
err=$(TCR_LOG=debug "$tool" $ids --enable --endpoint "$url" 2>&1 >/dev/null); status=$?
check "TCR_LOG=debug still succeeds" $status
echo "$err" | grep -q "action=ModifyInstanceToken .*attempt=1/3.*status=TCR_OK"; check "TCR_LOG=debug logs the attempt" $?
echo "$err" | grep -q "$TENCENTCLOUD_SECRET_KEY"; check "the log holds no secret key" $(( $? == 1 ? 0 : 1 ))
echo "$err" | grep -q "Signature="; check "the log holds no signature" $(( $? == 1 ? 0 : 1 ))
err=$("$tool" $ids --enable --endpoint "$url" 2>&1 >/dev/null)
[ -z "$err" ]; check "without TCR_LOG nothing is logged" $?

echo "example tool: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
