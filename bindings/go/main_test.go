package tcr

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// emulatorURL is the base URL of the tcr-emulator that TestMain starts.
var emulatorURL string

// startEmulator runs a tcr-emulator with the test keys and token plus
// extra flags, and returns its URL and a function that stops it.
func startEmulator(extra ...string) (string, func(), error) {
	binary := os.Getenv("TCR_EMULATOR")
	if binary == "" {
		binary = filepath.Join("..", "..", "target", "release", "tcr-emulator")
	}
	args := append([]string{
		"--key", testSecretID + ":" + testSecretKey,
		"--key", tempSecretID + ":" + tempSecretKey + ":" + tempToken,
		"--token", testRegistry + ":" + testToken + ":on", "--rate", "0"}, extra...)
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return "", nil, fmt.Errorf("cannot start %s: %v (run make build first)", binary, err)
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http") {
		stop()
		return "", nil, fmt.Errorf("tcr-emulator printed %q", line)
	}
	return url, stop, nil
}

// TestMain starts an emulator, unless TCR_BENCH_EMULATOR_URL names one
// already running (make bench measures every client against one server).
func TestMain(m *testing.M) {
	if url := os.Getenv("TCR_BENCH_EMULATOR_URL"); url != "" {
		emulatorURL = url
		os.Exit(m.Run())
	}
	url, stop, err := startEmulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	emulatorURL = url
	code := m.Run()
	stop()
	os.Exit(code)
}

func control(t testing.TB, method, path string, into any) {
	t.Helper()
	req, _ := http.NewRequest(method, emulatorURL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if into != nil {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

type tokenState struct {
	Enabled bool   `json:"enabled"`
	Desc    string `json:"desc"`
}

func state(t testing.TB) tokenState {
	var s struct {
		Registries map[string]map[string]tokenState `json:"registries"`
	}
	control(t, "GET", "/_emulator/state", &s)
	return s.Registries[testRegistry][testToken]
}

func requestCount(t testing.TB) int {
	var s struct {
		Requests int `json:"requests"`
	}
	control(t, "GET", "/_emulator/stats", &s)
	return s.Requests
}

type seenRequest struct {
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Code    string            `json:"code"`
}

func lastRequest(t testing.TB) seenRequest {
	var s struct {
		Requests []seenRequest `json:"requests"`
	}
	control(t, "GET", "/_emulator/requests", &s)
	if len(s.Requests) == 0 {
		t.Fatal("the emulator saw no request")
	}
	return s.Requests[len(s.Requests)-1]
}

func fault(t testing.TB, query string) {
	control(t, "POST", "/_emulator/fault?"+query, nil)
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
