#!/bin/sh
# Installs (or, with "uninstall", removes) libtcr from a release build:
#   packaging/install.sh install|uninstall PREFIX [RELEASE_DIR]
# DESTDIR, if set, is put in front of every path (for staging and packages).
# Called by `make install` / `make uninstall`.
#
#   PREFIX/include/tcr.h
#   PREFIX/lib/libtcr.so.X.Y.Z, libtcr.so.<SONAME version> -> it, libtcr.so -> that
#   PREFIX/lib/libtcr.a                  no LLVM bitcode, no debug info
#   PREFIX/lib/pkgconfig/tcr.pc          relocatable (${pcfiledir})
#   PREFIX/lib/cmake/tcr/tcrConfig.cmake, tcrConfigVersion.cmake   relocatable
#   PREFIX/share/doc/tcr/LICENSE, CHANGELOG.md, README.md
set -eu
action=${1:?usage: install.sh install|uninstall PREFIX [RELEASE_DIR]}
prefix=${2:?usage: install.sh install|uninstall PREFIX [RELEASE_DIR]}
release=${3:-target/release}
case $prefix in /*) ;; *) echo "install.sh: PREFIX must be an absolute path, got $prefix" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

version=$(sed -n 's/^#define TCR_VERSION_STRING "\(.*\)"$/\1/p' include/tcr.h)
major=${version%%.*}
minor=${version#*.}; minor=${minor%%.*}
if [ "$major" = 0 ]; then soname=libtcr.so.0.$minor; else soname=libtcr.so.$major; fi
realname=libtcr.so.$version
dest=${DESTDIR:-}$prefix

files="include/tcr.h lib/$realname lib/$soname lib/libtcr.so lib/libtcr.a lib/pkgconfig/tcr.pc
lib/cmake/tcr/tcrConfig.cmake lib/cmake/tcr/tcrConfigVersion.cmake
share/doc/tcr/LICENSE share/doc/tcr/CHANGELOG.md share/doc/tcr/README.md"

if [ "$action" = uninstall ]; then
  for f in $files; do rm -f "$dest/$f"; done
  for d in lib/cmake/tcr lib/cmake lib/pkgconfig share/doc/tcr share/doc; do
    rmdir "$dest/$d" 2>/dev/null || true
  done
  echo "uninstalled libtcr $version from $dest"
  exit 0
fi
[ "$action" = install ] || { echo "install.sh: unknown action $action" >&2; exit 2; }

built_soname=$(readelf -d "$release/libtcr.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$built_soname" != "$soname" ]; then
  echo "install.sh: $release/libtcr.so has SONAME '$built_soname', expected $soname: run make build" >&2
  exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
native=$(scripts/native-static-libs.sh)
native_cmake=$(echo "$native" | sed 's/-l//g; s/ /;/g')

install -d "$dest/include" "$dest/lib/pkgconfig" "$dest/lib/cmake/tcr" "$dest/share/doc/tcr"
install -m 644 include/tcr.h "$dest/include/tcr.h"
install -m 755 "$release/libtcr.so" "$dest/lib/$realname"
ln -sfn "$realname" "$dest/lib/$soname"
ln -sfn "$soname" "$dest/lib/libtcr.so"
packaging/lean-staticlib.sh "$release/libtcr.a" "$scratch/libtcr.a"
install -m 644 "$scratch/libtcr.a" "$dest/lib/libtcr.a"

fill() {
  sed -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" \
      -e "s|@SONAME@|$soname|g" -e "s|@REALNAME@|$realname|g" \
      -e "s|@NATIVE_LIBS@|$native|g" -e "s|@NATIVE_LIBS_CMAKE@|$native_cmake|g" "$1" > "$2"
  chmod 644 "$2"
}
fill packaging/tcr.pc.in "$dest/lib/pkgconfig/tcr.pc"
fill packaging/tcrConfig.cmake.in "$dest/lib/cmake/tcr/tcrConfig.cmake"
fill packaging/tcrConfigVersion.cmake.in "$dest/lib/cmake/tcr/tcrConfigVersion.cmake"
install -m 644 LICENSE CHANGELOG.md README.md "$dest/share/doc/tcr/"
echo "installed libtcr $version ($soname) into $dest"
