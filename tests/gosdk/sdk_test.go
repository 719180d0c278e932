package gosdk

// A cross-check with the official Tencent Cloud Go SDK: the emulator accepts
// its requests, and for the service document's three examples its JSON
// bodies and every signed and X-TC-* header (except the timestamp, the
// signature, X-TC-RequestClient and X-TC-TraceId) equal ours.

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
	"github.com/tcr-ffi/tcr/bindings/go/tcrtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tcr/v20190924"
)

var ignoredHeaders = map[string]bool{
	"x-tc-timestamp": true, "x-tc-requestclient": true, "x-tc-traceid": true, "authorization": true,
}

func comparedHeaders(seen tcrtest.Request) map[string]string {
	out := map[string]string{}
	for name, value := range seen.Headers {
		if (strings.HasPrefix(name, "x-tc-") || name == "content-type" || name == "host") && !ignoredHeaders[name] {
			out[name] = value
		}
	}
	return out
}

// decode keeps numbers as json.Number so 1 and 1.0 would differ.
func decode(t *testing.T, body string) map[string]any {
	d := json.NewDecoder(bytes.NewReader([]byte(body)))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return v
}

func TestSameRequestsAsTheOfficialGoSDK(t *testing.T) {
	examples := []struct {
		name string
		sdk  func(*sdk.ModifyInstanceTokenRequest)
		ours tcr.ModifyInstanceTokenRequest
	}{
		{"enable", func(r *sdk.ModifyInstanceTokenRequest) { r.Enable = common.BoolPtr(true) },
			tcr.ModifyInstanceTokenRequest{Enable: tcr.Bool(true)}},
		{"disable", func(r *sdk.ModifyInstanceTokenRequest) { r.Enable = common.BoolPtr(false) },
			tcr.ModifyInstanceTokenRequest{Enable: tcr.Bool(false)}},
		{"description", func(r *sdk.ModifyInstanceTokenRequest) {
			r.Desc = common.StringPtr("aaa")
			r.ModifyFlag = common.Int64Ptr(1)
		}, tcr.ModifyInstanceTokenRequest{Desc: tcr.String("aaa"), ModifyFlag: tcr.Int64(1)}},
	}
	keys := []struct{ id, key, token string }{{testSecretID, testSecretKey, ""}, {tempSecretID, tempSecretKey, tempToken}}
	for _, k := range keys {
		for _, ex := range examples {
			cpf := profile.NewClientProfile()
			cpf.HttpProfile.Endpoint = strings.TrimPrefix(emulator.URL, "http://")
			cpf.HttpProfile.Scheme = "http"
			official, err := sdk.NewClient(common.NewTokenCredential(k.id, k.key, k.token), "ap-guangzhou", cpf)
			if err != nil {
				t.Fatal(err)
			}
			req := sdk.NewModifyInstanceTokenRequest()
			req.RegistryId, req.TokenId = common.StringPtr(testRegistry), common.StringPtr(testToken)
			ex.sdk(req)
			if _, err := official.ModifyInstanceToken(req); err != nil {
				t.Fatalf("%s: the emulator rejected the official SDK: %v", ex.name, err)
			}
			theirs := lastRequest(t)

			// The SDK's profile sends X-TC-Language zh-CN by default; say the same.
			c := newClient(t, tcr.Options{SecretID: k.id, SecretKey: k.key, SessionToken: k.token, Language: cpf.Language})
			if _, err := modify(c, ex.ours); err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			ours := lastRequest(t)

			if theirs.Code != "OK" || ours.Code != "OK" {
				t.Errorf("%s: codes %s / %s", ex.name, theirs.Code, ours.Code)
			}
			if a, b := decode(t, ours.Body), decode(t, theirs.Body); !reflect.DeepEqual(a, b) {
				t.Errorf("%s: body %s, official SDK %s", ex.name, ours.Body, theirs.Body)
			}
			if a, b := comparedHeaders(ours), comparedHeaders(theirs); !reflect.DeepEqual(a, b) {
				t.Errorf("%s: headers %v, official SDK %v", ex.name, a, b)
			}
			if _, ok := comparedHeaders(ours)["x-tc-region"]; !ok {
				t.Errorf("%s: no X-TC-Region compared", ex.name)
			}
		}
	}
}
