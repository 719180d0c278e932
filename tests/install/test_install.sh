#!/usr/bin/env bash
# Installs libtcr into a temporary prefix the way a user does (make install
# PREFIX=... DESTDIR=...), then, outside the checkout, builds the example tool
# against it through pkg-config (shared, and static with --static) and
# through CMake (tcr::tcr and tcr::tcr_static, after moving the prefix: the
# files are relocatable), runs each against the emulator, and uninstalls.
# Run through tests/with-emulator.sh. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # check NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}
export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
ids="--registry-id tcr-12345 --token-id 2ab3af0d-893d-423f-91b1-27713566f95f --endpoint $TCR_EMULATOR_URL"
calls() { # calls TOOL: enable then disable; prints the two RequestIds
  "$1" $ids --enable && "$1" $ids --disable
}

prefix=/opt/tcr-test
make -s -C "$root" install PREFIX=$prefix DESTDIR="$work/stage" >/dev/null
check "make install" $?
p=$work/stage$prefix
version=$(sed -n 's/^#define TCR_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/tcr.h")
soname=libtcr.so.0.$(echo "$version" | cut -d. -f2)
[ -f "$p/lib/libtcr.so.$version" ] && [ "$(readlink "$p/lib/$soname")" = "libtcr.so.$version" ] &&
  [ "$(readlink "$p/lib/libtcr.so")" = "$soname" ]
check "libtcr.so.$version with its links $soname and libtcr.so" $?
readelf -d "$p/lib/libtcr.so.$version" | grep -q "Library soname: \[$soname\]"
check "SONAME is $soname" $?
size=$(stat -c %s "$p/lib/libtcr.a")
[ "$size" -le $((25 * 1024 * 1024)) ]; check "installed libtcr.a is at most 25 MB ($size bytes)" $?
! readelf -S "$p/lib/libtcr.a" 2>/dev/null | grep -qE '\.llvmbc|\.debug_info'
check "installed libtcr.a has no bitcode and no debug info" $?
for f in include/tcr.h lib/pkgconfig/tcr.pc lib/cmake/tcr/tcrConfig.cmake lib/cmake/tcr/tcrConfigVersion.cmake \
         share/doc/tcr/LICENSE share/doc/tcr/CHANGELOG.md; do
  [ -f "$p/$f" ]; check "installed $f" $?
done

# A user's project: the example tool's source, alone in its own directory.
mkdir -p "$work/app"
cp "$root/examples/modify_instance_token.c" "$root/tests/install/CMakeLists.txt" "$work/app/"
cd "$work/app"
export PKG_CONFIG_PATH=$p/lib/pkgconfig
[ "$(pkg-config --modversion tcr)" = "$version" ]; check "pkg-config --modversion tcr" $?
cc -std=c99 -O2 -o tool modify_instance_token.c $(pkg-config --cflags --libs tcr)
check "cc ... \$(pkg-config --cflags --libs tcr)" $?
ldd ./tool | grep -q "$soname => $p/lib/" 2>/dev/null || LD_LIBRARY_PATH=$p/lib ldd ./tool | grep -q "$soname => $p/lib/"
check "the shared build needs $soname" $?
LD_LIBRARY_PATH=$p/lib calls ./tool >/dev/null; check "the shared build calls the emulator" $?
# Static: libtcr.a from the same -L, the system libraries from Libs.private.
static_libs=$(pkg-config --static --libs tcr | sed 's/ -ltcr / -Wl,-Bstatic -ltcr -Wl,-Bdynamic /')
cc -std=c99 -O2 -o tool_static modify_instance_token.c $(pkg-config --cflags tcr) $static_libs
check "cc ... \$(pkg-config --static --libs tcr)" $?
! ldd ./tool_static | grep -q libtcr; check "the static build needs no libtcr.so" $?
calls ./tool_static >/dev/null; check "the static build calls the emulator" $?

# CMake, after moving the whole prefix: nothing in it names where it was.
mv "$work/stage$prefix" "$work/moved"
p=$work/moved
cmake -S . -B build -DCMAKE_PREFIX_PATH="$p" >cmake.log 2>&1; status=$?
[ $status -eq 0 ] || cat cmake.log >&2
check "cmake finds tcr 0.2 (CONFIG) in a moved prefix" $status
cmake --build build >>cmake.log 2>&1; status=$?
[ $status -eq 0 ] || tail -n 30 cmake.log >&2
check "cmake builds against tcr::tcr and tcr::tcr_static" $status
readelf -d build/tool_shared | grep -q "NEEDED.*\[$soname\]"; check "tcr::tcr links $soname" $?
! ldd build/tool_static | grep -q libtcr; check "tcr::tcr_static needs no libtcr.so" $?
calls build/tool_shared >/dev/null; check "the tcr::tcr build calls the emulator" $?
calls build/tool_static >/dev/null; check "the tcr::tcr_static build calls the emulator" $?
# 0.x: another minor version is another ABI, older or newer.
for wanted in 0.1 0.3; do
  mkdir -p "want-$wanted"
  cp modify_instance_token.c "want-$wanted/"
  sed "s/find_package(tcr 0.2 /find_package(tcr $wanted /" CMakeLists.txt > "want-$wanted/CMakeLists.txt"
  ! cmake -S "want-$wanted" -B "build-$wanted" -DCMAKE_PREFIX_PATH="$p" >/dev/null 2>&1
  check "find_package(tcr $wanted) is refused by $version" $?
done

# The command line as a user runs it from PATH, with its manual page
# (man -l reads it if man is installed; else its roff header) and the
# completion scripts where bash-completion, zsh and fish look.
m=$work/moved
PATH="$m/bin:$PATH" tcr ModifyInstanceToken --RegistryId tcr-12345 --TokenId 2ab3af0d-893d-423f-91b1-27713566f95f \
  --Enable true --endpoint "$TCR_EMULATOR_URL" | grep -q '"RequestId"'
check "bin/tcr from PATH calls the emulator" $?
head -n 5 "$m/share/man/man1/tcr.1" | grep -q '^\.TH tcr 1'; check "share/man/man1/tcr.1" $?
grep -q ModifyInstanceToken "$m/share/bash-completion/completions/tcr" && grep -q ModifyInstanceToken "$m/share/zsh/site-functions/_tcr" &&
  grep -q ModifyInstanceToken "$m/share/fish/vendor_completions.d/tcr.fish"
check "bash, zsh and fish completions" $?
bash -c "source '$m/share/bash-completion/completions/tcr' && complete -p tcr" >/dev/null 2>&1
check "the bash completion script loads and registers tcr" $?

# Uninstall from where it was installed: nothing is left.
mv "$work/moved" "$work/stage$prefix"
make -s -C "$root" uninstall PREFIX=$prefix DESTDIR="$work/stage" >/dev/null
check "make uninstall" $?
left=$(find "$work/stage$prefix" -type f -o -type l | wc -l)
[ "$left" -eq 0 ]; check "nothing left after uninstall ($left files)" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
