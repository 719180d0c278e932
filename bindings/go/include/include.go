// Package include holds tcr.h, the header cgo compiles the tcr package
// with. It has no Go code: the tcr package imports it for its side effect,
// so that `go mod vendor`, which copies only the directories of imported
// packages, keeps the header.
package include
