// Package tcr calls Tencent Cloud TCR ModifyInstanceToken through libtcr:
// the same TC3-HMAC-SHA256 signer, validation and HTTP core as the C and
// Python APIs. It adds no logic of its own beyond turning Go values into C.
package tcr

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tcr.h"

// Implemented in Go (log.go).
extern void tcrGoLog(void *user_data, int level, char *line);

// The Go callback as libtcr's callback type, and a cgo.Handle carried as
// user_data (C only passes it back).
static inline tcr_log_callback tcr_go_log_callback(void) { return (tcr_log_callback)tcrGoLog; }
static inline void *tcr_handle_to_pointer(uintptr_t handle) { return (void *)handle; }
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Options configure a Client. Zero values mean "not set" (the default).
type Options struct {
	// Credentials come from the first source that has them: SecretID and
	// SecretKey; the environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY,
	// TENCENTCLOUD_SESSION_TOKEN or TENCENTCLOUD_TOKEN); the profile file; the
	// CVM instance role. A half-set source is an error.
	SecretID  string
	SecretKey string // the C copy is wiped after use; libtcr wipes its own on Close
	// SessionToken of temporary credentials, sent as X-TC-Token.
	SessionToken string
	// Profile is the section of the credentials file (else TENCENTCLOUD_PROFILE, else "default").
	Profile string
	// CredentialsFile (else TENCENTCLOUD_CREDENTIALS_FILE, else ~/.tencentcloud/credentials).
	CredentialsFile string
	// MetadataURL is the base URL of the CVM metadata service (default http://metadata.tencentyun.com).
	MetadataURL     string
	DisableMetadata bool // do not try the CVM instance role
	// Region, e.g. "ap-guangzhou"; else TENCENTCLOUD_REGION. Required.
	Region string
	// Endpoint: "host", "host:port", "https://host[:port]" or "http://host[:port]";
	// plain HTTP only when written. Default https://tcr.tencentcloudapi.com.
	Endpoint string
	// RegionalEndpoint uses tcr.<region>.<root domain>; RootDomain replaces
	// "tencentcloudapi.com". Both exclude Endpoint.
	RegionalEndpoint bool
	RootDomain       string
	Language         string // "zh-CN" or "en-US"; not sent when empty
	// Timeout is the total time of one call, retries and waits included
	// (default 60s, at most 10m); ConnectTimeout bounds connecting (default 10s).
	Timeout        time.Duration
	ConnectTimeout time.Duration
	// MaxAttempts per call, 1 to 10 (default 3). Only network failures before
	// a reply and RequestLimitExceeded[.*] are retried, each attempt re-signed.
	MaxAttempts int
	// RateLimit is the client-side limit in requests per second shared by
	// all goroutines: nil is the documented 20, Float64(0) turns it off.
	RateLimit *float64
	// RateBurst is how many requests may go at once (default: the rate).
	RateBurst int
	// Proxy URL (http:// or https://); IgnoreProxyEnv ignores HTTP_PROXY,
	// HTTPS_PROXY, ALL_PROXY and NO_PROXY.
	Proxy          string
	IgnoreProxyEnv bool
	// CABundle is a PEM file of extra CA certificates to trust.
	CABundle string
	// DangerAcceptInvalidCerts turns TLS verification off. Logged as a warning.
	DangerAcceptInvalidCerts bool
	// Log receives diagnostics lines (one per HTTP attempt). TCR_LOG=debug
	// in the environment prints them on stderr as well.
	Log LogFunc
}

// DefaultTimeout is the timeout of a call when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Client is safe for concurrent use by many goroutines; it keeps its HTTPS
// connections alive between calls. Close it when done.
//
// Use a Client through the *Client that NewClient returns; never copy the
// value (go vet reports a copy). A copy, or a zero Client, is still
// harmless: it shares the original's libtcr client, so it sees it closed
// (ErrClosed) rather than freed.
type Client struct {
	_ noCopy
	h *clientHandle
}

// clientHandle is the libtcr client a Client owns. Its finalizer frees it
// once no Client (nor a copy of one) refers to it.
type clientHandle struct {
	mu      sync.RWMutex // read-held during calls, so Close waits for them
	ptr     *C.tcr_client
	timeout time.Duration
	log     cgo.Handle // of Options.Log, 0 if none
}

