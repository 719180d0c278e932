package tcr

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestCancellingTheContextEndsTheCallAtOnce(t *testing.T) {
	c := newTestClient(t, Options{MaxAttempts: 3})
	req := &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(false)}
	if _, err := c.ModifyInstanceToken(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	fault(t, "mode=delay&delay_ms=1500&count=1")
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	timer := time.AfterFunc(200*time.Millisecond, func() { cancelledAt = time.Now(); cancel() })
	defer timer.Stop()
	_, err := c.ModifyInstanceToken(ctx, req)
	took := time.Since(cancelledAt)
	t.Logf("returned %v after the cancel", took)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("%v", err)
	}
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "may already have been sent") {
		t.Fatalf("%#v", err)
	}
	if took > 50*time.Millisecond {
		t.Fatalf("returned %v after the cancel", took)
	}
	// The next call gets its own reply at once.
	started := time.Now()
	resp, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	if err != nil || resp.Attempts != 1 || time.Since(started) > 2*time.Second {
		t.Fatalf("next call: %v %+v after %v", err, resp, time.Since(started))
	}
	if !state(t).Enabled {
		t.Fatal("the next call's request was not the one answered")
	}
	// Let the emulator finish the abandoned request before other tests.
	time.Sleep(1500 * time.Millisecond)
}

func TestADeadlineStaysATimeout(t *testing.T) {
	c := newTestClient(t, Options{})
	fault(t, "mode=delay&delay_ms=1000&count=1")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.ModifyInstanceToken(ctx, &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	time.Sleep(time.Second)
}

func TestCancellableCallsLeakNoGoroutine(t *testing.T) {
	c := newTestClient(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)}
	if _, err := c.ModifyInstanceToken(ctx, req); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for i := 0; i < 200; i++ {
		if _, err := c.ModifyInstanceToken(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	// And calls whose context is cancelled after they return.
	for i := 0; i < 50; i++ {
		callCtx, callCancel := context.WithCancel(context.Background())
		if _, err := c.ModifyInstanceToken(callCtx, req); err != nil {
			t.Fatal(err)
		}
		callCancel()
	}
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Fatalf("goroutines: %d before, %d after 250 calls", before, after)
	}
}
