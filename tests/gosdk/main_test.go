// Package gosdk checks the Go binding against the official Tencent Cloud Go
// SDK (the same requests on the wire) and measures both side by side. It is
// a module of its own so that the binding's module requires nothing but the
// standard library.
package gosdk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
	"github.com/tcr-ffi/tcr/bindings/go/tcrtest"
)

const (
	testSecretID  = "AKIDGOSDK"
	testSecretKey = "go-sdk-check-secret-key"
	tempSecretID  = "AKIDGOSDKTEMP"
	tempSecretKey = "go-sdk-check-temp-key"
	tempToken     = "go-sdk-check-session-token"
	testRegistry  = "tcr-12345"
	testToken     = "2ab3af0d-893d-423f-91b1-27713566f95f"
)

var emulator *tcrtest.Emulator

// TestMain starts an emulator, unless TCR_BENCH_EMULATOR_URL names one
// already running (make bench measures every client against one server).
func TestMain(m *testing.M) {
	if url := os.Getenv("TCR_BENCH_EMULATOR_URL"); url != "" {
		emulator = tcrtest.Attach(url)
		os.Exit(m.Run())
	}
	binary := os.Getenv("TCR_EMULATOR")
	if binary == "" {
		binary = filepath.Join("..", "..", "target", "release", "tcr-emulator")
	}
	emu, err := tcrtest.Start(binary, "--key", testSecretID+":"+testSecretKey,
		"--key", tempSecretID+":"+tempSecretKey+":"+tempToken,
		"--token", testRegistry+":"+testToken+":on", "--rate", "0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err, "(run make build first)")
		os.Exit(2)
	}
	emulator = emu
	code := m.Run()
	emu.Stop()
	os.Exit(code)
}

func lastRequest(t testing.TB) tcrtest.Request {
	t.Helper()
	seen, err := emulator.Requests()
	if err != nil || len(seen) == 0 {
		t.Fatalf("the emulator's requests: %v (%d)", err, len(seen))
	}
	return seen[len(seen)-1]
}

// newClient is a client of the emulator without the client-side limiter.
func newClient(t testing.TB, opts tcr.Options) *tcr.Client {
	t.Helper()
	opts.Region, opts.Endpoint, opts.RateLimit = "ap-guangzhou", emulator.URL, tcr.Float64(0)
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	c, err := tcr.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// modify makes one call for the test token with req's action fields.
func modify(c *tcr.Client, req tcr.ModifyInstanceTokenRequest) (*tcr.ModifyInstanceTokenResult, error) {
	req.RegistryId, req.TokenId = testRegistry, testToken
	return c.ModifyInstanceToken(context.Background(), &req)
}