// noCopy makes go vet's copylocks check report a copied Client.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// ModifyInstanceTokenRequest is shaped like the official Go SDK's. Nil
// pointers are not sent; Enable: Bool(false) is sent as "Enable": false.
type ModifyInstanceTokenRequest struct {
	RegistryId string  // instance ID, e.g. "tcr-12345"
	TokenId    string  // long-term access credential ID
	Enable     *bool   // enable (true) or disable (false); needed unless ModifyFlag is 1
	Desc       *string // new description; needed when ModifyFlag is 1
	ModifyFlag *int64  // 1: modify the description; 2: enable/disable (the service default)
}

// ModifyInstanceTokenResponse is a successful call's outcome.
type ModifyInstanceTokenResponse struct {
	RequestId  string // the service's RequestId
	HTTPStatus int    // 200
	Attempts   int    // HTTP attempts made
}

// Bool, String, Int64 and Float64 return pointers for optional fields.
func Bool(v bool) *bool          { return &v }
func String(v string) *string    { return &v }
func Int64(v int64) *int64       { return &v }
func Float64(v float64) *float64 { return &v }

// cString is a C copy of s; NUL bytes cannot cross into C, so they are an error.
func cString(field, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalidArgument(field, "contains a NUL byte")
	}
	return C.CString(s), nil
}

// cStrings allocates C strings and frees (and optionally wipes) them all at once.
type cStrings struct {
	owned []*C.char
	wipe  []bool
}

func (a *cStrings) add(field, s string, optional, secret bool) (*C.char, error) {
	if optional && s == "" {
		return nil, nil
	}
	p, err := cString(field, s)
	if err != nil {
		return nil, err
	}
	a.owned = append(a.owned, p)
	a.wipe = append(a.wipe, secret)
	return p, nil
}

func (a *cStrings) free() {
	for i, p := range a.owned {
		if a.wipe[i] {
			C.memset(unsafe.Pointer(p), 0, C.strlen(p))
		}
		C.free(unsafe.Pointer(p))
	}
}

func flag(b bool) C.uint8_t {
	if b {
		return 1
	}
	return 0
}

// count is an optional positive number as C's uint32 (0 = not set).
func count(field string, n int) (C.uint32_t, error) {
	if n < 0 {
		return 0, invalidArgument(field, "must not be negative")
	}
	if n > math.MaxUint32 {
		n = math.MaxUint32 // libtcr rejects it with its own message
	}
	return C.uint32_t(n), nil
}

func milliseconds(field string, d time.Duration) (C.uint32_t, error) {
	if d < 0 {
		return 0, invalidArgument(field, "must not be negative")
	}
	if d == 0 {
		return 0, nil
	}
	// Rounded up without adding to d, which would overflow near the
	// largest Duration and wrap to a negative, then small, uint32.
	ms := d / time.Millisecond
	if d%time.Millisecond != 0 {
		ms++
	}
	if ms > math.MaxUint32 {
		ms = math.MaxUint32 // libtcr rejects it with its own message
	}
	return C.uint32_t(ms), nil
}

