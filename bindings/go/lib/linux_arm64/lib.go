// Package linuxarm64 holds libtcr.a for linux/arm64, which cgo links the
// tcr package with. It has no Go code: the tcr package imports it for its
// side effect, so that `go mod vendor`, which copies only the directories
// of imported packages, keeps the library.
package linuxarm64
