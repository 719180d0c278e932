package gosdk

// Side-by-side benchmarks of this wrapper and the official Go SDK against the
// same emulator (`make bench` passes TCR_BENCH_EMULATOR_URL). Each reports
// calls/s; the 8-goroutine variants share one client.

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tcr/v20190924"
)

const benchID, benchKey = testSecretID, testSecretKey

// runSplit makes b.N calls of call from `workers` goroutines and reports calls/s.
func runSplit(b *testing.B, workers int, call func() error) {
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N / workers
	for w := 0; w < workers; w++ {
		n := per
		if w == 0 {
			n += b.N % workers
		}
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		}(n)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

func benchWrapper(b *testing.B, workers int) {
	c, err := tcr.NewClient(tcr.Options{SecretID: benchID, SecretKey: benchKey, Region: "ap-guangzhou",
		Endpoint: emulator.URL, RateLimit: tcr.Float64(0)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := &tcr.ModifyInstanceTokenRequest{RegistryId: testRegistry, TokenId: testToken, Enable: tcr.Bool(true)}
	runSplit(b, workers, func() error {
		_, err := c.ModifyInstanceToken(context.Background(), req)
		return err
	})
}

// officialRequest is the seed's first example in the official SDK's model.
func officialRequest() *sdk.ModifyInstanceTokenRequest {
	req := sdk.NewModifyInstanceTokenRequest()
	req.RegistryId, req.TokenId, req.Enable = common.StringPtr(testRegistry), common.StringPtr(testToken), common.BoolPtr(true)
	return req
}

func benchOfficial(b *testing.B, workers int) {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(emulator.URL, "http://")
	cpf.HttpProfile.Scheme = "http"
	c, err := sdk.NewClient(common.NewCredential(benchID, benchKey), "ap-guangzhou", cpf)
	if err != nil {
		b.Fatal(err)
	}
	runSplit(b, workers, func() error {
		req := officialRequest()
		_, err := c.ModifyInstanceToken(req)
		return err
	})
}

func BenchmarkCompareWrapper1(b *testing.B)  { benchWrapper(b, 1) }
func BenchmarkCompareWrapper8(b *testing.B)  { benchWrapper(b, 8) }
func BenchmarkCompareOfficial1(b *testing.B) { benchOfficial(b, 1) }
func BenchmarkCompareOfficial8(b *testing.B) { benchOfficial(b, 8) }

// cannedReply answers every request in memory with the service's success
// reply, so that a benchmark measures only the client's own work.
type cannedReply struct{}

func (cannedReply) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	const body = `{"Response":{"RequestId":"6cd302c6-c4c9-425a-8d07-8c59b7f4cf3f"}}`
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": []string{"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
}

// BenchmarkOfficialInMemory: the official SDK's whole client-side call
// (request model, JSON, TC3 signing, http.Request, reply parsing) with no
// network. `make bench-sign` profiles it to find the share of its signing
// code; the benchmark alone bounds that code from above.
func BenchmarkOfficialInMemory(b *testing.B) {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = "tcr.tencentcloudapi.com"
	c, err := sdk.NewClient(common.NewCredential(benchID, benchKey), "ap-guangzhou", cpf)
	if err != nil {
		b.Fatal(err)
	}
	c.WithHttpTransport(cannedReply{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := officialRequest()
		if _, err := c.ModifyInstanceToken(req); err != nil {
			b.Fatal(err)
		}
	}
}