// NewClient checks opts and creates a client; nothing is sent.
func NewClient(opts Options) (*Client, error) {
	if versionErr != nil {
		return nil, versionErr
	}
	var s cStrings
	defer s.free()
	var o C.tcr_client_options
	o.struct_size = C.size_t(unsafe.Sizeof(o))
	var err error
	fields := []struct {
		dst         **C.char
		name, value string
		secret      bool
	}{
		{&o.secret_id, "secret_id", opts.SecretID, false},
		{&o.secret_key, "secret_key", opts.SecretKey, true},
		{&o.session_token, "session_token", opts.SessionToken, true},
		{&o.profile, "profile", opts.Profile, false},
		{&o.credentials_file, "credentials_file", opts.CredentialsFile, false},
		{&o.metadata_url, "metadata_url", opts.MetadataURL, false},
		{&o.region, "region", opts.Region, false},
		{&o.endpoint, "endpoint", opts.Endpoint, false},
		{&o.root_domain, "root_domain", opts.RootDomain, false},
		{&o.language, "language", opts.Language, false},
		{&o.proxy, "proxy", opts.Proxy, false},
		{&o.ca_bundle, "ca_bundle", opts.CABundle, false},
	}
	for _, f := range fields {
		// Empty is "not set": the next source of the chain, or the default.
		if *f.dst, err = s.add(f.name, f.value, true, f.secret); err != nil {
			return nil, err
		}
	}
	if o.timeout_ms, err = milliseconds("timeout", opts.Timeout); err != nil {
		return nil, err
	}
	if o.connect_timeout_ms, err = milliseconds("connect_timeout", opts.ConnectTimeout); err != nil {
		return nil, err
	}
	if o.max_attempts, err = count("max_attempts", opts.MaxAttempts); err != nil {
		return nil, err
	}
	if o.rate_burst, err = count("rate_burst", opts.RateBurst); err != nil {
		return nil, err
	}
	if opts.RateLimit != nil {
		switch r := *opts.RateLimit; {
		case r == 0:
			o.disable_rate_limit = 1
		case r > 0:
			o.rate_limit = C.double(r)
		default:
			return nil, invalidArgument("rate_limit", "must be 0 (off) or positive")
		}
	}
	o.disable_metadata = flag(opts.DisableMetadata)
	o.regional_endpoint = flag(opts.RegionalEndpoint)
	o.ignore_proxy_env = flag(opts.IgnoreProxyEnv)
	o.danger_accept_invalid_certs = flag(opts.DangerAcceptInvalidCerts)
	var logHandle cgo.Handle
	if opts.Log != nil {
		logHandle = cgo.NewHandle(opts.Log)
		o.log_callback = C.tcr_go_log_callback()
		o.log_user_data = C.tcr_handle_to_pointer(C.uintptr_t(logHandle))
	}
	var ptr *C.tcr_client
	var message *C.char
	status := Status(C.tcr_client_new(&o, &ptr, &message))
	if status != StatusOK {
		defer C.tcr_string_free(message)
		if logHandle != 0 {
			logHandle.Delete()
		}
		return nil, &Error{Status: status, Code: status.String(), Message: C.GoString(message)}
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	h := &clientHandle{ptr: ptr, timeout: timeout, log: logHandle}
	runtime.SetFinalizer(h, (*clientHandle).close)
	return &Client{h: h}, nil
}

// Close frees the client and wipes its secret key, after calls in flight
// on other goroutines finish. It is idempotent and always returns nil.
func (c *Client) Close() error {
	if c.h != nil {
		c.h.close()
	}
	return nil
}

func (h *clientHandle) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ptr != nil {
		C.tcr_client_free(h.ptr)
		h.ptr = nil
		if h.log != 0 {
			h.log.Delete()
			h.log = 0
		}
		runtime.SetFinalizer(h, nil)
	}
}

