// Command lifecycle takes a long-term access credential from creation to
// deletion: CreateInstanceToken, ModifyInstanceToken (disable it),
// DescribeInstanceToken (list), DeleteInstanceToken. The three other
// actions go through Client.Call.
//
//	TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... go run ./examples/lifecycle -registry-id tcr-12345
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
)

// The reply shapes this program reads, from Tencent's API documents.
type created struct {
	TokenId, Username, RequestId string
}

type listed struct {
	TotalCount int
	Tokens     []struct {
		Id, Desc string
		Enabled  bool
	}
}

func main() {
	endpoint := flag.String("endpoint", "", "endpoint (default https://tcr.tencentcloudapi.com)")
	region := flag.String("region", "ap-guangzhou", "region")
	registry := flag.String("registry-id", "tcr-12345", "instance ID")
	flag.Parse()
	if err := run(*endpoint, *region, *registry); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(endpoint, region, registry string) error {
	client, err := tcr.NewClient(tcr.Options{
		SecretID:  os.Getenv("TENCENTCLOUD_SECRET_ID"),
		SecretKey: os.Getenv("TENCENTCLOUD_SECRET_KEY"),
		Region:    region,
		Endpoint:  endpoint,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	// Ctrl-C cancels whichever call is running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	raw, err := client.Call(ctx, "CreateInstanceToken", map[string]any{
		"RegistryId": registry, "TokenType": "longterm", "Desc": "made by lifecycle.go"})
	if err != nil {
		return err
	}
	var token created
	if err := json.Unmarshal(raw, &token); err != nil {
		return err
	}
	fmt.Println("created ", token.TokenId, "RequestId", token.RequestId)

	resp, err := client.ModifyInstanceToken(ctx, &tcr.ModifyInstanceTokenRequest{
		RegistryId: registry, TokenId: token.TokenId, Enable: tcr.Bool(false)})
	if err != nil {
		return err
	}
	fmt.Println("disabled", token.TokenId, "RequestId", resp.RequestID)

	if raw, err = client.Call(ctx, "DescribeInstanceToken", map[string]any{"RegistryId": registry}); err != nil {
		return err
	}
	var list listed
	if err := json.Unmarshal(raw, &list); err != nil {
		return err
	}
	for _, t := range list.Tokens {
		state := "enabled"
		if !t.Enabled {
			state = "disabled"
		}
		fmt.Printf("listed   %s %s %q\n", t.Id, state, t.Desc)
	}

	if raw, err = client.Call(ctx, "DeleteInstanceToken", map[string]any{"RegistryId": registry, "TokenId": token.TokenId}); err != nil {
		return err
	}
	var deleted struct{ RequestId string }
	if err := json.Unmarshal(raw, &deleted); err != nil {
		return err
	}
	fmt.Println("deleted ", token.TokenId, "RequestId", deleted.RequestId)
	return nil
}
