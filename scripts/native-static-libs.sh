#!/bin/sh
# The system libraries a program linking libtcr.a statically needs: what
# rustc names for a static library on this target (libtcr's dependencies
# add none; the static links in make test would fail if one did). The one
# source of this list: the Makefile and packaging/install.sh call this, and
# make check-header checks bindings/go/ffi.go's copy (cgo needs it written).
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: > "$scratch/empty.rs"
libs=$(rustc --crate-type staticlib --crate-name probe --print native-static-libs \
         -o "$scratch/libprobe.a" "$scratch/empty.rs" 2>&1 | sed -n 's/.*native-static-libs: //p')
[ -n "$libs" ] || { echo "native-static-libs.sh: rustc did not name them" >&2; exit 1; }
echo "$libs"
