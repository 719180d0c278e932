package tcr

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	testRole       = "qcs::cam::uin/100000000001:roleName/go-deployer"
	testProvider   = "go-oidc-provider"
	testOIDCToken  = "eyJhbGciOiJSUzI1NiJ9.go-projected-token.sig"
	testWrongToken = "eyJhbGciOiJSUzI1NiJ9.go-wrong-token.sig"
)

// stsEmulator is an emulator that also serves STS for testRole.
func stsEmulator(t *testing.T) string {
	t.Helper()
	emu, err := startEmulator("--sts-role", testRole, "--oidc-provider", testProvider,
		"--oidc-role", testRole, "--oidc-token", testOIDCToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	return emu.URL
}

// cleanCredentialEnvironment leaves no real credential source around.
func cleanCredentialEnvironment(t *testing.T) {
	for _, name := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_ROLE_ARN",
		"TCCLI_PROFILE", "TKE_REGION", "TKE_PROVIDER_ID", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN", "TCR_ENDPOINT"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	t.Setenv("HOME", t.TempDir())
}

func enableOnce(c *Client) error {
	_, err := c.ModifyInstanceToken(context.Background(), &ModifyInstanceTokenRequest{
		RegistryId: testRegistry, TokenId: testToken, Enable: Bool(true)})
	return err
}

func TestATKEPod(t *testing.T) {
	url := stsEmulator(t)
	cleanCredentialEnvironment(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(testOIDCToken), 0o600); err != nil {
		t.Fatal(err)
	}
	// What TKE's workload identity sets in the pod.
	t.Setenv("TKE_REGION", "ap-guangzhou")
	t.Setenv("TKE_PROVIDER_ID", testProvider)
	t.Setenv("TKE_WEB_IDENTITY_TOKEN_FILE", tokenFile)
	t.Setenv("TKE_ROLE_ARN", testRole)
	t.Setenv("TCR_ENDPOINT", url)
	c, err := NewClient(Options{Region: "ap-guangzhou", STSEndpoint: url, DisableMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if source := c.CredentialSource(); !strings.HasPrefix(source, "TKE OIDC (TKE_* environment)") || strings.Contains(source, testOIDCToken) {
		t.Fatalf("source %q", source)
	}
	if err := enableOnce(c); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if c.CredentialSource() != "" {
		t.Fatal("a closed client has no source")
	}
}

func TestARoleAssumingJob(t *testing.T) {
	url := stsEmulator(t)
	cleanCredentialEnvironment(t)
	t.Setenv("TENCENTCLOUD_SECRET_ID", testSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", testSecretKey)
	c, err := NewClient(Options{Region: "ap-guangzhou", Endpoint: url, STSEndpoint: url, DisableMetadata: true,
		RoleARN: testRole, RoleSessionName: "go-job", RoleDuration: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if want := "STS AssumeRole " + testRole + " (session go-job) over environment"; c.CredentialSource() != want {
		t.Fatalf("source %q, want %q", c.CredentialSource(), want)
	}
	for i := 0; i < 3; i++ {
		if err := enableOnce(c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewClient(Options{Region: "ap-guangzhou", Endpoint: url, RoleARN: testRole, RoleDuration: 1500 * time.Millisecond}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a role duration of 1.5 s: %v", err)
	}
}

func TestAWrongWebIdentityTokenIsACredentialsErrorWithoutTheToken(t *testing.T) {
	url := stsEmulator(t)
	cleanCredentialEnvironment(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(testWrongToken), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewClient(Options{Region: "ap-guangzhou", Endpoint: url, STSEndpoint: url,
		OIDCProviderID: testProvider, WebIdentityTokenFile: tokenFile, RoleARN: testRole, CredentialSource: "explicit"})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusCredentials || !strings.Contains(e.Message, "WebIdentityTokenError") {
		t.Fatalf("%v", err)
	}
	if strings.Contains(err.Error(), "go-wrong-token") {
		t.Fatalf("the token is in the message: %v", err)
	}
}
