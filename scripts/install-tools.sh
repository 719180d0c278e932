#!/usr/bin/env bash
# Installs the tools a set of targets needs and the machine lacks: Debian's
# packages (the one place that runs apt-get) and rustup's components.
#   scripts/install-tools.sh test    what make test needs beyond the toolchains
#                                    (make test runs it first: pkg-config, cmake,
#                                    libcurl's headers, python3-venv, debootstrap for
#                                    the arm64 root, rustfmt, clippy)
#   scripts/install-tools.sh bench   what make bench needs (wrk, hyperfine, time, valgrind)
# A tool that cannot be installed is reported; for bench the target then
# leaves its rows out, for test the run fails.
set -euo pipefail
case "${1:-}" in
  test) wanted=(pkg-config:pkg-config cmake:cmake debootstrap:debootstrap) ;;
  bench) wanted=(wrk:wrk hyperfine:hyperfine /usr/bin/time:time valgrind:valgrind) ;;
  *) echo "usage: $0 test|bench" >&2; exit 2 ;;
esac
# rustfmt and clippy (check-fmt and check-lint), from rustup when it manages
# the toolchain; without rustup they are reported by those targets.
if [ "$1" = test ] && command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    subcommand=${component/rustfmt/fmt}
    cargo "$subcommand" --version >/dev/null 2>&1 && continue
    echo "install-tools: adding the rust component $component"
    rustup component add "$component" >/dev/null || { echo "install-tools: could not add $component" >&2; exit 1; }
  done
fi
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
