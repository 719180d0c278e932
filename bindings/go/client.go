// Package tcr calls Tencent Cloud TCR ModifyInstanceToken through libtcr:
// the same TC3-HMAC-SHA256 signer, validation and HTTP core as the C and
// Python APIs. It adds no logic of its own beyond turning Go values into C.
package tcr

/*
#include <stdlib.h>
#include <string.h>
#include "tcr.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Options configure a Client. Empty strings and a zero Timeout mean "not set".
type Options struct {
	SecretID  string // required
	SecretKey string // required; the C copy is wiped after use, libtcr wipes its own on Close
	// SessionToken of temporary credentials, sent as X-TC-Token.
	SessionToken string
	Region       string // required, e.g. "ap-guangzhou"
	// Endpoint: "host", "host:port", "https://host[:port]" or "http://host[:port]";
	// plain HTTP only when written. Default https://tcr.tencentcloudapi.com.
	Endpoint string
	Language string // "zh-CN" or "en-US"; not sent when empty
	// Timeout is the total time of one call (default 60s, at most 10m).
	Timeout time.Duration
}

// DefaultTimeout is the timeout of a call when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Client is safe for concurrent use by many goroutines; it keeps its HTTPS
// connections alive between calls. Close it when done.
type Client struct {
	mu      sync.RWMutex // read-held during calls, so Close waits for them
	ptr     *C.tcr_client
	timeout time.Duration
}

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

// Bool, String and Int64 return pointers for the optional request fields.
func Bool(v bool) *bool       { return &v }
func String(v string) *string { return &v }
func Int64(v int64) *int64    { return &v }

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

func milliseconds(field string, d time.Duration) (C.uint32_t, error) {
	if d < 0 {
		return 0, invalidArgument(field, "must not be negative")
	}
	if d == 0 {
		return 0, nil
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms > math.MaxUint32 {
		ms = math.MaxUint32 // libtcr rejects it with its own message
	}
	return C.uint32_t(ms), nil
}

// NewClient checks opts and creates a client; nothing is sent.
func NewClient(opts Options) (*Client, error) {
	var s cStrings
	defer s.free()
	var o C.tcr_client_options
	var err error
	fields := []struct {
		dst              **C.char
		name, value      string
		optional, secret bool
	}{
		{&o.secret_id, "secret_id", opts.SecretID, false, false},
		{&o.secret_key, "secret_key", opts.SecretKey, false, true},
		{&o.session_token, "session_token", opts.SessionToken, true, true},
		{&o.region, "region", opts.Region, false, false},
		{&o.endpoint, "endpoint", opts.Endpoint, true, false},
		{&o.language, "language", opts.Language, true, false},
	}
	for _, f := range fields {
		if *f.dst, err = s.add(f.name, f.value, f.optional, f.secret); err != nil {
			return nil, err
		}
	}
	if o.timeout_ms, err = milliseconds("timeout", opts.Timeout); err != nil {
		return nil, err
	}
	var ptr *C.tcr_client
	var message *C.char
	status := Status(C.tcr_client_new(&o, &ptr, &message))
	if status != StatusOK {
		defer C.tcr_string_free(message)
		return nil, &Error{Status: status, Code: status.String(), Message: C.GoString(message)}
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	c := &Client{ptr: ptr, timeout: timeout}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Close frees the client and wipes its secret key, after calls in flight
// on other goroutines finish. It is idempotent and always returns nil.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.tcr_client_free(c.ptr)
		c.ptr = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// ModifyInstanceToken enables, disables or re-describes a long-term access
// credential. The call is bounded by the client's timeout and by ctx's
// deadline, whichever is sooner; a ctx already done returns ctx.Err()
// without calling libtcr. Repeating a call is safe: it sets a state.
func (c *Client) ModifyInstanceToken(ctx context.Context, req *ModifyInstanceTokenRequest) (*ModifyInstanceTokenResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s cStrings
	defer s.free()
	var r C.tcr_modify_instance_token_request
	var rp *C.tcr_modify_instance_token_request
	if req != nil {
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
		rp = &r
	}
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return nil, context.DeadlineExceeded
		}
		if remaining < c.timeout {
			r.timeout_ms, _ = milliseconds("timeout", remaining)
		}
	}

	c.mu.RLock()
	if c.ptr == nil {
		c.mu.RUnlock()
		return nil, ErrClosed
	}
	var out C.tcr_modify_instance_token_response
	status := Status(C.tcr_modify_instance_token(c.ptr, rp, &out))
	c.mu.RUnlock()
	runtime.KeepAlive(c)
	defer C.tcr_modify_instance_token_response_free(&out)

	if status == StatusOK {
		return &ModifyInstanceTokenResponse{
			RequestId:  C.GoString(out.request_id),
			HTTPStatus: int(out.http_status),
			Attempts:   int(out.attempts),
		}, nil
	}
	e := &Error{
		Status:     status,
		Code:       status.String(),
		Message:    C.GoString(out.error_message),
		RequestID:  C.GoString(out.request_id),
		HTTPStatus: int(out.http_status),
	}
	if out.error_code != nil {
		e.Code = C.GoString(out.error_code)
	}
	if status == StatusTimeout && hasDeadline && !time.Now().Before(deadline) {
		e.cause = context.DeadlineExceeded
	}
	return nil, e
}
