package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"context"
	"errors"
	"time"
	"unsafe"
)

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
