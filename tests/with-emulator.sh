#!/usr/bin/env bash
# Runs a command against a fresh tcr-emulator, then stops the emulator.
#
#   tests/with-emulator.sh [--stats FILE] [EMULATOR FLAGS...] -- COMMAND [ARGS...]
#
# --stats FILE writes the emulator's /_emulator/stats, as the command left
# them, to FILE before the emulator is stopped.
# The command sees TCR_EMULATOR_URL (http://127.0.0.1:PORT) and
# TCR_CLOSED_PORT (a local port nobody listens on). The emulator binary is
# $TCR_EMULATOR (default target/release/tcr-emulator). The emulator is
# stopped however the command ends, and the command's exit status is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
emulator=${TCR_EMULATOR:-$here/target/release/tcr-emulator}
flags=()
stats_file=
if [ "${1:-}" = "--stats" ]; then stats_file=$2; shift 2; fi
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: $0 [EMULATOR FLAGS...] -- COMMAND..." >&2; exit 2; }
shift
[ -x "$emulator" ] || { echo "$emulator not built (make build)" >&2; exit 2; }

out=$(mktemp)
"$emulator" "${flags[@]}" >"$out" &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"; }
trap stop EXIT
for _ in $(seq 1 100); do
  [ -s "$out" ] && break
  kill -0 $pid 2>/dev/null || { echo "tcr-emulator exited at start" >&2; exit 1; }
  sleep 0.05
done
TCR_EMULATOR_URL=$(head -n1 "$out")
[ -n "$TCR_EMULATOR_URL" ] || { echo "tcr-emulator printed no URL" >&2; exit 1; }
TCR_CLOSED_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export TCR_EMULATOR_URL TCR_CLOSED_PORT
status=0
"$@" || status=$?
if [ -n "$stats_file" ]; then
  python3 -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1] + "/_emulator/stats").read())' \
    "$TCR_EMULATOR_URL" "$stats_file" || status=1
fi
stop
trap - EXIT
exit "$status"
