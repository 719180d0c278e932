package tcr

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCallTakesACredentialFromCreationToDeletion(t *testing.T) {
	c := newTestClient(t, Options{})
	ctx := context.Background()
	raw, err := c.Call(ctx, "CreateInstanceToken", map[string]any{"RegistryId": testRegistry, "TokenType": "longterm", "Desc": "from Go"})
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ TokenId, Token, RequestId string }
	if err := json.Unmarshal(raw, &created); err != nil || created.TokenId == "" || created.Token == "" || created.RequestId == "" {
		t.Fatalf("%s: %v", raw, err)
	}
	if _, err := c.ModifyInstanceToken(ctx, &ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: created.TokenId, Enable: Bool(false)}); err != nil {
		t.Fatal(err)
	}
	type token struct {
		Id, Desc string
		Enabled  bool
	}
	var list struct {
		TotalCount int
		Tokens     []token
	}
	if raw, err = c.Call(ctx, "DescribeInstanceToken", struct{ RegistryId string }{testRegistry}); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tk := range list.Tokens {
		if tk.Id == created.TokenId {
			found = !tk.Enabled && tk.Desc == "from Go"
		}
	}
	if !found || list.TotalCount != 2 {
		t.Fatalf("%s", raw)
	}
	if _, err = c.Call(ctx, "DeleteInstanceToken", map[string]string{"RegistryId": testRegistry, "TokenId": created.TokenId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Call(ctx, "DeleteInstanceToken", map[string]string{"RegistryId": testRegistry, "TokenId": created.TokenId})
	var e *Error
	if !errors.As(err, &e) || e.Code != "ResourceNotFound" || e.RequestID == "" || !errors.Is(err, ErrAPI) {
		t.Fatalf("%v", err)
	}
}

func TestCallRefusesBadInputBeforeSending(t *testing.T) {
	c := newTestClient(t, Options{})
	before := requestCount(t)
	for _, tc := range []struct {
		action string
		params any
		field  string
	}{
		{"describeInstanceToken", nil, "action"},
		{"Describe Token", nil, "action"},
		{"DescribeInstanceToken", []string{"a"}, "params"},
		{"DescribeInstanceToken", "text", "params"},
		{"DescribeInstanceToken", map[string]any{"f": func() {}}, "params"},
	} {
		_, err := c.Call(context.Background(), tc.action, tc.params)
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidArgument || !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s %v: %v", tc.action, tc.params, err)
		}
	}
	if got := requestCount(t); got != before {
		t.Fatalf("%d requests sent", got-before)
	}
}

func TestCancellingACallsContextEndsIt(t *testing.T) {
	c := newTestClient(t, Options{})
	fault(t, "mode=delay&delay_ms=1500&count=1")
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	timer := time.AfterFunc(200*time.Millisecond, func() { cancelledAt = time.Now(); cancel() })
	defer timer.Stop()
	_, err := c.Call(ctx, "DescribeInstanceToken", map[string]string{"RegistryId": testRegistry})
	took := time.Since(cancelledAt)
	if !errors.Is(err, context.Canceled) || took > 50*time.Millisecond {
		t.Fatalf("%v after %v", err, took)
	}
	time.Sleep(1500 * time.Millisecond)
}

func TestCallWithResultReturnsAttemptsAndRequestID(t *testing.T) {
	c := newTestClient(t, Options{MaxAttempts: 3})
	fault(t, "mode=error&code=RequestLimitExceeded&count=1")
	result, err := c.CallWithResult(context.Background(), "DescribeInstanceToken", map[string]any{"RegistryId": testRegistry})
	if err != nil {
		t.Fatal(err)
	}
	var listed struct{ RequestId string }
	if err := json.Unmarshal(result.Response, &listed); err != nil {
		t.Fatal(err)
	}
	if result.Attempts != 2 || result.HTTPStatus != 200 || len(result.RequestID) != 36 || listed.RequestId != result.RequestID {
		t.Fatalf("result %+v, Response's RequestId %q", result, listed.RequestId)
	}
}

func TestPrepareCallSignsAnyActionAndSendsNothing(t *testing.T) {
	c := newTestClient(t, Options{})
	before := requestCount(t)
	req, err := c.PrepareCall(context.Background(), "DescribeInstanceToken", map[string]any{"RegistryId": testRegistry})
	if err != nil {
		t.Fatal(err)
	}
	if requestCount(t) != before || req.Header.Get("X-TC-Action") != "DescribeInstanceToken" {
		t.Fatalf("requests %d -> %d, action %q", before, requestCount(t), req.Header.Get("X-TC-Action"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct {
		Response struct{ Tokens []struct{ Id string } }
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || len(reply.Response.Tokens) == 0 {
		t.Fatalf("reply %+v, %v", reply, err)
	}
	if _, err := c.PrepareCall(context.Background(), "describe", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a bad action: %v", err)
	}
}
