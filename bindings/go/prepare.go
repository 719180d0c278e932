package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"unsafe"
)

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
	var s cStrings
	defer s.free()
	var r C.tcr_modify_instance_token_request
	rp, err := s.typed(ctx, req, &r)
	if err != nil {
		return nil, err
	}
	return c.prepared(ctx, func(ptr *C.tcr_client, out **C.tcr_prepared_request) C.tcr_status {
		return C.tcr_modify_instance_token_prepare(ptr, rp, nil, out)
	})
}

// PrepareCall returns the request Call would send now for action and
// params, signed and bound to ctx, for an HTTP client of your own; as
// PrepareModifyInstanceToken, nothing is sent.
func (c *Client) PrepareCall(ctx context.Context, action string, params any) (*http.Request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s cStrings
	defer s.free()
	cAction, cParams, err := s.action(action, params)
	if err != nil {
		return nil, err
	}
	return c.prepared(ctx, func(ptr *C.tcr_client, out **C.tcr_prepared_request) C.tcr_status {
		return C.tcr_call_prepare(ptr, cAction, cParams, nil, out)
	})
}

// prepared makes one libtcr _prepare call and turns what it hands out into
// an *http.Request bound to ctx (Host in its Host field).
func (c *Client) prepared(ctx context.Context, prepare func(ptr *C.tcr_client, out **C.tcr_prepared_request) C.tcr_status) (*http.Request, error) {
	var out *C.tcr_prepared_request
	var status Status
	if err := c.use(func(ptr *C.tcr_client) {
		status = Status(prepare(ptr, &out))
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
