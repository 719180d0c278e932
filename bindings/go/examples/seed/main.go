// Command seed runs the service document's three ModifyInstanceToken
// examples through the Go binding:
//
//	TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... go run ./examples/seed -endpoint http://127.0.0.1:PORT
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
)

func main() {
	endpoint := flag.String("endpoint", "", "endpoint (default https://tcr.tencentcloudapi.com)")
	region := flag.String("region", "ap-guangzhou", "region")
	registry := flag.String("registry-id", "tcr-12345", "instance ID")
	token := flag.String("token-id", "2ab3af0d-893d-423f-91b1-27713566f95f", "long-term access credential ID")
	flag.Parse()

	client, err := tcr.NewClient(tcr.Options{
		SecretID:     os.Getenv("TENCENTCLOUD_SECRET_ID"),
		SecretKey:    os.Getenv("TENCENTCLOUD_SECRET_KEY"),
		SessionToken: os.Getenv("TENCENTCLOUD_SESSION_TOKEN"),
		Region:       *region,
		Endpoint:     *endpoint,
		Timeout:      10 * time.Second,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer client.Close()

	steps := []struct {
		label string
		req   tcr.ModifyInstanceTokenRequest
	}{
		{"Example 1, enable:            ", tcr.ModifyInstanceTokenRequest{Enable: tcr.Bool(true)}},
		{"Example 2, disable:           ", tcr.ModifyInstanceTokenRequest{Enable: tcr.Bool(false)}},
		{"Example 3, description \"aaa\":", tcr.ModifyInstanceTokenRequest{Desc: tcr.String("aaa"), ModifyFlag: tcr.Int64(1)}},
	}
	for _, step := range steps {
		req := step.req
		req.RegistryId, req.TokenId = *registry, *token
		resp, err := client.ModifyInstanceToken(context.Background(), &req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(step.label, "RequestId", resp.RequestID)
	}
}
