module github.com/tcr-ffi/tcr/bindings/go

go 1.22

require github.com/tencentcloud/tencentcloud-sdk-go v1.0.162
