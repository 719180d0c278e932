#!/bin/sh
# Copies libtcr.a without what a C linker never reads: the LLVM bitcode
# that cargo keeps in the objects of a staticlib built with LTO, and the
# debug info (57 MB -> about 20 MB).
#   packaging/lean-staticlib.sh IN OUT   (OBJCOPY and STRIP name a cross toolchain's)
set -eu
in=${1:?usage: lean-staticlib.sh IN OUT}
out=${2:?usage: lean-staticlib.sh IN OUT}
mkdir -p "$(dirname "$out")"
tmp=$out.tmp.$$
cp "$in" "$tmp"
"${OBJCOPY:-objcopy}" --remove-section=.llvmbc --remove-section=.llvmcmd "$tmp"
"${STRIP:-strip}" --strip-debug "$tmp"
mv "$tmp" "$out"
