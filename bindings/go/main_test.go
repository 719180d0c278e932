package tcr

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tcr-ffi/tcr/bindings/go/tcrtest"
)

const (
	testSecretID  = "AKIDGOTEST"
	testSecretKey = "go-binding-secret-key"
	tempSecretID  = "AKIDGOTEMP"
	tempSecretKey = "go-temp-key"
	tempToken     = "go-session-token"
	testRegistry  = "tcr-12345"
	testToken     = "2ab3af0d-893d-423f-91b1-27713566f95f"
)

// emulator is the tcr-emulator that TestMain starts; emulatorURL its URL.
var (
	emulator    *tcrtest.Emulator
	emulatorURL string
)

// emulatorArgs are the test keys and token, plus extra flags.
func emulatorArgs(extra ...string) []string {
	return append([]string{
		"--key", testSecretID + ":" + testSecretKey,
		"--key", tempSecretID + ":" + tempSecretKey + ":" + tempToken,
		"--token", testRegistry + ":" + testToken + ":on", "--rate", "0"}, extra...)
}

// startEmulator runs a tcr-emulator ($TCR_EMULATOR, else the one make build
// made) with the test keys and token plus extra flags.
func startEmulator(extra ...string) (*tcrtest.Emulator, error) {
	binary := os.Getenv("TCR_EMULATOR")
	if binary == "" {
		binary = filepath.Join("..", "..", "target", "release", "tcr-emulator")
	}
	return tcrtest.Start(binary, emulatorArgs(extra...)...)
}

// TestMain starts an emulator, unless TCR_BENCH_EMULATOR_URL names one
// already running (make bench measures every client against one server).
func TestMain(m *testing.M) {
	if url := os.Getenv("TCR_BENCH_EMULATOR_URL"); url != "" {
		emulator, emulatorURL = tcrtest.Attach(url), url
		os.Exit(m.Run())
	}
	emu, err := startEmulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err, "(run make build first)")
		os.Exit(2)
	}
	emulator, emulatorURL = emu, emu.URL
	code := m.Run()
	emu.Stop()
	os.Exit(code)
}

type tokenState = tcrtest.TokenState

func state(t testing.TB) tokenState {
	t.Helper()
	s, err := emulator.Token(testRegistry, testToken)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func stats(t testing.TB) tcrtest.Stats {
	t.Helper()
	s, err := emulator.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func requestCount(t testing.TB) int {
	t.Helper()
	return stats(t).Requests
}

func lastRequest(t testing.TB) tcrtest.Request {
	t.Helper()
	seen, err := emulator.Requests()
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("the emulator saw no request")
	}
	return seen[len(seen)-1]
}

func fault(t testing.TB, query string) {
	t.Helper()
	if err := emulator.Fault(query); err != nil {
		t.Fatal(err)
	}
}

func newTestClient(t testing.TB, opts Options) *Client {
	t.Helper()
	if opts.SecretID == "" {
		opts.SecretID, opts.SecretKey = testSecretID, testSecretKey
	}
	opts.Region = "ap-guangzhou"
	opts.Endpoint = emulatorURL
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.RateLimit == nil {
		opts.RateLimit = Float64(0) // tests call in bursts
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = 1 // faults must surface, not be retried
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
