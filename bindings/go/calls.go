package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"math"
	"unsafe"
)

// ModifyInstanceTokenRequest is shaped like the official Go SDK's. Nil
// pointers are not sent; Enable: Bool(false) is sent as "Enable": false.
type ModifyInstanceTokenRequest struct {
	RegistryId string  // instance ID, e.g. "tcr-12345"
	TokenId    string  // long-term access credential ID
	Enable     *bool   // enable (true) or disable (false); needed unless ModifyFlag is 1
	Desc       *string // new description; needed when ModifyFlag is 1
	ModifyFlag *int64  // 1: modify the description; 2: enable/disable (the service default)
}

// ModifyInstanceTokenResult is a successful ModifyInstanceToken's outcome.
type ModifyInstanceTokenResult struct {
	RequestID  string // the service's RequestId, for support and logs
	HTTPStatus int    // the reply's HTTP status (200)
	Attempts   int    // HTTP attempts the call made
}

// CallResult is a successful generic call's outcome: the reply's Response
// object as the service sent it, and the same three fields as
// ModifyInstanceTokenResult.
type CallResult struct {
	Response   json.RawMessage // RequestId included; unmarshal it into a struct of your own
	RequestID  string
	HTTPStatus int
	Attempts   int
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
func (c *Client) ModifyInstanceToken(ctx context.Context, req *ModifyInstanceTokenRequest) (*ModifyInstanceTokenResult, error) {
	var s cStrings
	defer s.free()
	var r C.tcr_modify_instance_token_request
	rp, err := s.typed(ctx, req, &r)
	if err != nil {
		return nil, err
	}
	out, err := c.invoke(ctx, func(ptr *C.tcr_client, settings *C.tcr_call_settings, out **C.tcr_response) C.tcr_status {
		return C.tcr_modify_instance_token(ptr, rp, settings, out)
	})
	if err != nil {
		return nil, err
	}
	defer C.tcr_response_free(out)
	return &ModifyInstanceTokenResult{
		RequestID:  C.GoString(out.request_id),
		HTTPStatus: int(out.http_status),
		Attempts:   int(out.attempts),
	}, nil
}

// Call calls any TCR action (API version 2019-09-24) by name, e.g.
// client.Call(ctx, "DescribeInstanceToken", map[string]any{"RegistryId": "tcr-12345"}),
// and returns the reply's Response object as the service sent it (RequestId
// included), to unmarshal into a struct of your own. params is marshalled
// with encoding/json and must give a JSON object; nil sends {}.
// CallWithResult returns the attempts and RequestID with it.
//
// Same signer, credentials, clock, timeouts, cancellation (ctx) and errors
// as ModifyInstanceToken; an API error is a *Error with the service's Code
// and RequestID. The action may not be repeatable (a second
// CreateInstanceToken makes a second token), so only what cannot have been
// processed is retried, and each action has its own rate-limit bucket
// (docs/behaviour.md, "Retries").
func (c *Client) Call(ctx context.Context, action string, params any) (json.RawMessage, error) {
	result, err := c.CallWithResult(ctx, action, params)
	if err != nil {
		return nil, err
	}
	return result.Response, nil
}

// CallWithResult is Call, returning the Response with the RequestID, HTTP
// status and attempts of the call.
func (c *Client) CallWithResult(ctx context.Context, action string, params any) (*CallResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s cStrings
	defer s.free()
	cAction, cParams, err := s.action(action, params)
	if err != nil {
		return nil, err
	}
	out, err := c.invoke(ctx, func(ptr *C.tcr_client, settings *C.tcr_call_settings, out **C.tcr_response) C.tcr_status {
		return C.tcr_call(ptr, cAction, cParams, settings, out)
	})
	if err != nil {
		return nil, err
	}
	defer C.tcr_response_free(out)
	return &CallResult{
		Response:   json.RawMessage(C.GoString(out.response_json)),
		RequestID:  C.GoString(out.request_id),
		HTTPStatus: int(out.http_status),
		Attempts:   int(out.attempts),
	}, nil
}

// action is a generic call's action and params (marshalled to a JSON
// object; nil is {}) as C strings in s.
func (s *cStrings) action(action string, params any) (*C.char, *C.char, error) {
	body := []byte("{}")
	if params != nil {
		var err error
		if body, err = json.Marshal(params); err != nil {
			return nil, nil, invalidArgument("params", err.Error())
		}
	}
	cAction, err := s.add("action", action, false, false)
	if err != nil {
		return nil, nil, err
	}
	cParams, err := s.add("params", string(body), false, false)
	if err != nil {
		return nil, nil, err
	}
	return cAction, cParams, nil
}

// invoke makes one libtcr call that hands out a tcr_response: with ctx's
// deadline and cancellation as the call's settings, the client held open
// (Close waits) during it. On StatusOK it returns the response, which the
// caller reads and frees; otherwise the *Error, the response freed.
func (c *Client) invoke(ctx context.Context, call func(ptr *C.tcr_client, settings *C.tcr_call_settings, out **C.tcr_response) C.tcr_status) (*C.tcr_response, error) {
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
		status = Status(call(ptr, d.settings(&settings, cancel), &out))
	}); err != nil {
		return nil, err
	}
	if status != StatusOK {
		defer C.tcr_response_free(out)
		return nil, d.failure(ctx, status, out.error_code, out.error_message, out.request_id, out.http_status)
	}
	return out, nil
}

// typed is the start of both ModifyInstanceToken calls: ctx not done yet
// (else its error, without calling libtcr), and req's C form in r.
func (s *cStrings) typed(ctx context.Context, req *ModifyInstanceTokenRequest, r *C.tcr_modify_instance_token_request) (*C.tcr_modify_instance_token_request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.request(req, r)
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
