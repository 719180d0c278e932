package tcr_test

import (
	"context"
	"errors"
	"fmt"
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
	fmt.Println("disabled; RequestId has", len(resp.RequestId), "characters")
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
