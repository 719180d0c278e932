// Command wrapperonce makes one ModifyInstanceToken call through the Go
// wrapper against $TCR_EMULATOR_URL: the cold-start benchmark's Go process.
package main

import (
	"context"
	"fmt"
	"os"

	tcr "github.com/tcr-ffi/tcr/bindings/go"
)

func main() {
	c, err := tcr.NewClient(tcr.Options{SecretID: "AKIDEMULATOR0000000000000000000000000",
		SecretKey: "EmulatorDemoSecretKey000000000000", Region: "ap-guangzhou", Endpoint: os.Getenv("TCR_EMULATOR_URL")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	if _, err := c.ModifyInstanceToken(context.Background(), &tcr.ModifyInstanceTokenRequest{
		RegistryId: "tcr-12345", TokenId: "2ab3af0d-893d-423f-91b1-27713566f95f", Enable: tcr.Bool(true)}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
