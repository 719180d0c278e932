package tcr

import (
	"context"
	"errors"
	"net"
	"reflect"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"testing"
	"time"
)

func modify(t testing.TB, c *Client, req ModifyInstanceTokenRequest) (*ModifyInstanceTokenResult, error) {
	t.Helper()
	req.RegistryId, req.TokenId = testRegistry, testToken
	return c.ModifyInstanceToken(context.Background(), &req)
}

func TestSeedExamplesChangeTheState(t *testing.T) {
	c := newTestClient(t, Options{})
	ids := map[string]bool{}
	steps := []struct {
		req  ModifyInstanceTokenRequest
		want tokenState
	}{
		{ModifyInstanceTokenRequest{Enable: Bool(false)}, tokenState{Enabled: false, Desc: state(t).Desc}},
		{ModifyInstanceTokenRequest{Enable: Bool(true)}, tokenState{Enabled: true, Desc: state(t).Desc}},
		{ModifyInstanceTokenRequest{Desc: String("aaa"), ModifyFlag: Int64(1)}, tokenState{Enabled: true, Desc: "aaa"}},
	}
	for i, step := range steps {
		resp, err := modify(t, c, step.req)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(resp.RequestID) != 36 || resp.HTTPStatus != 200 || resp.Attempts != 1 {
			t.Errorf("step %d: %+v", i, resp)
		}
		ids[resp.RequestID] = true
		if got := state(t); got != step.want {
			t.Errorf("step %d: state %+v, want %+v", i, got, step.want)
		}
	}
	if len(ids) != 3 {
		t.Errorf("request ids not unique: %v", ids)
	}
}

func TestEnableFalseIsSentNotDropped(t *testing.T) {
	c := newTestClient(t, Options{})
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(false), ModifyFlag: Int64(2)}); err != nil {
		t.Fatal(err)
	}
	if body := lastRequest(t).Body; !strings.Contains(body, `"Enable": false`) || !strings.Contains(body, `"ModifyFlag": 2`) {
		t.Errorf("body %s", body)
	}
}

func TestTemporaryCredentials(t *testing.T) {
	c := newTestClient(t, Options{SecretID: tempSecretID, SecretKey: tempSecretKey, SessionToken: tempToken})
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Fatal(err)
	}
}

func TestAPIError(t *testing.T) {
	c := newTestClient(t, Options{SecretID: testSecretID, SecretKey: "wrong-key"})
	_, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%T %v", err, err)
	}
	if e.Status != StatusAPIError || e.Code != "AuthFailure.SignatureFailure" || len(e.RequestID) != 36 ||
		e.Message == "" || e.HTTPStatus != 200 {
		t.Errorf("%+v", e)
	}
	if !errors.Is(err, ErrAPI) || errors.Is(err, ErrTimeout) {
		t.Errorf("errors.Is does not tell the kind: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("the key leaked: %v", err)
	}
}

func TestBadArgumentsAreRejectedAndNothingIsSent(t *testing.T) {
	c := newTestClient(t, Options{})
	before := requestCount(t)
	cases := []struct {
		name  string
		req   *ModifyInstanceTokenRequest
		field string
	}{
		{"nil request", nil, "request"},
		{"empty token id", &ModifyInstanceTokenRequest{RegistryId: testRegistry, Enable: Bool(true)}, "token_id"},
		{"empty registry id", &ModifyInstanceTokenRequest{TokenId: testToken, Enable: Bool(true)}, "registry_id"},
		{"no enable", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken}, "enable"},
		{"modify flag 3", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true), ModifyFlag: Int64(3)}, "modify_flag"},
		{"modify flag 0", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true), ModifyFlag: Int64(0)}, "modify_flag"},
		{"modify flag huge", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true), ModifyFlag: Int64(1 << 40)}, "modify_flag"},
		{"flag 1 without desc", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, ModifyFlag: Int64(1)}, "desc"},
		{"desc with NUL", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Desc: String("a\x00b"), ModifyFlag: Int64(1)}, "desc"},
		{"desc not UTF-8", &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Desc: String("a\xffb"), ModifyFlag: Int64(1)}, "desc"},
	}
	for _, tc := range cases {
		_, err := c.ModifyInstanceToken(context.Background(), tc.req)
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidArgument || !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: not ErrInvalidArgument: %v", tc.name, err)
		}
	}
	if after := requestCount(t); after != before {
		t.Errorf("%d requests were sent", after-before)
	}
}

