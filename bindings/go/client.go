package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

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

// ClockOffset is what the client adds to the local clock when signing: the
// service's clock minus this host's, learned from the Date header of an
// AuthFailure.SignatureExpire reply (0 until one arrives, and on a closed
// client; docs/behaviour.md, "Clock").
func (c *Client) ClockOffset() time.Duration {
	var offset time.Duration
	_ = c.use(func(ptr *C.tcr_client) {
		offset = time.Duration(C.tcr_client_clock_offset(ptr)) * time.Second
	})
	return offset
}

// CredentialSource says where the client's credentials come from, e.g.
// "environment" or "STS AssumeRole qcs::cam::uin/1:roleName/ci (session
// tcr-...) over environment"; never a secret. Empty on a closed client.
func (c *Client) CredentialSource() string {
	var source string
	_ = c.use(func(ptr *C.tcr_client) {
		text := C.tcr_client_credential_source(ptr)
		defer C.tcr_string_free(text)
		source = C.GoString(text)
	})
	return source
}