// use runs f with the libtcr client, which stays open (Close waits for f)
// and reachable (its finalizer cannot run) until f returns; ErrClosed
// without running f when the client is closed.
func (c *Client) use(f func(ptr *C.tcr_client)) error {
	h := c.h
	if h == nil {
		return ErrClosed
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr == nil {
		return ErrClosed
	}
	f(h.ptr)
	runtime.KeepAlive(h)
	return nil
}

// ModifyInstanceToken enables, disables or re-describes a long-term access
// credential. The call is bounded by the client's timeout and by ctx's
// deadline, whichever is sooner; a ctx already done returns ctx.Err()
// without calling libtcr. When ctx is cancelled during the call it returns
// within milliseconds with an error for which errors.Is(err,
// context.Canceled) and errors.Is(err, ErrCancelled) hold; the request may
// already have been sent and processed (the message says whether), and its
// connection is closed, never reused. Repeating a call is safe: it sets a
// state.
func (c *Client) ModifyInstanceToken(ctx context.Context, req *ModifyInstanceTokenRequest) (*ModifyInstanceTokenResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s cStrings
	defer s.free()
	var r C.tcr_modify_instance_token_request
	rp, err := s.request(req, &r)
	if err != nil {
		return nil, err
	}
	d, err := c.deadlineOf(ctx)
	if err != nil {
		return nil, err
	}
	cancel := cancelOnDone(ctx)
	defer cancel.release()
	var settings C.tcr_call_settings

	var out *C.tcr_response
	var status Status
	if err := c.use(func(ptr *C.tcr_client) {
		status = Status(C.tcr_modify_instance_token(ptr, rp, d.settings(&settings, cancel), &out))
	}); err != nil {
		return nil, err
	}
	defer C.tcr_response_free(out)

	if status == StatusOK {
		return &ModifyInstanceTokenResponse{
			RequestId:  C.GoString(out.request_id),
			HTTPStatus: int(out.http_status),
			Attempts:   int(out.attempts),
		}, nil
	}
	return nil, d.failure(ctx, status, out.error_code, out.error_message, out.request_id, out.http_status)
}

// A libtcr cancel token that ctx's cancellation triggers, for one call.
type callCancel struct {
	token *C.tcr_cancel_token
	// stop disarms the trigger; false if it already ran or is running.
	stop  func() bool
	fired chan struct{}
}

// cancelOnDone arms a cancel token for ctx, or returns an empty one when
// ctx can never be cancelled (context.Background). No goroutine waits per
// call: context.AfterFunc runs the trigger only if ctx is cancelled. A
// deadline is left to the call's own timeout, which is set to it, so that
// it stays a timeout (StatusTimeout).
func cancelOnDone(ctx context.Context) callCancel {
	if ctx.Done() == nil {
		return callCancel{}
	}
	cc := callCancel{token: C.tcr_cancel_token_new(), fired: make(chan struct{})}
	token := cc.token
	cc.stop = context.AfterFunc(ctx, func() {
		defer close(cc.fired)
		if errors.Is(ctx.Err(), context.Canceled) {
			C.tcr_cancel_token_cancel(token)
		}
	})
	return cc
}

// release disarms the trigger, waits for it if it had started (so that it
// never touches a freed token), and frees the token.
func (cc callCancel) release() {
	if cc.token == nil {
		return
	}
	if !cc.stop() {
		<-cc.fired
	}
	C.tcr_cancel_token_free(cc.token)
}

// request fills r from req (nil stays nil: libtcr names it), with the
// strings in s; it returns the pointer to pass to libtcr.
func (s *cStrings) request(req *ModifyInstanceTokenRequest, r *C.tcr_modify_instance_token_request) (*C.tcr_modify_instance_token_request, error) {
	if req == nil {
		return nil, nil
	}
	r.struct_size = C.size_t(unsafe.Sizeof(*r))
	var err error
	if r.registry_id, err = s.add("registry_id", req.RegistryId, false, false); err != nil {
		return nil, err
	}
	if r.token_id, err = s.add("token_id", req.TokenId, false, false); err != nil {
		return nil, err
	}
	if req.Desc != nil {
		if r.desc, err = s.add("desc", *req.Desc, false, false); err != nil {
			return nil, err
		}
	}
	if req.Enable != nil {
		r.enable = C.TCR_ENABLE_FALSE
		if *req.Enable {
			r.enable = C.TCR_ENABLE_TRUE
		}
	}
	if req.ModifyFlag != nil {
		// 0 means "not set" in C, so it cannot be passed through.
		if f := *req.ModifyFlag; f == 0 || f < math.MinInt32 || f > math.MaxInt32 {
			return nil, invalidArgument("modify_flag", "must be 1 or 2")
		}
		r.modify_flag = C.int32_t(*req.ModifyFlag)
	}
	return r, nil
}

// ClockOffset is what the client adds to the local clock when signing: the
// service's clock minus this host's, learned from the Date header of an
// AuthFailure.SignatureExpire reply (0 until one arrives, and on a closed
// client). A call that gets that error signs again with the service's time
// and tries once more (as one of its attempts); later calls, from any
// goroutine, use the offset from their first attempt. A Date more than 24
// hours away is not taken (a warning is logged).
func (c *Client) ClockOffset() time.Duration {
	var offset time.Duration
	_ = c.use(func(ptr *C.tcr_client) {
		offset = time.Duration(C.tcr_client_clock_offset(ptr)) * time.Second
	})
	return offset
}

// PrepareModifyInstanceToken returns the request ModifyInstanceToken would
// send now, for an HTTP client of your own (http.DefaultClient.Do, a
// client with its own transport, tracing or retries): validated the same
// way, with the client's credentials (a CVM role's refreshed when due) and
// clock offset, bound to ctx. Nothing is sent.
//
// The service accepts it for 5 minutes. This package does not retry it,
// rate-limit it or read its reply (JSON whose Response holds Error on
// failure). Its Authorization header is a signature and X-TC-Token a
// session token: keep them as secret as the key. Host is in req.Host.
func (c *Client) PrepareModifyInstanceToken(ctx context.Context, req *ModifyInstanceTokenRequest) (*http.Request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s cStrings
	defer s.free()
	var r C.tcr_modify_instance_token_request
	rp, err := s.request(req, &r)
	if err != nil {
		return nil, err
	}
	var out *C.tcr_prepared_request
	var status Status
	if err := c.use(func(ptr *C.tcr_client) {
		status = Status(C.tcr_modify_instance_token_prepare(ptr, rp, nil, &out))
	}); err != nil {
		return nil, err
	}
	defer C.tcr_prepared_request_free(out)
	if status != StatusOK {
		return nil, &Error{Status: status, Code: status.String(), Message: C.GoString(out.error_message)}
	}
	body := C.GoBytes(unsafe.Pointer(out.body), C.int(out.body_len))
	prepared, err := http.NewRequestWithContext(ctx, C.GoString(out.method), C.GoString(out.url), bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Status: StatusInternal, Code: StatusInternal.String(), Message: "the prepared request: " + err.Error()}
	}
	for _, h := range unsafe.Slice(out.headers, out.header_count) {
		name, value := C.GoString(h.name), C.GoString(h.value)
		if strings.EqualFold(name, "Host") {
			prepared.Host = value
			continue
		}
		prepared.Header.Set(name, value)
	}
	return prepared, nil
}

