// Package tcr calls Tencent Cloud TCR (Tencent Container Registry) through
// libtcr: ModifyInstanceToken, which enables, disables or re-describes a
// long-term access credential of a registry instance, and any other TCR
// action by name (Client.Call). The TC3-HMAC-SHA256 signer, validation and
// HTTP core are libtcr's, shared with its C and Python APIs; this package
// only turns Go values into C and back.
//
// A Client is made once with NewClient (credentials from Options or the
// usual chain: environment, profile file, CVM instance role), shared by
// every goroutine, and closed with Close. Each call takes a context: its
// deadline bounds the call and its cancellation ends it within
// milliseconds. Failures are *Error values, matched with errors.As or with
// errors.Is against ErrTimeout, ErrAPI and the other sentinels.
//
// The package needs no libtcr at run time: it links the libtcr.a it ships
// (linux/amd64), or an installed libtcr with the build tag tcr_system.
// Package tcrtest starts the local emulator for tests of your own. The
// rules every call follows (retries, rate limiting, connections, the clock,
// cancellation, redaction) are stated once, in docs/behaviour.md of the
// repository; docs/go.md is the guide.
package tcr
