#!/usr/bin/env bash
# The `tcr` command line against the emulator: each action kind, every
# option and output format, bad arguments (exit status 2 and nothing sent),
# the exit status of each failure class, parameters from a file and from
# stdin, --dry-run, and no secret printed in any of it.
# Run through tests/with-emulator.sh with C_TCR_KEYS (see the Makefile):
#   TCR=target/release/tcr tests/with-emulator.sh --key ... -- tests/cli/test_cli.sh
# Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tcr=${TCR:-$root/target/release/tcr}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { if [ "$2" -eq 0 ]; then ok; else fail "$1"; fi; }
py() { python3 -c "$@"; }

# No credential or setting of the caller's: a home of our own.
export HOME=$work/home
mkdir -p "$HOME"
unset TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_SESSION_TOKEN TENCENTCLOUD_PROFILE TCCLI_PROFILE TCR_LOG
ID=AKIDEMULATOR0000000000000000000000000
KEY=EmulatorDemoSecretKey000000000000
TMP_ID=AKIDCLITEMPORARY0001 TMP_KEY=cli-temporary-secret TMP_TOKEN=cli-session-token-0001
export TENCENTCLOUD_SECRET_ID=$ID TENCENTCLOUD_SECRET_KEY=$KEY TENCENTCLOUD_REGION=ap-guangzhou
export TCR_ENDPOINT=$TCR_EMULATOR_URL
# Were the chain ever to reach the CVM role, it asks a closed local port.
export TCR_METADATA_URL=http://127.0.0.1:$TCR_CLOSED_PORT
REG=tcr-12345 TOK=2ab3af0d-893d-423f-91b1-27713566f95f