// Call calls any TCR action (API version 2019-09-24) by name, e.g.
// client.Call(ctx, "DescribeInstanceToken", map[string]any{"RegistryId": "tcr-12345"}),
// and returns the reply's Response object as the service sent it (RequestId
// included), to unmarshal into a struct of your own. params is marshalled
// with encoding/json and must give a JSON object; nil sends {}.
//
// Same signer, credentials, clock, timeouts, cancellation (ctx) and errors
// as ModifyInstanceToken; an API error is a *Error with the service's Code
// and RequestID. The action may not be repeatable (a second
// CreateInstanceToken makes a second token), so only what cannot have been
// processed is retried: RequestLimitExceeded[.*] and a failed connect.
// Each action has its own client-side rate-limit bucket.
func (c *Client) Call(ctx context.Context, action string, params any) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body := []byte("{}")
	if params != nil {
		var err error
		if body, err = json.Marshal(params); err != nil {
			return nil, invalidArgument("params", err.Error())
		}
	}
	var s cStrings
	defer s.free()
	cAction, err := s.add("action", action, false, false)
	if err != nil {
		return nil, err
	}
	cParams, err := s.add("params", string(body), false, false)
	if err != nil {
		return nil, err
	}
	d, err := c.deadlineOf(ctx)
	if err != nil {
		return nil, err
	}
	cancel := cancelOnDone(ctx)
	defer cancel.release()

	var settings C.tcr_call_settings
	var out *C.tcr_response
	var status Status
	if err := c.use(func(ptr *C.tcr_client) {
		status = Status(C.tcr_call(ptr, cAction, cParams, d.settings(&settings, cancel), &out))
	}); err != nil {
		return nil, err
	}
	defer C.tcr_response_free(out)
	if status == StatusOK {
		return json.RawMessage(C.GoString(out.response_json)), nil
	}
	return nil, d.failure(ctx, status, out.error_code, out.error_message, out.request_id, out.http_status)
}

// callDeadline is ctx's deadline as a call's: the timeout to pass to libtcr
// (0: the client's, which is sooner).
type callDeadline struct {
	at        time.Time
	set       bool
	timeoutMS C.uint32_t
}

func (c *Client) deadlineOf(ctx context.Context) (callDeadline, error) {
	at, set := ctx.Deadline()
	d := callDeadline{at: at, set: set}
	if set {
		remaining := time.Until(at)
		if remaining <= 0 {
			return d, context.DeadlineExceeded
		}
		if c.h != nil && remaining < c.h.timeout {
			d.timeoutMS, _ = milliseconds("timeout", remaining)
		}
	}
	return d, nil
}

// settings fills s with the call's timeout and cancel token, or returns nil
// (the client's defaults) when it has neither.
func (d callDeadline) settings(s *C.tcr_call_settings, cancel callCancel) *C.tcr_call_settings {
	if d.timeoutMS == 0 && cancel.token == nil {
		return nil
	}
	s.struct_size = C.size_t(unsafe.Sizeof(*s))
	s.timeout_ms = d.timeoutMS
	s.cancel = cancel.token
	return s
}

// failure is the *Error of a failed call, wrapping ctx's error when ctx
// ended it (its cancellation, or its deadline as the call's timeout).
func (d callDeadline) failure(ctx context.Context, status Status, code, message, requestID *C.char, httpStatus C.uint32_t) *Error {
	e := &Error{
		Status:     status,
		Code:       status.String(),
		Message:    C.GoString(message),
		RequestID:  C.GoString(requestID),
		HTTPStatus: int(httpStatus),
	}
	if code != nil {
		e.Code = C.GoString(code)
	}
	switch {
	case status == StatusCancelled:
		e.cause = ctx.Err()
	case status == StatusTimeout && d.set && !time.Now().Before(d.at):
		e.cause = context.DeadlineExceeded
	}
	return e
}
