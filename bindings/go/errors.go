package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"errors"
	"fmt"
)

// Status is libtcr's tcr_status: why a call failed.
type Status int

// The statuses of include/tcr.h; the numbers are stable.
const (
	StatusOK              Status = C.TCR_OK
	StatusInvalidArgument Status = C.TCR_INVALID_ARGUMENT // nothing was sent
	StatusCredentials     Status = C.TCR_CREDENTIALS      // nothing was sent
	StatusNetwork         Status = C.TCR_NETWORK
	StatusTimeout         Status = C.TCR_TIMEOUT
	StatusAPIError        Status = C.TCR_API_ERROR
	StatusProtocol        Status = C.TCR_PROTOCOL
	StatusInternal        Status = C.TCR_INTERNAL
	StatusCancelled       Status = C.TCR_CANCELLED // the caller's context was cancelled
)

// String is the status's C name, e.g. "TCR_TIMEOUT".
func (s Status) String() string {
	return C.GoString(C.tcr_status_name(C.int(s)))
}

// Error is every failure of this package. Use errors.As to read it, or
// errors.Is with the sentinels (ErrTimeout, ErrAPI, ...) to test the kind:
//
//	var e *tcr.Error
//	if errors.As(err, &e) && e.Status == tcr.StatusAPIError { log.Println(e.Code, e.RequestID) }
//	if errors.Is(err, tcr.ErrTimeout) { ... }
//
// Messages never contain the secret key, the session token or a signature.
type Error struct {
	Status Status
	// Code is the service's error code for StatusAPIError (e.g.
	// "AuthFailure.SignatureFailure"), otherwise the status name.
	Code string
	// Message is human-readable: the service's message for API errors.
	Message string
	// RequestID is the service's RequestId, when it sent one.
	RequestID string
	// HTTPStatus is the reply's HTTP status, 0 if none arrived.
	HTTPStatus int
	// cause is the context's error when the caller's context ended the
	// call (context.Canceled or context.DeadlineExceeded).
	cause error
}

func (e *Error) Error() string {
	if e.RequestID != "" {
		return fmt.Sprintf("tcr: [%s] %s (RequestId %s)", e.Code, e.Message, e.RequestID)
	}
	return fmt.Sprintf("tcr: [%s] %s", e.Code, e.Message)
}

// Is reports whether target is a sentinel of the same status.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.sentinel() && t.Status == e.Status
}

// Unwrap gives context.Canceled or context.DeadlineExceeded when the
// caller's context ended the call.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) sentinel() bool { return e.Code == "" && e.Message == "" }

// Sentinels for errors.Is.
var (
	ErrInvalidArgument = &Error{Status: StatusInvalidArgument}
	ErrCredentials     = &Error{Status: StatusCredentials}
	ErrNetwork         = &Error{Status: StatusNetwork}
	ErrTimeout         = &Error{Status: StatusTimeout}
	ErrAPI             = &Error{Status: StatusAPIError}
	ErrProtocol        = &Error{Status: StatusProtocol}
	ErrInternal        = &Error{Status: StatusInternal}
	ErrCancelled       = &Error{Status: StatusCancelled}
)

// ErrClosed is returned by calls on a closed Client. It is an *Error with
// StatusInvalidArgument (nothing was sent), as Python's ClientClosedError
// is a TcrError: code that reads every failure with errors.As reads this
// one too, and errors.Is(err, ErrClosed) and errors.Is(err,
// ErrInvalidArgument) both hold.
var ErrClosed = &Error{Status: StatusInvalidArgument, Code: "TCR_INVALID_ARGUMENT", Message: "the client is closed"}

func invalidArgument(field, reason string) *Error {
	return &Error{Status: StatusInvalidArgument, Code: StatusInvalidArgument.String(),
		Message: fmt.Sprintf("invalid argument %s: %s", field, reason)}
}
