package tcr_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
)

// The endpoint of the local emulator the tests start; leave Endpoint empty
// to call https://tcr.tencentcloudapi.com.
var endpoint = tcr.EmulatorURLForExamples

func ExampleClient_ModifyInstanceToken() {
	client, err := tcr.NewClient(tcr.Options{
		SecretID:  "AKIDGOTEST",            // e.g. os.Getenv("TENCENTCLOUD_SECRET_ID")
		SecretKey: "go-binding-secret-key", // e.g. os.Getenv("TENCENTCLOUD_SECRET_KEY")
		Region:    "ap-guangzhou",
		Endpoint:  endpoint(),
		Timeout:   10 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := client.ModifyInstanceToken(ctx, &tcr.ModifyInstanceTokenRequest{
		RegistryId: "tcr-12345",
		TokenId:    "2ab3af0d-893d-423f-91b1-27713566f95f",
		Enable:     tcr.Bool(false), // sent as "Enable": false
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("disabled; RequestId has", len(resp.RequestID), "characters")
	// Output: disabled; RequestId has 36 characters
}

func ExampleError() {
	client, _ := tcr.NewClient(tcr.Options{
		SecretID: "AKIDGOTEST", SecretKey: "not-the-key", Region: "ap-guangzhou", Endpoint: endpoint(),
	})
	defer client.Close()
	_, err := client.ModifyInstanceToken(context.Background(), &tcr.ModifyInstanceTokenRequest{
		RegistryId: "tcr-12345", TokenId: "2ab3af0d-893d-423f-91b1-27713566f95f", Enable: tcr.Bool(true),
	})
	var e *tcr.Error
	if errors.As(err, &e) && e.Status == tcr.StatusAPIError {
		fmt.Println(e.Code, "with a RequestId:", e.RequestID != "")
	}
	fmt.Println("timeout?", errors.Is(err, tcr.ErrTimeout), "API error?", errors.Is(err, tcr.ErrAPI))
	// Output:
	// AuthFailure.SignatureFailure with a RequestId: true
	// timeout? false API error? true
}

// newExampleClient is the client of the examples below: the emulator's
// test key pair, as an application would pass its own (or none, to use
// the environment, the profile file or the CVM role).
func newExampleClient() *tcr.Client {
	client, err := tcr.NewClient(tcr.Options{
		SecretID: "AKIDGOTEST", SecretKey: "go-binding-secret-key", Region: "ap-guangzhou", Endpoint: endpoint(),
	})
	if err != nil {
		panic(err)
	}
	return client
}

func ExampleClient_Call() {
	client := newExampleClient()
	defer client.Close()
	ctx := context.Background()

	raw, err := client.Call(ctx, "CreateInstanceToken", map[string]any{
		"RegistryId": "tcr-12345", "TokenType": "longterm", "Desc": "made by an example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	var created struct{ TokenId, Token, RequestId string }
	if err := json.Unmarshal(raw, &created); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created a token with a secret:", created.Token != "")

	_, err = client.Call(ctx, "DeleteInstanceToken", map[string]any{"RegistryId": "tcr-12345", "TokenId": created.TokenId})
	fmt.Println("deleted:", err == nil)
	// Output:
	// created a token with a secret: true
	// deleted: true
}

func ExampleClient_CallWithResult() {
	client := newExampleClient()
	defer client.Close()

	result, err := client.CallWithResult(context.Background(), "DescribeInstanceToken", map[string]any{"RegistryId": "tcr-12345"})
	if err != nil {
		fmt.Println(err)
		return
	}
	var listed struct {
		Tokens    []struct{ Id string }
		RequestId string
	}
	if err := json.Unmarshal(result.Response, &listed); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("attempts:", result.Attempts, "same RequestId:", listed.RequestId == result.RequestID)
	// Output: attempts: 1 same RequestId: true
}

func ExampleClient_PrepareModifyInstanceToken() {
	client := newExampleClient()
	defer client.Close()

	// Signed now, sent by an HTTP client of your own within 5 minutes.
	req, err := client.PrepareModifyInstanceToken(context.Background(), &tcr.ModifyInstanceTokenRequest{
		RegistryId: "tcr-12345", TokenId: "2ab3af0d-893d-423f-91b1-27713566f95f", Enable: tcr.Bool(true),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var reply struct {
		Response struct{ Error *struct{ Code string } }
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Header.Get("X-TC-Action"), resp.StatusCode, "error:", reply.Response.Error != nil)
	// Output: ModifyInstanceToken 200 error: false
}
