#!/usr/bin/env bash
# linux/arm64: build the release artifacts in the Debian root of
# scripts/arm64-root.sh, and test them under qemu-user as a user on that
# platform would (make dist-arm64, make test-arm64).
#
#   scripts/arm64.sh dist    libtcr.so and the lean libtcr.a for
#                            aarch64-unknown-linux-gnu at the glibc 2.17
#                            floor (cargo-zigbuild, zig from PyPI), in
#                            build/arm64/out; the Go module's
#                            lib/linux_arm64/libtcr.a; the wheel
#                            build/dist/tcr_ffi-*-manylinux_2_17_aarch64.whl
#   scripts/arm64.sh test    (against the emulator of tests/with-emulator.sh)
#                            the C suites linked against the arm64 library,
#                            the wheel in an arm64 Python (asyncio too), a Go
#                            program built for GOARCH=arm64, and the SDK
#                            signature vectors, all run by qemu-aarch64
#
# TCR_SKIP_ARM64=1 skips both, saying so (a developer without Debian's
# mirror); CI never sets it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ "${TCR_SKIP_ARM64:-}" = 1 ]; then
  echo "arm64: skipped (TCR_SKIP_ARM64=1)"
  exit 0
fi
root=$(scripts/arm64-root.sh ensure)
run=(scripts/arm64-root.sh run)
target=aarch64-unknown-linux-gnu
out=build/arm64/out
venv_py=${VENV_PY:-.venv/bin/python}
# In the root, the library is built into /src/target (kept between runs).
release=target/$target/release
cross_env=(CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
  "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64 -L /usr/aarch64-linux-gnu")

