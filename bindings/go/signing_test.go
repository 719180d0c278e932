package tcr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func setClock(t *testing.T, seconds int64) {
	t.Helper()
	if err := emulator.SetClockOffset(seconds); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emulator.SetClockOffset(0) })
}

func near(d, want time.Duration) bool {
	diff := d - want
	return diff >= -time.Second && diff <= time.Second
}

func TestClockOffsetFollowsTheServiceAheadAndBehind(t *testing.T) {
	c := newTestClient(t, Options{MaxAttempts: 3})
	if got := c.ClockOffset(); got != 0 {
		t.Fatalf("offset before any call: %v", got)
	}
	setClock(t, 900)
	first, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: testRegistry, TokenId: testToken, Enable: Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if first.Attempts != 2 || !near(c.ClockOffset(), 15*time.Minute) {
		t.Fatalf("attempts %d, offset %v", first.Attempts, c.ClockOffset())
	}
	next, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	if err != nil || next.Attempts != 1 {
		t.Fatalf("next call: %v, %+v", err, next)
	}
	setClock(t, -600)
	behind, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	if err != nil || behind.Attempts != 2 || !near(c.ClockOffset(), -10*time.Minute) {
		t.Fatalf("behind: %v, %+v, offset %v", err, behind, c.ClockOffset())
	}
}

func TestAPreparedRequestSentWithNetHTTPIsWhatACallSends(t *testing.T) {
	c := newTestClient(t, Options{MaxAttempts: 3})
	setClock(t, 420)
	req := &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken,
		Enable: Bool(false), Desc: String("rotated from Go"), ModifyFlag: Int64(1)}
	if _, err := c.ModifyInstanceToken(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	prepared, err := c.PrepareModifyInstanceToken(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if prepared.Method != http.MethodPost || prepared.URL.String() != emulatorURL+"/" ||
		prepared.Host != strings.TrimPrefix(emulatorURL, "http://") {
		t.Fatalf("%s %s host %s", prepared.Method, prepared.URL, prepared.Host)
	}
	if !strings.HasPrefix(prepared.Header.Get("Authorization"), "TC3-HMAC-SHA256 Credential="+testSecretID+"/") {
		t.Fatalf("Authorization: %q", prepared.Header.Get("Authorization"))
	}
	stamp, _ := strconv.ParseInt(prepared.Header.Get("X-TC-Timestamp"), 10, 64)
	if d := stamp - (time.Now().Unix() + 420); d < -2 || d > 2 {
		t.Fatalf("signed at %d, not at the service's clock", stamp)
	}
	body, _ := prepared.GetBody()
	want, _ := io.ReadAll(body)

	sender := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	reply, err := sender.Do(prepared)
	if err != nil {
		t.Fatal(err)
	}
	defer reply.Body.Close()
	var answer struct {
		Response map[string]any
	}
	if err := json.NewDecoder(reply.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	if _, failed := answer.Response["Error"]; failed || reply.StatusCode != 200 {
		t.Fatalf("%d %v", reply.StatusCode, answer.Response)
	}

	seen, err := emulator.Requests()
	if err != nil {
		t.Fatal(err)
	}
	byLibrary, byNetHTTP := seen[len(seen)-2], seen[len(seen)-1]
	if byLibrary.Code != "OK" || byNetHTTP.Code != "OK" {
		t.Fatalf("codes %s %s", byLibrary.Code, byNetHTTP.Code)
	}
	if byLibrary.Body != string(want) || !bytes.Equal([]byte(byNetHTTP.Body), want) {
		t.Fatalf("bodies differ:\n%s\n%s\n%s", byLibrary.Body, byNetHTTP.Body, want)
	}
	for name := range prepared.Header {
		if name == "Authorization" || name == "X-Tc-Timestamp" {
			continue
		}
		key := strings.ToLower(name)
		if byLibrary.Headers[key] != prepared.Header.Get(name) || byNetHTTP.Headers[key] != prepared.Header.Get(name) {
			t.Errorf("%s: library %q, net/http %q, prepared %q", name, byLibrary.Headers[key], byNetHTTP.Headers[key], prepared.Header.Get(name))
		}
	}
	if byLibrary.Headers["host"] != prepared.Host || byNetHTTP.Headers["host"] != prepared.Host {
		t.Errorf("host: %q %q %q", byLibrary.Headers["host"], byNetHTTP.Headers["host"], prepared.Host)
	}
}

func TestPreparingChecksInputAndSendsNothing(t *testing.T) {
	c := newTestClient(t, Options{})
	before := requestCount(t)
	_, err := c.PrepareModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: "", TokenId: testToken, Enable: Bool(true)})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidArgument || !strings.Contains(e.Message, "registry_id") {
		t.Fatalf("%v", err)
	}
	if _, err := c.PrepareModifyInstanceToken(context.Background(), nil); !errors.As(err, &e) || !strings.Contains(e.Message, "request") {
		t.Fatalf("nil request: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.PrepareModifyInstanceToken(ctx, &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}
	if got := requestCount(t); got != before {
		t.Fatalf("%d requests sent", got-before)
	}
	c.Close()
	if _, err := c.PrepareModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken}); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
	if c.ClockOffset() != 0 {
		t.Fatal("a closed client has no offset")
	}
}
