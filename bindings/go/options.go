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
	"math"
	"runtime"
	"runtime/cgo"
	"strings"
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
	// plain HTTP only when written. Default: $TCR_ENDPOINT, else
	// https://tcr.tencentcloudapi.com.
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

	// RoleARN is a role to assume (STS AssumeRole) over the credentials the
	// chain found; with OIDCProviderID and WebIdentityTokenFile, the role of
	// explicit workload identity instead. Empty: the role the source names
	// (TENCENTCLOUD_ROLE_ARN, a profile's role_arn), if any.
	RoleARN string
	// RoleSessionName of any role assumed (default "tcr-" and the Unix time).
	RoleSessionName string
	// RoleDuration is the lifetime of a role's keys, 1s to 12h (default 2h),
	// in whole seconds.
	RoleDuration time.Duration
	// OIDCProviderID and WebIdentityTokenFile (read again at each refresh)
	// are explicit workload identity; empty: the TKE_* variables at the end
	// of the chain.
	OIDCProviderID       string
	WebIdentityTokenFile string
	// STSEndpoint is STS's endpoint, the syntax of Endpoint (default:
	// $TCR_STS_ENDPOINT, else sts.tencentcloudapi.com).
	STSEndpoint string
	// TccliDir is tccli's directory (default ~/.tccli).
	TccliDir string
	// CredentialSource takes only this source of the chain: "explicit",
	// "environment", "profile", "tccli", "cvm-role" or "tke-oidc".
	CredentialSource string
}

// DefaultTimeout is the timeout of a call when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

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
		{&o.role_arn, "role_arn", opts.RoleARN, false},
		{&o.role_session_name, "role_session_name", opts.RoleSessionName, false},
		{&o.oidc_provider_id, "oidc_provider_id", opts.OIDCProviderID, false},
		{&o.web_identity_token_file, "web_identity_token_file", opts.WebIdentityTokenFile, false},
		{&o.sts_endpoint, "sts_endpoint", opts.STSEndpoint, false},
		{&o.tccli_dir, "tccli_dir", opts.TccliDir, false},
		{&o.credential_source, "credential_source", opts.CredentialSource, false},
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
	if opts.RoleDuration%time.Second != 0 {
		return nil, invalidArgument("role_duration", "must be whole seconds")
	}
	if o.role_duration_seconds, err = count("role_duration", int(opts.RoleDuration/time.Second)); err != nil {
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
