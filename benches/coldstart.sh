#!/usr/bin/env bash
# Cold start: a whole process that makes one ModifyInstanceToken call against
# a local emulator (--no-verify), for libtcr's C tool, Python and Go wrappers
# and the official SDKs' equivalents. hyperfine times them; /usr/bin/time -v
# gives each one's peak RSS (median of 5). Run through `make bench-coldstart`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_PY=${TCR_VENV_PYTHON:-.venv/bin/python}
# The interpreter itself, not a version manager's shim script in front of it.
PY=$(python3 -c 'import sys; print(sys.executable)')
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
out=$(mktemp)
target/release/tcr-emulator --no-verify --rate 0 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
export TCR_EMULATOR_URL=$(head -n1 "$out")
ids="--registry-id tcr-12345 --token-id 2ab3af0d-893d-423f-91b1-27713566f95f"
py_wrapper="import os, tcr; tcr.Client(region='ap-guangzhou', endpoint=os.environ['TCR_EMULATOR_URL']).modify_instance_token('tcr-12345', '2ab3af0d-893d-423f-91b1-27713566f95f', enable=True)"
py_sdk="import os
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcr.v20190924 import models, tcr_client
p = ClientProfile(httpProfile=HttpProfile(endpoint=os.environ['TCR_EMULATOR_URL'].split('://')[1], protocol='http'))
c = tcr_client.TcrClient(credential.Credential(os.environ['TENCENTCLOUD_SECRET_ID'], os.environ['TENCENTCLOUD_SECRET_KEY']), 'ap-guangzhou', p)
r = models.ModifyInstanceTokenRequest(); r.RegistryId = 'tcr-12345'; r.TokenId = '2ab3af0d-893d-423f-91b1-27713566f95f'; r.Enable = True
c.ModifyInstanceToken(r)"
names=("C tool (libtcr.so)" "Python interpreter alone (baseline)" "Python wrapper" "official Python SDK" "Go wrapper (static libtcr)" "official Go SDK")
commands=(
  "build/modify_instance_token $ids --enable --endpoint $TCR_EMULATOR_URL"
  "$PY -c pass"
  "env PYTHONPATH=bindings/python/src $PY -c \"$py_wrapper\""
  "$VENV_PY -c \"$py_sdk\""
  "build/go-wrapper-once"
  "build/go-sdk-once"
)
hyperfine_args=()
for i in "${!names[@]}"; do hyperfine_args+=(-n "${names[$i]}" "${commands[$i]}"); done
table=$(mktemp)
hyperfine -N --warmup 3 --runs 30 --style none --export-markdown "$table" "${hyperfine_args[@]}" >/dev/null
cat "$table"
rm -f "$table"
echo
echo "| process | peak RSS, median of 5 (kB) |"
echo "|---|---|"
for i in "${!names[@]}"; do
  rss=$(for _ in 1 2 3 4 5; do /usr/bin/time -f "%M" sh -c "${commands[$i]}" 2>&1 >/dev/null | tail -n1; done | sort -n | sed -n 3p)
  echo "| ${names[$i]} | $rss |"
done

# What `import tcr` costs (the smallest of five -X importtime runs, on the
# default python3, with site as users have it), and one cold call over TLS
# against the bare interpreter, in the same run. Budgets: import <= 5 ms,
# the cold TLS call <= interpreter + 12 ms.
echo
# Bytecode first, as an installed package has it (pip compiles it): with
# PYTHONDONTWRITEBYTECODE set, a stale .pyc would be compiled on each run.
"$PY" -m compileall -q bindings/python/src/tcr
imports=$(for _ in 1 2 3 4 5; do
  env PYTHONPATH=bindings/python/src "$PY" -X importtime -c 'import tcr' 2>&1 | awk -F'|' '$3 ~ /^ tcr$/ {gsub(/ /, "", $2); print $2}'
done | sort -n | head -n1)
echo "import tcr: $(awk -v us="$imports" 'BEGIN {printf "%.1f", us / 1000}') ms (smallest of 5 runs of $("$PY" --version 2>&1); budget 5 ms)"
tls_dir=$(mktemp -d)
tls_out=$(mktemp)
target/release/tcr-emulator --no-verify --rate 0 --tls-cert "$tls_dir/ca.pem" >"$tls_out" &
tls_pid=$!
trap 'kill $pid $tls_pid 2>/dev/null; rm -rf "$out" "$tls_out" "$tls_dir"' EXIT
for _ in $(seq 1 100); do [ -s "$tls_out" ] && break; sleep 0.05; done
tls_url=$(head -n1 "$tls_out")
tls_call="import tcr; tcr.Client(region='ap-guangzhou', endpoint='$tls_url', ca_bundle='$tls_dir/ca.pem').modify_instance_token('tcr-12345', '2ab3af0d-893d-423f-91b1-27713566f95f', enable=True)"
tls_json=$(mktemp)
hyperfine -N --warmup 3 --runs 30 --style none --export-json "$tls_json" \
  -n bare "$PY -c pass" -n tls-call "env PYTHONPATH=bindings/python/src $PY -c \"$tls_call\"" >/dev/null
python3 - "$tls_json" <<'PY'
import json, sys
runs = {r["command"]: r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
extra = runs["tls-call"] - runs["bare"]
print(f"one cold call over TLS: {runs['tls-call']:.1f} ms, the bare interpreter {runs['bare']:.1f} ms: "
      f"+{extra:.1f} ms (medians of 30; budget +12 ms)")
PY
rm -f "$tls_json"
