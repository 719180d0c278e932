// Command sdkonce makes one ModifyInstanceToken call through the official
// Tencent Cloud Go SDK against $TCR_EMULATOR_URL: the cold-start benchmark's
// reference process.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tcr/v20190924"
)

func main() {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(os.Getenv("TCR_EMULATOR_URL"), "http://")
	cpf.HttpProfile.Scheme = "http"
	c, err := sdk.NewClient(common.NewCredential("AKIDEMULATOR0000000000000000000000000",
		"EmulatorDemoSecretKey000000000000"), "ap-guangzhou", cpf)
	if err == nil {
		req := sdk.NewModifyInstanceTokenRequest()
		req.RegistryId, req.TokenId = common.StringPtr("tcr-12345"), common.StringPtr("2ab3af0d-893d-423f-91b1-27713566f95f")
		req.Enable = common.BoolPtr(true)
		_, err = c.ModifyInstanceToken(req)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
