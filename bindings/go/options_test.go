package tcr

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCredentialsAndRegionFromTheEnvironment(t *testing.T) {
	t.Setenv("TENCENTCLOUD_SECRET_ID", tempSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", tempSecretKey)
	t.Setenv("TENCENTCLOUD_SESSION_TOKEN", tempToken)
	t.Setenv("TENCENTCLOUD_REGION", "ap-shanghai")
	c, err := NewClient(Options{Endpoint: emulatorURL, DisableMetadata: true, RateLimit: Float64(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if got := lastRequest(t).Headers["x-tc-region"]; got != "ap-shanghai" {
		t.Errorf("region %q", got)
	}
}

func TestNothingFoundNamesTheSources(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	_, err := NewClient(Options{Region: "ap-guangzhou", DisableMetadata: true})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusCredentials {
		t.Fatalf("%v", err)
	}
	for _, source := range []string{"explicit options", "TENCENTCLOUD_SECRET_ID", ".tencentcloud/credentials", "CVM role metadata (disabled)"} {
		if !strings.Contains(e.Message, source) {
			t.Errorf("%q not in %q", source, e.Message)
		}
	}
}

func TestRetriesAreReported(t *testing.T) {
	c := newTestClient(t, Options{MaxAttempts: 3})
	fault(t, "mode=drop&count=2")
	resp, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)})
	if err != nil || resp.Attempts != 3 {
		t.Fatalf("%+v %v", resp, err)
	}
}

func TestRateLimitPacesCallsAcrossGoroutines(t *testing.T) {
	c := newTestClient(t, Options{RateLimit: Float64(10), RateBurst: 1})
	started := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2; i++ {
				if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// 8 calls at 10/s with a burst of 1: at least 0.7 s, whatever the goroutines.
	if elapsed := time.Since(started); elapsed < 650*time.Millisecond {
		t.Errorf("8 calls took %v", elapsed)
	}
}

func TestLogFuncGetsLinesWithoutSecrets(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	c := newTestClient(t, Options{SecretID: tempSecretID, SecretKey: tempSecretKey, SessionToken: tempToken,
		Log: func(level LogLevel, line string) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, line)
		}})
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Fatal(err)
	}
	req := ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: "no-such-token", Enable: Bool(true)}
	if _, err := c.ModifyInstanceToken(context.Background(), &req); !errors.Is(err, ErrAPI) {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	attempts := 0
	for _, line := range lines {
		if strings.Contains(line, "attempt=") {
			attempts++
		}
		for _, secret := range []string{tempSecretKey, tempToken, "Signature="} {
			if strings.Contains(line, secret) {
				t.Errorf("%q in %q", secret, line)
			}
		}
	}
	if attempts != 2 {
		t.Errorf("want one line per attempt, got %q", lines)
	}
}

func TestHTTPSWithCABundle(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	emu, err := startEmulator("--tls-cert", ca)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Stop()
	url := emu.URL
	c, err := NewClient(Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou",
		Endpoint: url, CABundle: ca, RateLimit: Float64(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Fatal(err)
	}
	untrusting, err := NewClient(Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou",
		Endpoint: url, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusting.Close()
	if _, err := modify(t, untrusting, ModifyInstanceTokenRequest{Enable: Bool(true)}); !errors.Is(err, ErrNetwork) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestBadNewOptions(t *testing.T) {
	good := Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou"}
	cases := []struct {
		name  string
		edit  func(*Options)
		field string
	}{
		{"negative attempts", func(o *Options) { o.MaxAttempts = -1 }, "max_attempts"},
		{"too many attempts", func(o *Options) { o.MaxAttempts = 11 }, "max_attempts"},
		{"negative rate", func(o *Options) { o.RateLimit = Float64(-1) }, "rate_limit"},
		{"negative burst", func(o *Options) { o.RateBurst = -1 }, "rate_burst"},
		{"socks proxy", func(o *Options) { o.Proxy = "socks5://127.0.0.1:1" }, "proxy"},
		{"missing CA bundle", func(o *Options) { o.CABundle = "/nonexistent/ca.pem" }, "ca_bundle"},
		{"endpoint and regional", func(o *Options) { o.Endpoint = "h"; o.RegionalEndpoint = true }, "endpoint"},
		{"connect timeout", func(o *Options) { o.ConnectTimeout = -time.Second }, "connect_timeout"},
		// Durations whose milliseconds overflow must not wrap to a small,
		// valid-looking number of milliseconds.
		{"longest timeout", func(o *Options) { o.Timeout = time.Duration(math.MaxInt64) }, "timeout"},
		{"longest connect timeout", func(o *Options) { o.ConnectTimeout = time.Duration(math.MaxInt64 - 500_000) }, "connect_timeout"},
		{"timeout past uint32 ms", func(o *Options) { o.Timeout = (1 << 32) * time.Millisecond }, "timeout"},
		{"infinite rate", func(o *Options) { o.RateLimit = Float64(math.Inf(1)) }, "rate_limit"},
		{"NaN rate", func(o *Options) { o.RateLimit = Float64(math.NaN()) }, "rate_limit"},
	}
	for _, tc := range cases {
		opts := good
		tc.edit(&opts)
		_, err := NewClient(opts)
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidArgument || !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