func TestBadOptions(t *testing.T) {
	good := Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou"}
	cases := []struct {
		name   string
		edit   func(*Options)
		status Status
		field  string
	}{
		{"no secret key", func(o *Options) { o.SecretKey = "" }, StatusCredentials, "secret_key"},
		{"no secret id", func(o *Options) { o.SecretID = "" }, StatusCredentials, "secret_id"},
		// Not the developer's tccli: its .configure would give a region.
		{"no region", func(o *Options) { o.Region, o.TccliDir = "", "/nonexistent/tccli" }, StatusInvalidArgument, "region"},
		{"ftp endpoint", func(o *Options) { o.Endpoint = "ftp://example.com" }, StatusInvalidArgument, "endpoint"},
		{"bad port", func(o *Options) { o.Endpoint = "http://127.0.0.1:70000" }, StatusInvalidArgument, "endpoint"},
		{"language", func(o *Options) { o.Language = "fr-FR" }, StatusInvalidArgument, "language"},
		{"negative timeout", func(o *Options) { o.Timeout = -time.Second }, StatusInvalidArgument, "timeout"},
		{"timeout too long", func(o *Options) { o.Timeout = time.Hour }, StatusInvalidArgument, "timeout"},
		{"NUL in key", func(o *Options) { o.SecretKey = "a\x00b" }, StatusInvalidArgument, "secret_key"},
	}
	for _, tc := range cases {
		opts := good
		tc.edit(&opts)
		c, err := NewClient(opts)
		var e *Error
		if c != nil || !errors.As(err, &e) || e.Status != tc.status || !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s: client %v, error %v", tc.name, c, err)
		}
	}
}

func TestContext(t *testing.T) {
	c := newTestClient(t, Options{})
	before := requestCount(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ModifyInstanceToken(ctx, &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)}); err != context.Canceled {
		t.Errorf("cancelled context: %v", err)
	}
	if requestCount(t) != before {
		t.Error("a cancelled call was sent")
	}

	fault(t, "mode=delay&delay_ms=1500&count=1")
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err := c.ModifyInstanceToken(ctx, &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	if elapsed := time.Since(started); elapsed > 1200*time.Millisecond {
		t.Errorf("the deadline did not bound the call: %v", elapsed)
	}
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want a timeout that is also DeadlineExceeded, got %v", err)
	}
}

func TestNetworkAndProtocolErrors(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := listener.Addr().String()
	listener.Close()
	c, err := NewClient(Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou",
		Endpoint: "http://" + closed, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); !errors.Is(err, ErrNetwork) {
		t.Errorf("closed port: %v", err)
	}

	good := newTestClient(t, Options{})
	fault(t, "mode=http5xx&status=502&count=1")
	_, err = modify(t, good, ModifyInstanceTokenRequest{Enable: Bool(true)})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusProtocol || e.HTTPStatus != 502 || !strings.Contains(e.Message, "<html>") {
		t.Errorf("5xx: %v", err)
	}
	if _, err := modify(t, good, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Errorf("the client did not recover: %v", err)
	}
}

func TestCloseIsIdempotentAndClosedClientsFail(t *testing.T) {
	c := newTestClient(t, Options{})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != ErrClosed {
		t.Errorf("want ErrClosed, got %v", err)
	}
}

func TestGoroutinesShareOneClient(t *testing.T) {
	c := newTestClient(t, Options{})
	const goroutines, calls = 8, 50
	before := requestCount(t)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool((g+i)%2 == 0)}); err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := requestCount(t) - before; got != goroutines*calls {
		t.Errorf("the emulator saw %d requests, want %d", got, goroutines*calls)
	}

	// Calls run in parallel: 8 calls each delayed 300 ms take at least 300 ms
	// and finish well before the 2.4 s they would take one after another.
	faultsBefore := stats(t).Faults
	fault(t, "mode=delay&delay_ms=300&count=8")
	started := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if elapsed := time.Since(started); elapsed < 300*time.Millisecond || elapsed >= 2*time.Second {
		t.Errorf("8 concurrent 300 ms calls took %v", elapsed)
	}
	if got := stats(t).Faults - faultsBefore; got != 8 {
		t.Errorf("the emulator delayed %d calls, want 8", got)
	}
}

func TestStatusNames(t *testing.T) {
	if StatusTimeout.String() != "TCR_TIMEOUT" || StatusAPIError.String() != "TCR_API_ERROR" || Status(99).String() != "TCR_UNKNOWN_STATUS" {
		t.Error("status names differ from libtcr's")
	}
}

