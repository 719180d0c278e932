module github.com/tcr-ffi/tcr/tests/gosdk

go 1.22

require (
	github.com/tcr-ffi/tcr/bindings/go v0.0.0
	github.com/tencentcloud/tencentcloud-sdk-go v1.0.162
)

replace github.com/tcr-ffi/tcr/bindings/go => ../../bindings/go
