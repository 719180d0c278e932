module github.com/tcr-ffi/tcr/bindings/go

go 1.22