// BenchmarkModifyInstanceToken: sequential calls on one client, keep-alive,
// against the emulator (no rate limit). `make bench-quick` runs it.
func BenchmarkModifyInstanceToken(b *testing.B) {
	c := newTestClient(b, Options{})
	req := &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ModifyInstanceToken(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkModifyInstanceTokenCancellable: the same with a context that
// can be cancelled (as an HTTP handler's is), which arms a cancel token
// for each call: the price of cancellation.
func BenchmarkModifyInstanceTokenCancellable(b *testing.B) {
	c := newTestClient(b, Options{})
	req := &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ModifyInstanceToken(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

func TestCloseWaitsForCallsInFlight(t *testing.T) {
	c := newTestClient(t, Options{})
	before := stats(t).Requests
	fault(t, "mode=delay&delay_ms=400&count=1")
	done := make(chan error, 1)
	go func() {
		_, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
			RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
		done <- err
	}()
	// Synchronise on the emulator having the request (it holds it 400 ms).
	deadline := time.Now().Add(5 * time.Second)
	for stats(t).Requests == before {
		if time.Now().After(deadline) {
			t.Fatal("the call never reached the emulator")
		}
		time.Sleep(5 * time.Millisecond)
	}
	closing := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(closing); waited < 300*time.Millisecond {
		t.Errorf("Close returned after %v, before the call in flight ended", waited)
	}
	if err := <-done; err != nil {
		t.Errorf("the call in flight: %v", err)
	}
	if _, err := modify(t, c, ModifyInstanceTokenRequest{Enable: Bool(true)}); !errors.Is(err, ErrClosed) {
		t.Errorf("a call after Close: %v", err)
	}
}

// A client nobody closed is closed by its finalizer: Close's last step,
// deleting the handle of the log callback, is seen to have happened.
func TestAForgottenClientIsClosedByItsFinalizer(t *testing.T) {
	c, err := NewClient(Options{SecretID: testSecretID, SecretKey: testSecretKey, Region: "ap-guangzhou",
		Endpoint: emulatorURL, Log: func(LogLevel, string) {}})
	if err != nil {
		t.Fatal(err)
	}
	handle := c.h.log
	if handleDeleted(handle) {
		t.Fatal("the log handle is missing while the client is open")
	}
	c = nil
	deadline := time.Now().Add(10 * time.Second)
	for !handleDeleted(handle) {
		if time.Now().After(deadline) {
			t.Fatal("the finalizer did not close the forgotten client")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// handleDeleted reports whether h no longer refers to a value (cgo.Handle
// panics on a deleted handle).
func handleDeleted(h cgo.Handle) (deleted bool) {
	defer func() { deleted = recover() != nil }()
	h.Value()
	return false
}

// A Client value copied (reflect does it without go vet noticing) shares
// the original's libtcr client: once either is closed, both see ErrClosed,
// never freed memory; a zero Client is closed from the start.
func TestACopiedClientValueIsHarmless(t *testing.T) {
	c := newTestClient(t, Options{})
	copied := reflect.New(reflect.TypeOf(c).Elem())
	copied.Elem().Set(reflect.ValueOf(c).Elem())
	twin := copied.Interface().(*Client)
	if _, err := modify(t, twin, ModifyInstanceTokenRequest{Enable: Bool(true)}); err != nil {
		t.Fatalf("a call through the copy while open: %v", err)
	}
	c.Close()
	runtime.GC()
	for name, client := range map[string]*Client{"copy": twin, "zero": new(Client)} {
		if _, err := modify(t, client, ModifyInstanceTokenRequest{Enable: Bool(false)}); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: ModifyInstanceToken after Close: %v", name, err)
		}
		if _, err := client.Call(context.Background(), "DescribeInstanceToken", nil); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: Call after Close: %v", name, err)
		} else if e := (*Error)(nil); !errors.As(err, &e) || e.Status != StatusInvalidArgument ||
			!errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrNetwork) {
			t.Errorf("%s: ErrClosed is not the *Error it should be: %#v", name, err)
		}
		if _, err := client.PrepareModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
			RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)}); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: PrepareModifyInstanceToken after Close: %v", name, err)
		}
		if offset := client.ClockOffset(); offset != 0 {
			t.Errorf("%s: ClockOffset after Close: %v", name, offset)
		}
		if err := client.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
	}
}
