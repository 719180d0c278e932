#!/usr/bin/env bash
# The linux/arm64 build and test environment: a Debian trixie root made by
# debootstrap from Debian's packages only, in build/arm64/root (never
# committed), holding Rust with the aarch64 standard library (rustc-web,
# libstd-rust-web-dev:arm64), the aarch64 cross gcc, qemu-user, Go, and an
# arm64 Python unpacked with dpkg -x (this machine has no binfmt_misc, so
# arm64 maintainer scripts cannot run; qemu-aarch64 -L runs the unpacked
# interpreter). Made once and kept: it is remade when this script changes.
#
#   scripts/arm64-root.sh ensure        make or reuse the root; print its path
#   scripts/arm64-root.sh run CMD...    run CMD inside it (as root, chroot in
#                                       namespaces of its own), with the
#                                       checkout at /src
#   scripts/arm64-root.sh unmount       unmount a /proc left by an older
#                                       version of this script (make clean)
#
# Without Debian's mirror the root cannot be made: that is an error with
# its reason (CI fails rather than skip). TCR_SKIP_ARM64=1 skips the arm64
# targets explicitly, for a developer without the mirror.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$here/build/arm64
root=$dir/root
mirror=${TCR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages="rustc-web cargo-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
packages="$packages binutils-aarch64-linux-gnu qemu-user golang-go ca-certificates git"
python_packages="python3.13-minimal:arm64 libpython3.13-stdlib:arm64 libpython3.13-minimal:arm64"
stamp_of() { { cat "$0"; echo "$mirror"; } | sha256sum | cut -c1-16; }

fail() { echo "arm64-root: $*" >&2; exit 1; }

ensure() {
  local stamp
  stamp=$(stamp_of)
  if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] && [ -x "$root/usr/bin/cargo" ]; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "making the arm64 root needs root (debootstrap, chroot)"
  command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
  command -v debootstrap >/dev/null || fail "debootstrap is missing (make tools installs it)"
  echo "arm64-root: making a Debian trixie root in $root (about 2 minutes)" >&2
  unmount
  rm -rf "$root" "$dir/stamp"
  mkdir -p "$dir"
  debootstrap --variant=minbase trixie "$root" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
    fail "debootstrap of trixie from $mirror failed (is Debian's mirror reachable?); see $dir/debootstrap.log"
  trust
  in_root /bin/sh -c "dpkg --add-architecture arm64 && apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages" >"$dir/apt.log" 2>&1 ||
    fail "installing the toolchain in the trixie root failed; see $dir/apt.log"
  # An arm64 Python: its packages and their arm64 dependencies, downloaded
  # by apt and unpacked (not installed) into /opt/arm64.
  in_root /bin/sh -c "mkdir -p /opt/arm64 /tmp/arm64-debs && cd /tmp/arm64-debs &&
    apt-get install -y -qq --download-only --no-install-recommends -o Dir::Cache::archives=/tmp/arm64-debs $python_packages &&
    for deb in /tmp/arm64-debs/*.deb; do dpkg -x \"\$deb\" /opt/arm64; done && rm -rf /tmp/arm64-debs" >"$dir/python.log" 2>&1 ||
    fail "unpacking the arm64 Python failed; see $dir/python.log"
  echo "$stamp" >"$dir/stamp"
}

# Every command in the root runs in mount and PID namespaces of its own
# (unshare), with a /proc of that namespace (cargo-zigbuild and rustc read
# /proc/self/exe): when the command ends, the kernel removes the mount and
# ends whatever it left running, so nothing of the root stays mounted or
# alive in the checkout after a run, even one that was killed.
in_root() {
  unshare --mount --propagation private --pid --fork --kill-child --mount-proc="$root/proc" \
    chroot "$root" "$@"
}

# Roots made by earlier versions of this script mounted /proc for good.
unmount() {
  if [ -d "$root/proc" ] && mountpoint -q "$root/proc"; then umount "$root/proc"; fi
}

# The host's CA bundle, so that cargo and apt in the root trust what the
# host trusts (a proxy's CA included).
trust() {
  [ -f /etc/ssl/certs/ca-certificates.crt ] || return 0
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
}

# The checkout's tracked files (and changes to them) at /src; the root's
# own target directory and cargo cache stay between runs.
sync_sources() {
  mkdir -p "$root/src"
  (cd "$here" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
    tar -x -C "$root/src"
}

case "${1:-}" in
  ensure)
    ensure
    echo "$root"
    ;;
  unmount)
    unmount
    ;;
  run)
    shift
    ensure
    trust
    unmount
    sync_sources
    in_root /usr/bin/env -C /src HOME=/root PATH=/usr/local/bin:/usr/bin:/bin \
      CARGO_HTTP_CAINFO=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
      ${TCR_EMULATOR_URL:+TCR_EMULATOR_URL=$TCR_EMULATOR_URL} ${TCR_CLOSED_PORT:+TCR_CLOSED_PORT=$TCR_CLOSED_PORT} "$@"
    ;;
  *)
    echo "usage: $0 ensure | run CMD..." >&2
    exit 2
    ;;
esac
