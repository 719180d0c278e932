#!/bin/sh
# A C/C++ release archive for one platform: what `make install` puts in a
# prefix (include, lib with the SONAME links and the lean libtcr.a,
# pkgconfig, cmake, the license and changelog), in
# build/dist/tcr-VERSION-linux-ARCH.tar.gz, relocatable (tcr.pc and the
# CMake files find their prefix themselves). The archive is checked: it
# holds exactly the files of the install layout, and its library is of ARCH.
#   packaging/archive.sh ARCH RELEASE_DIR      (ARCH: x86_64 or aarch64)
set -eu
arch=${1:?usage: archive.sh ARCH RELEASE_DIR}
release=${2:?usage: archive.sh ARCH RELEASE_DIR}
cd "$(dirname "$0")/.."
version=$(sed -n 's/^#define TCR_VERSION_STRING "\(.*\)"$/\1/p' include/tcr.h)
name=tcr-$version-linux-$arch
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# The library in RELEASE_DIR is already lean when it comes from a cross
# build (the host's objcopy may not read another architecture): then
# OBJCOPY and STRIP are no-ops.
if [ "$arch" != "$(uname -m)" ]; then export OBJCOPY=true STRIP=true; fi
DESTDIR=$stage packaging/install.sh install "/$name" "$release" >/dev/null
mkdir -p build/dist
tar -C "$stage" -czf "build/dist/$name.tar.gz" "$name"
# Exactly the install layout's files, and a library of this architecture.
minor=$(echo "$version" | cut -d. -f2)
expected=$(printf '%s\n' include/tcr.h "lib/libtcr.so.$version" "lib/libtcr.so.0.$minor" lib/libtcr.so \
  lib/libtcr.a lib/pkgconfig/tcr.pc lib/cmake/tcr/tcrConfig.cmake lib/cmake/tcr/tcrConfigVersion.cmake \
  share/doc/tcr/LICENSE share/doc/tcr/CHANGELOG.md share/doc/tcr/README.md | sort)
have=$(tar -tzf "build/dist/$name.tar.gz" | grep -v '/$' | sed "s|^$name/||" | sort)
[ "$have" = "$expected" ] || { echo "archive.sh: $name.tar.gz holds"; echo "$have"; echo "expected"; echo "$expected"; exit 1; } >&2
machine=$(readelf -h "$stage/$name/lib/libtcr.so.$version" | sed -n 's/.*Machine: *//p')
case "$arch:$machine" in
  x86_64:*X86-64*|aarch64:*AArch64*) ;;
  *) echo "archive.sh: $name has a library for $machine" >&2; exit 1 ;;
esac
echo "archive.sh: build/dist/$name.tar.gz ($(wc -c <"build/dist/$name.tar.gz") bytes, $machine, the install layout)"
