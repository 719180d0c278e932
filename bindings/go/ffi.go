package tcr

// The only file with cgo directives. By default the package links
// libtcr.a, so a Go binary needs no libtcr.so at run time (the system
// libraries are the ones `rustc --print native-static-libs` names for it).
// Build with `-tags tcr_shared` to link target/release/libtcr.so instead.
//
// Both expect `make build` (cargo build --release) at the repository root,
// two directories up.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo !tcr_shared LDFLAGS: ${SRCDIR}/../../target/release/libtcr.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
#cgo tcr_shared LDFLAGS: -L${SRCDIR}/../../target/release -ltcr -Wl,-rpath,${SRCDIR}/../../target/release
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tcr.h"

*/
import "C"
