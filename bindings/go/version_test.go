package tcr

import (
	"errors"
	"strings"
	"testing"
)

func TestTheHeaderIsTheVersionThisPackageWasWrittenFor(t *testing.T) {
	if headerMajor != wantMajor || headerMinor != wantMinor {
		t.Fatalf("include/tcr.h is %d.%d, the package wants %d.%d", headerMajor, headerMinor, wantMajor, wantMinor)
	}
	if versionErr != nil {
		t.Fatal(versionErr)
	}
	if !strings.HasPrefix(LibraryVersion(), "0.2.") {
		t.Fatal(LibraryVersion())
	}
}

func TestAnotherLibraryVersionIsRefusedNamingBothAndThePath(t *testing.T) {
	if err := checkVersion("0.2.9", "/x/libtcr.so"); err != nil {
		t.Errorf("a patch release: %v", err)
	}
	for _, have := range []string{"0.1.0", "0.3.0", "1.2.0", "garbage"} {
		err := checkVersion(have, "/opt/lib/libtcr.so.0.3")
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInternal ||
			!strings.Contains(e.Message, have) || !strings.Contains(e.Message, "0.2.x") ||
			!strings.Contains(e.Message, "/opt/lib/libtcr.so.0.3") {
			t.Errorf("%s: %v", have, err)
		}
	}
}
