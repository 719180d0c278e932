#!/usr/bin/env bash
# The Go module as a user gets it: only bindings/go, copied elsewhere (what a
# module download holds), used by a program of the user's through a replace,
# built with no module proxy (the module requires only the standard library)
# and run against the emulator. Then the same program with -tags tcr_system
# against a `make install` prefix found through pkg-config.
# Run through tests/with-emulator.sh. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi; }

cp -r "$root/bindings/go" "$work/tcrgo"
for f in go.mod LICENSE include/tcr.h lib/linux_amd64/libtcr.a; do
  [ -f "$work/tcrgo/$f" ]; check "the module directory holds $f" $?
done
! grep -q '^require' "$work/tcrgo/go.mod"; check "go.mod requires nothing" $?

mkdir "$work/app"
cat > "$work/app/go.mod" <<'MOD'
module example.com/app

go 1.22

require github.com/tcr-ffi/tcr/bindings/go v0.2.1

replace github.com/tcr-ffi/tcr/bindings/go => ../tcrgo
MOD
cat > "$work/app/main.go" <<'GO'
package main

import (
	"context"
	"fmt"
	"os"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
)

func main() {
	c, err := tcr.NewClient(tcr.Options{Region: "ap-guangzhou", Endpoint: os.Getenv("TCR_EMULATOR_URL"),
		SecretID: "AKIDEMULATOR0000000000000000000000000", SecretKey: "EmulatorDemoSecretKey000000000000"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	reply, err := c.ModifyInstanceToken(context.Background(), &tcr.ModifyInstanceTokenRequest{
		RegistryId: "tcr-12345", TokenId: "2ab3af0d-893d-423f-91b1-27713566f95f", Enable: tcr.Bool(false)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(tcr.LibraryVersion(), reply.RequestID)
}
GO
cd "$work/app"
export GOPROXY=off GOFLAGS=-mod=mod
go build -o app . ; check "go build against the copied module, no proxy" $?
! ldd ./app | grep -q libtcr; check "the program needs no libtcr.so" $?
out=$(./app); check "the program calls the emulator" $?
echo "$out" | grep -Eq '^0\.2\.[0-9]+ [0-9a-f-]{36}$'; check "it prints the library version and a RequestId" $?

# Vendored, as many companies build: go mod vendor copies only the
# directories of imported packages, so the header and the library must come
# along through the module's blank imports.
go mod vendor; check "go mod vendor" $?
for f in include/tcr.h lib/linux_amd64/libtcr.a; do
  [ -f "vendor/github.com/tcr-ffi/tcr/bindings/go/$f" ]; check "vendor/ holds $f" $?
done
go build -mod=vendor -o app_vendored . ; check "go build -mod=vendor" $?
./app_vendored >/dev/null; check "the vendored program calls the emulator" $?
rm -rf vendor

# A copied Client value is what go vet reports (the noCopy guard).
cat > copy.go <<'GO'
package main

import tcr "github.com/tcr-ffi/tcr/bindings/go"

func copyClient(c *tcr.Client) tcr.Client { return *c }

var _ = copyClient
GO
vet=$(go vet . 2>&1); [ $? -ne 0 ] && echo "$vet" | grep -q 'copies lock value: github.com/tcr-ffi/tcr/bindings/go.Client'
check "go vet reports a copied tcr.Client" $?
rm -f copy.go

# tcr_system: an installed libtcr, found through pkg-config.
make -s -C "$root" install PREFIX="$work/prefix" >/dev/null; check "make install for tcr_system" $?
PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig go build -tags tcr_system -o app_system . ; check "go build -tags tcr_system" $?
LD_LIBRARY_PATH=$work/prefix/lib ldd ./app_system | grep -q "libtcr.so.0.2 => $work/prefix/lib/"
check "the tcr_system program uses the installed libtcr.so.0.2" $?
LD_LIBRARY_PATH=$work/prefix/lib ./app_system >/dev/null; check "the tcr_system program calls the emulator" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
