#!/usr/bin/env bash
# Installs, from Debian's packages, the tools a set of targets needs and
# the machine lacks; the one place that runs apt-get.
#   scripts/install-tools.sh test    what make test needs beyond the toolchains (.ci/run)
#   scripts/install-tools.sh bench   what make bench needs (wrk, hyperfine, time, valgrind)
# A tool that cannot be installed is reported; for bench the target then
# leaves its rows out, for test the run fails.
set -euo pipefail
case "${1:-}" in
  test) wanted=(pkg-config:pkg-config cmake:cmake) ;;
  bench) wanted=(wrk:wrk hyperfine:hyperfine /usr/bin/time:time valgrind:valgrind) ;;
  *) echo "usage: $0 test|bench" >&2; exit 2 ;;
esac
missing=()
for entry in "${wanted[@]}"; do
  tool=${entry%%:*} package=${entry#*:}
  command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || missing+=("$package")
done
# libcurl's headers: the C test that sends a prepared request with libcurl.
if [ "$1" = test ] && ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libcurl; }; then
  missing+=(libcurl4-openssl-dev)
fi
# The official SDK and the packaging tools go into a virtualenv.
if [ "$1" = test ] && ! python3 -m venv --help >/dev/null 2>&1; then missing+=(python3-venv); fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-tools: installing ${missing[*]}"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "install-tools: could not install ${missing[*]}" >&2
  [ "$1" = bench ] || exit 1
fi
