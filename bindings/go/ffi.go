package tcr

// The only file with cgo directives. Everything cgo needs is inside this
// module's directory, so a module download builds:
//
//   - include/tcr.h: a copy of the repository's include/tcr.h (make build
//     refreshes it, make check-header keeps the two identical);
//   - lib/linux_amd64/libtcr.a and lib/linux_arm64/libtcr.a: libtcr for
//     static linking (make dist builds the arm64 one), so a Go binary
//     needs no libtcr.so at run time (the system libraries are the ones
//     `rustc --print native-static-libs` names). make build puts it there
//     during development; a release commits it (docs/abi.md, "Releasing").
//
// Each of those directories also holds a Go file, imported below: `go mod
// vendor` copies only the directories of imported packages.
//
// Build tags: tcr_system links an installed libtcr through pkg-config
// (`make install`); tcr_shared links the checkout's target/release/libtcr.so.

/*
#cgo !tcr_system CFLAGS: -I${SRCDIR}/include
#cgo !tcr_shared,!tcr_system,linux,amd64 LDFLAGS: ${SRCDIR}/lib/linux_amd64/libtcr.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
#cgo !tcr_shared,!tcr_system,linux,arm64 LDFLAGS: ${SRCDIR}/lib/linux_arm64/libtcr.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
#cgo tcr_shared,!tcr_system LDFLAGS: -L${SRCDIR}/../../target/release -ltcr -Wl,-rpath,${SRCDIR}/../../target/release
#cgo tcr_system pkg-config: tcr
#cgo linux LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tcr.h"

// The file libtcr's code was loaded from (this program itself when linked
// statically), for error messages.
static const char *tcr_loaded_from(void) {
	Dl_info info;
	if (dladdr((void *)tcr_version, &info) != 0 && info.dli_fname != NULL) return info.dli_fname;
	return "(unknown)";
}
*/
import "C"

import (
	"fmt"

	// Directories that hold only what cgo reads (the header, the static
	// library): imported so that `go mod vendor` copies them.
	_ "github.com/tcr-ffi/tcr/bindings/go/include"
	_ "github.com/tcr-ffi/tcr/bindings/go/lib/linux_amd64"
	_ "github.com/tcr-ffi/tcr/bindings/go/lib/linux_arm64"
)

// The libtcr version this package was written for: the library it runs
// with must have the same major.minor (its ABI, as the SONAME counts it).
const wantMajor, wantMinor = 0, 2

// The version of the header this package was compiled with (a test checks
// it against wantMajor and wantMinor).
const headerMajor, headerMinor = int(C.TCR_VERSION_MAJOR), int(C.TCR_VERSION_MINOR)

// versionErr says why the loaded libtcr cannot be used, or is nil.
var versionErr = checkVersion(LibraryVersion(), C.GoString(C.tcr_loaded_from()))

// LibraryVersion is the version of the libtcr this program runs with.
func LibraryVersion() string { return C.GoString(C.tcr_version()) }

func checkVersion(have, from string) error {
	var major, minor int
	if _, err := fmt.Sscanf(have, "%d.%d.", &major, &minor); err == nil && major == wantMajor && minor == wantMinor {
		return nil
	}
	return &Error{Status: StatusInternal, Code: StatusInternal.String(), Message: fmt.Sprintf(
		"libtcr %s (loaded from %s) does not match this package, written for libtcr %d.%d.x",
		have, from, wantMajor, wantMinor)}
}