# The emulator's view: a counter of /_emulator/stats, and the last request
# it recorded (its body, a header).
stat_of() { py 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/stats"))[sys.argv[2]])' "$TCR_EMULATOR_URL" "$1"; }
requests() { stat_of requests; }
last_request() { py 'import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/requests"))["requests"][-1]))' "$TCR_EMULATOR_URL"; }
last_body() { last_request | py 'import json,sys; print(json.load(sys.stdin)["body"])'; }
header_is() { last_request | py 'import json,sys; h=json.load(sys.stdin)["headers"]; sys.exit(0 if h.get(sys.argv[1]) == sys.argv[2] else repr(h.get(sys.argv[1])))' "$1" "$2"; }
# body_is JSON: the last request's body is this JSON (same values and
# types; the typed action's body is libtcr's, laid out as the SDKs do).
body_is() { py 'import json,sys; b=sys.argv[1]; sys.exit(0 if json.loads(b) == json.loads(sys.argv[2]) else "body " + b)' "$(last_body)" "$1"; }
fault() { py 'import sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/fault?" + sys.argv[2], method="POST"))' "$TCR_EMULATOR_URL" "$1"; }
json_get() { py 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"; }

# run NAME EXPECTED_STATUS ARGS...: runs tcr, keeps stdout/stderr in
# $work/out and $work/err, and checks the exit status.
run() {
  local name=$1 want=$2; shift 2
  "$tcr" "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  cat "$work/out" "$work/err" >>"$work/all"
  if [ "$got" -ne "$want" ]; then fail "$name: exit $got, wanted $want: $(head -c 400 "$work/err")"; return 1; fi
  ok
}
# bad NAME MESSAGE ARGS...: exit 2, a message on stderr containing
# MESSAGE, and no request reached the emulator.
bad() {
  local name=$1 message=$2; shift 2
  local before; before=$(requests)
  run "$name" 2 "$@" || return
  grep -qF -- "$message" "$work/err" || fail "$name: stderr lacks '$message': $(head -c 300 "$work/err")"
  [ "$(requests)" = "$before" ] || fail "$name: a request was sent"
  [ -s "$work/out" ] && fail "$name: printed on stdout"
  return 0
}

# --- the typed action, and what the service then holds
run "disable" 0 ModifyInstanceToken --RegistryId $REG --TokenId $TOK --Enable false &&
  [ -n "$(json_get RequestId <"$work/out")" ]; check "disable prints the Response with its RequestId" $?
body_is '{"RegistryId":"tcr-12345","TokenId":"2ab3af0d-893d-423f-91b1-27713566f95f","Enable":false}'
check "ModifyInstanceToken's body is libtcr's typed one" $?
run "describe" 0 DescribeInstanceToken --RegistryId $REG --Limit 20 &&
  [ "$(json_get Tokens.0.Enabled <"$work/out")" = false ]; check "the token is disabled" $?
[ "$(last_body)" = '{"RegistryId":"tcr-12345","Limit":20}' ]; check "--Limit 20 is sent as a number, as tccli types it" $?
head -c 6 "$work/out" | grep -q '^{$' && sed -n 2p "$work/out" | grep -q '^    "' ; check "json output: tccli's four-space layout" $?
run "enable with t" 0 ModifyInstanceToken --RegistryId=$REG --TokenId=$TOK --Enable t
run "re-describe" 0 ModifyInstanceToken --RegistryId $REG --TokenId $TOK --ModifyFlag 1 --Desc "部署 token"
run "describe after" 0 DescribeInstanceToken --RegistryId $REG --region ap-guangzhou &&
  [ "$(json_get Tokens.0.Desc <"$work/out")" = "部署 token" ] && [ "$(json_get Tokens.0.Enabled <"$work/out")" = true ]
check "enable and the new description are the service's state; non-ASCII printed as it is" $?

# --- output formats and --filter
run "text" 0 DescribeInstanceToken --RegistryId $REG --output text &&
  grep -qP "^TOKENS\t\S+\t部署 token\tTrue\t0\t$TOK\t$REG$" "$work/out"; check "--output text: one tab-separated line per token" $?
run "table" 0 DescribeInstanceToken --RegistryId $REG --output table &&
  grep -q 'DescribeInstanceToken' "$work/out" && grep -q "|  $TOK" "$work/out" &&
  [ "$(awk '{ print length($0) }' "$work/out" | sort -u | wc -l)" -ge 1 ]; check "--output table" $?
run "filter" 0 DescribeInstanceToken --RegistryId $REG --filter 'Tokens[?Enabled].Id' &&
  [ "$(tr -d ' \n' <"$work/out")" = "[\"$TOK\"]" ]; check "--filter selects with JMESPath" $?
run "filter text" 0 DescribeInstanceToken --RegistryId $REG --filter 'TotalCount' --output text &&
  [ "$(cat "$work/out")" = 1 ]; check "--filter with --output text" $?
run "filter to nothing" 0 DescribeInstanceToken --RegistryId $REG --filter 'NoSuchKey' &&
  [ "$(cat "$work/out")" = null ]; check "a filter that selects nothing prints null" $?

# --- parameters from a file and from stdin; skeletons
"$tcr" ModifyInstanceToken --generate-cli-skeleton >"$work/skeleton.json" </dev/null
[ "$(py 'import json,sys; print(list(json.load(open(sys.argv[1]))))' "$work/skeleton.json")" = "['TokenId', 'RegistryId', 'Enable', 'Desc', 'ModifyFlag']" ]
check "--generate-cli-skeleton lists the parameters in the model's order" $?
"$tcr" DescribeInstances --generate-cli-skeleton input | grep -q '"Values": \[' ; check "skeletons spell out structures" $?
printf '{"RegistryId": "%s", "TokenId": "%s", "Enable": false}' $REG $TOK >"$work/disable.json"
run "from a file" 0 ModifyInstanceToken --cli-input-json "file://$work/disable.json" &&
  body_is '{"RegistryId":"tcr-12345","TokenId":"2ab3af0d-893d-423f-91b1-27713566f95f","Enable":false}'
check "--cli-input-json file://" $?
before=$(requests)
printf '{"RegistryId": "%s", "TokenId": "%s", "Enable": false}' $REG $TOK |
  "$tcr" ModifyInstanceToken --cli-input-json - --Enable true >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && [ "$(requests)" = $((before + 1)) ] &&
  body_is '{"RegistryId":"tcr-12345","TokenId":"2ab3af0d-893d-423f-91b1-27713566f95f","Enable":true}'
check "--cli-input-json - reads stdin; the command line's value wins" $?
echo '{"Offset": 0, "RegistryId": "tcr-12345", "Limit": 5}' |
  "$tcr" DescribeInstanceToken --cli-input-json - >/dev/null 2>&1 &&
  [ "$(last_body)" = '{"RegistryId":"tcr-12345","Limit":5,"Offset":0}' ]
check "a generic action's parameters from stdin, sent in the model's order" $?

# --- an action tcr's model does not know: values JSON where they are JSON
run "unknown action" 6 DescribeSomethingNew --RegistryId $REG --Limit 5 --Flag true --Names '["a"]' --Word abc &&
  [ "$(last_body)" = '{"RegistryId":"tcr-12345","Limit":5,"Flag":true,"Names":["a"],"Word":"abc"}' ] &&
  grep -q 'InvalidAction\|UnsupportedOperation' "$work/err"; check "an unknown action is sent, its values typed by their look" $?

run "near miss" 6 ModifyInstanceTokn --RegistryId $REG --TokenId $TOK --Enable false &&
  grep -q 'note: ModifyInstanceTokn is not a TCR action tcr knows .*Did you mean ModifyInstanceToken?' "$work/err"
check "a near miss of a known action is sent with a note naming the action meant" $?

# --- bad arguments: exit 2, a clear message, nothing sent
bad "no action" "Usage:"
bad "unknown option" "unexpected argument '--RegistryID'" ModifyInstanceToken --RegistryID $REG --TokenId $TOK
bad "missing required" "needs --TokenId" ModifyInstanceToken --RegistryId $REG --Enable true
bad "boolean" "expected true or false" ModifyInstanceToken --RegistryId $REG --TokenId $TOK --Enable yes
bad "modify flag" "--ModifyFlag is 1" ModifyInstanceToken --RegistryId $REG --TokenId $TOK --ModifyFlag 3
bad "integer" "expected an integer" DescribeInstanceToken --RegistryId $REG --Limit twenty
bad "list" "expected an Array in JSON" DescribeInstances --Registryids tcr-1
bad "desc too long" "--Desc is longer than 1024" ModifyInstanceToken --RegistryId $REG --TokenId $TOK --ModifyFlag 1 --Desc "$(printf 'x%.0s' $(seq 1 1025))"
bad "flag 1 without desc" "--Desc is required" ModifyInstanceToken --RegistryId $REG --TokenId $TOK --ModifyFlag 1
bad "repeated" "cannot be used multiple times" ModifyInstanceToken --RegistryId $REG --RegistryId tcr-2 --TokenId $TOK --Enable true
bad "output" "invalid value 'xml'" DescribeInstanceToken --RegistryId $REG --output xml
bad "filter" "--filter" DescribeInstanceToken --RegistryId $REG --filter 'Tokens[?'
bad "input without file://" "file://PATH" ModifyInstanceToken --cli-input-json '{"RegistryId":"x"}'
bad "input missing" "cannot open" ModifyInstanceToken --cli-input-json file://$work/none.json
echo '[1, 2]' >"$work/list.json"
bad "input not an object" "not an object" ModifyInstanceToken --cli-input-json "file://$work/list.json"
echo '{"RegistryId": "tcr-12345", "TokenId": "x", "Enable": "false"}' >"$work/typed.json"
bad "input typed" "Enable must be true or false" ModifyInstanceToken --cli-input-json "file://$work/typed.json"
echo '{"RegistryId": "tcr-12345", "TokenId": "x", "Enabled": false}' >"$work/typo.json"
bad "input unknown key" 'has no parameter "Enabled"' ModifyInstanceToken --cli-input-json "file://$work/typo.json"
bad "timeout" "--timeout" DescribeInstanceToken --RegistryId $REG --timeout soon
bad "timeout range" "--timeout" DescribeInstanceToken --RegistryId $REG --timeout 601
bad "max attempts" "--max-attempts" DescribeInstanceToken --RegistryId $REG --max-attempts 0
bad "region" "--region" DescribeInstanceToken --RegistryId $REG --region 'ap guangzhou'
bad "endpoint" "--endpoint" DescribeInstanceToken --RegistryId $REG --endpoint 'ftp://x'
bad "action name" "capital letter" describeInstanceToken --RegistryId $REG
bad "skeleton of an unknown action" "no skeleton" NoSuchAction --generate-cli-skeleton

# --- the exit status of each failure class
run "service error" 6 ModifyInstanceToken --RegistryId $REG --TokenId nope --Enable true &&
  grep -qE '^tcr: ModifyInstanceToken failed: ResourceNotFound: .* \(RequestId [0-9a-f-]{36}\)$' "$work/err"
check "a service error: code, message and RequestId on one stderr line" $?
run "credentials" 3 DescribeInstanceToken --RegistryId $REG --secretId AKIDONLYID
run "network" 4 DescribeInstanceToken --RegistryId $REG --endpoint "http://127.0.0.1:$TCR_CLOSED_PORT" --max-attempts 1
fault "mode=delay&delay_ms=3000&count=1"
run "timeout" 5 DescribeInstanceToken --RegistryId $REG --timeout 0.3
fault "mode=none"
fault "mode=garbage&count=3"
run "protocol" 7 DescribeInstanceToken --RegistryId $REG --max-attempts 1
fault "mode=none"

# --- credentials: explicit, a tccli profile, temporary keys
run "explicit keys" 0 DescribeInstanceToken --RegistryId $REG --secretId $TMP_ID --secretKey $TMP_KEY --token $TMP_TOKEN
mkdir -p "$HOME/.tccli"
printf '{"secretId": "%s", "secretKey": "%s", "token": "%s"}' $TMP_ID $TMP_KEY $TMP_TOKEN >"$HOME/.tccli/ci.credential"
printf '{"_sys_param": {"region": "ap-shanghai", "output": "json"}}' >"$HOME/.tccli/ci.configure"
env -u TENCENTCLOUD_SECRET_ID -u TENCENTCLOUD_SECRET_KEY -u TENCENTCLOUD_REGION "$tcr" DescribeInstanceToken \
  --RegistryId $REG --profile ci >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && header_is x-tc-region ap-shanghai
check "--profile: tccli's credential and region" $?

# --- the other common options, each seen where it acts
run "language" 0 DescribeInstanceToken --RegistryId $REG --language en-US && header_is x-tc-language en-US
check "--language sends X-TC-Language" $?
proxied=$(stat_of proxied)
run "proxy" 0 DescribeInstanceToken --RegistryId $REG --https-proxy "$TCR_EMULATOR_URL" --endpoint "http://127.0.0.1:$TCR_CLOSED_PORT" &&
  [ "$(stat_of proxied)" = $((proxied + 1)) ]; check "--https-proxy: the request went through the proxy" $?
sts=$(stat_of sts_assume_role)
TCR_STS_ENDPOINT=$TCR_EMULATOR_URL run "role" 0 DescribeInstanceToken --RegistryId $REG \
  --role-arn qcs::cam::uin/100000000001:roleName/cli --role-session-name cli-test &&
  [ "$(stat_of sts_assume_role)" = $((sts + 1)) ]
check "--role-arn and --role-session-name: STS AssumeRole, then the call with the role's keys" $?
fetches=$(stat_of metadata_fetches)
TCR_METADATA_URL=$TCR_EMULATOR_URL run "cvm role" 0 DescribeInstanceToken --RegistryId $REG --use-cvm-role &&
  [ "$(stat_of metadata_fetches)" -gt "$fetches" ]; check "--use-cvm-role takes the instance role's keys, not the environment's" $?
bad "ca bundle" "--ca-bundle" DescribeInstanceToken --RegistryId $REG --ca-bundle "$work/none.pem"

# --- --dry-run: the request, masked, and nothing sent
before=$(requests)
"$tcr" ModifyInstanceToken --RegistryId $REG --TokenId $TOK --Enable false --dry-run \
  --secretId $TMP_ID --secretKey $TMP_KEY --token $TMP_TOKEN >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && [ "$(requests)" = "$before" ]; check "--dry-run sends nothing" $?
cat "$work/out" >>"$work/all"
grep -q "^POST $TCR_EMULATOR_URL/$" "$work/out" && grep -q '^X-TC-Action: ModifyInstanceToken$' "$work/out" &&
  grep -q '^X-TC-Token: \[redacted\]$' "$work/out" && grep -q 'Signature=\[redacted\]' "$work/out" &&
  grep -q 'Credential=AKID\*\*\*\*0001/' "$work/out" && tail -n1 "$work/out" | grep -q '"Enable": false'
check "--dry-run prints method, URL, headers and body with signature, token and key masked" $?

# --- the same with debug logging on, and on errors: no secret anywhere
TCR_LOG=debug "$tcr" DescribeInstanceToken --RegistryId $REG --secretId $TMP_ID --secretKey $TMP_KEY --token $TMP_TOKEN --debug >>"$work/all" 2>&1
grep -q '^tcr: action=DescribeInstanceToken .*attempt=1/3 ' "$work/all"; check "--debug logs attempts" $?
"$tcr" DescribeInstanceToken --RegistryId $REG --secretId $TMP_ID --secretKey wrong-secret-key --debug >>"$work/all" 2>&1
[ $? -eq 6 ]; check "a wrong key is the service's AuthFailure (exit 6)" $?
for secret in "$KEY" "$TMP_KEY" "$TMP_TOKEN" wrong-secret-key "$TMP_ID"; do
  if grep -qF -- "$secret" "$work/all"; then fail "a secret ('$secret') was printed"; else ok; fi
done
grep -qE '[0-9a-f]{64}' "$work/all" && fail "a signature was printed" || ok

# --- completions, man page, version, help, a closed pipe
for shell in bash zsh fish; do
  "$tcr" completions $shell | grep -q ModifyInstanceToken; check "completions for $shell name the actions" $?
done
"$tcr" man | grep -q '^\.TH tcr 1'; check "tcr man prints a roff page" $?
"$tcr" --version | grep -q "^tcr $(sed -n 's/^version = "\(.*\)"/\1/p' "$root/cli/Cargo.toml" | head -n1)"; check "--version" $?
"$tcr" ModifyInstanceToken --help | grep -q -- '--RegistryId'; check "an action's --help lists its parameters" $?
"$tcr" DescribeInstanceToken --RegistryId $REG | head -c 1 >/dev/null; check "a reader that closes the pipe early is not an error" "${PIPESTATUS[0]}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