dist() {
  local zig
  # zig (PyPI's ziglang, from the venv) and cargo-zigbuild, into the root.
  zig=$("$venv_py" -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')
  rm -rf "$root/opt/ziglang"
  cp -r "$zig" "$root/opt/ziglang"
  install -m 755 "$(command -v cargo-zigbuild)" "$root/usr/local/bin/cargo-zigbuild"
  "${run[@]}" env CARGO_ZIGBUILD_ZIG_PATH=/opt/ziglang/zig cargo zigbuild --quiet --release --lib \
    --target "$target.2.17"
  "${run[@]}" env OBJCOPY=aarch64-linux-gnu-objcopy STRIP=aarch64-linux-gnu-strip \
    packaging/lean-staticlib.sh "$release/libtcr.a" build-arm64/libtcr.a
  mkdir -p "$out"
  install -m 755 "$root/src/$release/libtcr.so" "$out/libtcr.so"
  install -m 644 "$root/src/build-arm64/libtcr.a" "$out/libtcr.a"
  ln -sf libtcr.so "$out/libtcr.so.0.2"
  install -m 644 "$out/libtcr.a" bindings/go/lib/linux_arm64/libtcr.a
  newest=$("${run[@]}" aarch64-linux-gnu-objdump -T "$release/libtcr.so" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1)
  echo "arm64: newest glibc symbol of libtcr.so: $newest"
  [ "$newest" = GLIBC_2.17 ] || { echo "arm64: the floor build needs $newest" >&2; exit 1; }
  rm -f build/dist/tcr_ffi-*_aarch64.whl
  TCR_PREBUILT_LIBRARY=$here/$out/libtcr.so TCR_CARGO_TARGET=$target.2.17 \
    "$venv_py" -m pip wheel --quiet --disable-pip-version-check --no-deps -w build/dist ./bindings/python
  ls -l "$out"/libtcr.so "$out"/libtcr.a build/dist/tcr_ffi-*_aarch64.whl bindings/go/lib/linux_arm64/libtcr.a |
    awk '{print "arm64: " $5 " bytes  " $NF}'
}

# A command in the root under qemu-aarch64, with the emulator's URL.
qemu() { "${run[@]}" qemu-aarch64 -L /usr/aarch64-linux-gnu "$@"; }

test_c() {
  local flags=(-std=c99 -Wall -Wextra -Wpedantic -Werror -g -Iinclude -Itests/c)
  local link=(-L"$release" -ltcr -Wl,-rpath,/src/$release -lpthread -lm)
  "${run[@]}" sh -c "mkdir -p build-arm64 && ln -sf libtcr.so $release/libtcr.so.0.2 &&
    aarch64-linux-gnu-gcc ${flags[*]} tests/c/test_tcr.c -o build-arm64/test_tcr ${link[*]} &&
    aarch64-linux-gnu-gcc ${flags[*]} tests/c/test_roles.c -o build-arm64/test_roles ${link[*]} &&
    aarch64-linux-gnu-gcc ${flags[*]} tests/c/test_cancel.c -o build-arm64/test_cancel ${link[*]}"
  tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- "$0" qemu build-arm64/test_tcr
  tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- "$0" qemu build-arm64/test_cancel
  tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 --sts-role qcs::cam::uin/100000000001:roleName/c-deployer \
    --oidc-provider c-oidc-provider --oidc-role qcs::cam::uin/100000000001:roleName/c-deployer \
    --oidc-token eyJhbGciOiJSUzI1NiJ9.c-projected-token.sig -- "$0" qemu build-arm64/test_roles
}

test_python() {
  local site=$root/opt/tcr-site
  rm -rf "$site"
  # As a user on another machine installs a wheel for arm64.
  "$venv_py" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux_2_17_aarch64 --target "$site" build/dist/tcr_ffi-*_aarch64.whl
  tests/with-emulator.sh -- "$0" python3-arm64 tests/wheel/arm64_smoke.py
}

test_go() {
  # The module as a download of a release has it: lib/linux_arm64/libtcr.a
  # included (git ignores it in a checkout, so the root's copy lacks it).
  mkdir -p "$root/src/bindings/go/lib/linux_arm64"
  install -m 644 "$out/libtcr.a" "$root/src/bindings/go/lib/linux_arm64/libtcr.a"
  "${run[@]}" sh -c 'rm -rf /tmp/goprobe && mkdir -p /tmp/goprobe && cp bindings/go/internal/benchcmd/wrapperonce/main.go /tmp/goprobe/ &&
    cd /tmp/goprobe && printf "module goprobe\n\ngo 1.22\n\nrequire github.com/tcr-ffi/tcr/bindings/go v0.0.0\n\nreplace github.com/tcr-ffi/tcr/bindings/go => /src/bindings/go\n" > go.mod &&
    GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc go build -o /src/build-arm64/goprobe . &&
    aarch64-linux-gnu-readelf -h /src/build-arm64/goprobe | grep -q AArch64'
  tests/with-emulator.sh -- "$0" qemu-env build-arm64/goprobe
}

test_vectors() {
  "${run[@]}" env "${cross_env[@]}" cargo test --quiet --release --target "$target" --test sdk_vectors
}

case "${1:-}" in
  dist) dist ;;
  test)
    [ -f "$out/libtcr.so" ] || { echo "arm64: no build in $out (make dist-arm64)" >&2; exit 1; }
    test_c
    test_python
    test_go
    test_vectors
    echo "arm64: the C suites, the wheel, a Go program and the signature vectors passed under qemu-aarch64"
    ;;
  # Helpers for the commands tests/with-emulator.sh runs (it exports TCR_EMULATOR_URL).
  qemu) shift; qemu "$@" ;;
  qemu-env)
    shift
    "${run[@]}" env TENCENTCLOUD_SECRET_ID=AKIDEMULATOR0000000000000000000000000 \
      TENCENTCLOUD_SECRET_KEY=EmulatorDemoSecretKey000000000000 TENCENTCLOUD_REGION=ap-guangzhou \
      TCR_EMULATOR_URL="$TCR_EMULATOR_URL" qemu-aarch64 -L /usr/aarch64-linux-gnu "$@"
    ;;
  python3-arm64)
    shift
    "${run[@]}" env PYTHONPATH=/opt/tcr-site TCR_EMULATOR_URL="$TCR_EMULATOR_URL" \
      qemu-aarch64 -L /opt/arm64 /opt/arm64/usr/bin/python3.13 "$@"
    ;;
  *) echo "usage: $0 dist|test" >&2; exit 2 ;;
esac
