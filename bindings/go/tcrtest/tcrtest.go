// Package tcrtest runs a tcr-emulator (the local stand-in for the TCR
// endpoint that comes with libtcr) for tests: start one, point a client at
// its URL, read the token state and request counters it keeps, and make it
// misbehave. It needs only the standard library.
//
//	emu, err := tcrtest.Start("", "--key", "AKIDTEST:test-key")
//	if err != nil { t.Fatal(err) }
//	defer emu.Stop()
//	client, err := tcr.NewClient(tcr.Options{..., Endpoint: emu.URL})
package tcrtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Emulator is a running tcr-emulator.
type Emulator struct {
	// URL is its base URL, http://127.0.0.1:PORT (https with --tls-cert).
	URL  string
	cmd  *exec.Cmd
	http *http.Client
}

// Start runs the emulator binary with args and waits for its URL. An empty
// binary means $TCR_EMULATOR, else tcr-emulator from PATH.
func Start(binary string, args ...string) (*Emulator, error) {
	if binary == "" {
		binary = os.Getenv("TCR_EMULATOR")
	}
	if binary == "" {
		binary = "tcr-emulator"
	}
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("tcrtest: cannot start %s: %v", binary, err)
	}
	e := &Emulator{cmd: cmd, http: &http.Client{Timeout: 10 * time.Second}}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	e.URL = strings.TrimSpace(line)
	if !strings.HasPrefix(e.URL, "http") {
		e.Stop()
		return nil, fmt.Errorf("tcrtest: %s printed %q instead of its URL", binary, line)
	}
	return e, nil
}

// Attach uses an emulator that is already running at url; Stop leaves it running.
func Attach(url string) *Emulator {
	return &Emulator{URL: url, http: &http.Client{Timeout: 10 * time.Second}}
}

// Stop ends an emulator that Start started.
func (e *Emulator) Stop() {
	if e.cmd != nil && e.cmd.Process != nil {
		_ = e.cmd.Process.Kill()
		_ = e.cmd.Wait()
	}
}

// Control sends method to the control endpoint path (e.g.
// "/_emulator/stats") and decodes the JSON reply into into, if not nil. A
// reply other than 200 is an error that quotes it.
func (e *Emulator) Control(method, path string, into any) error {
	req, err := http.NewRequest(method, e.URL+path, nil)
	if err != nil {
		return err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("tcrtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("tcrtest: %s %s: HTTP %d: %s", method, path, resp.StatusCode, body)
	}
	if into == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("tcrtest: %s %s: %v", method, path, err)
	}
	return nil
}

// Fault makes the emulator misbehave, e.g. "mode=drop&count=2" (see
// tcr-emulator --help for every mode); "mode=none" stops it.
func (e *Emulator) Fault(query string) error {
	return e.Control("POST", "/_emulator/fault?"+query, nil)
}

// TokenState is what the emulator holds for one long-term credential.
type TokenState struct {
	Enabled bool   `json:"enabled"`
	Desc    string `json:"desc"`
}

// Token is the state of token of instance registry.
func (e *Emulator) Token(registry, token string) (TokenState, error) {
	var s struct {
		Registries map[string]map[string]TokenState `json:"registries"`
	}
	if err := e.Control("GET", "/_emulator/state", &s); err != nil {
		return TokenState{}, err
	}
	state, ok := s.Registries[registry][token]
	if !ok {
		return TokenState{}, fmt.Errorf("tcrtest: the emulator has no token %s of %s", token, registry)
	}
	return state, nil
}

// Stats are the emulator's counters since it started or was reset.
type Stats struct {
	Requests    int            `json:"requests"`
	Accepted    int            `json:"accepted"`
	Rejected    int            `json:"rejected"`
	Faults      int            `json:"faults"`
	Proxied     int            `json:"proxied"`
	Connections int            `json:"connections"`
	ByCode      map[string]int `json:"by_code"`
}

// Stats reads the counters.
func (e *Emulator) Stats() (Stats, error) {
	var s Stats
	err := e.Control("GET", "/_emulator/stats", &s)
	return s, err
}

// Request is an API request as the emulator saw it, without its
// Authorization and X-TC-Token headers.
type Request struct {
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Code    string            `json:"code"`
}

// Requests are the last 64 API requests, oldest first.
func (e *Emulator) Requests() ([]Request, error) {
	var s struct {
		Requests []Request `json:"requests"`
	}
	err := e.Control("GET", "/_emulator/requests", &s)
	return s.Requests, err
}

// SetClockOffset runs the emulated service's clock this many seconds ahead
// of the host's (behind when negative), as --clock-offset does at start;
// its replies' Date headers show that clock.
func (e *Emulator) SetClockOffset(seconds int64) error {
	return e.Control("POST", fmt.Sprintf("/_emulator/clock?offset=%d", seconds), nil)
}
