package tcr

/*
#include "tcr.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// LogLevel is the level of a diagnostics line.
type LogLevel int

const (
	LogDebug LogLevel = C.TCR_LOG_DEBUG // one line per HTTP attempt
	LogWarn  LogLevel = C.TCR_LOG_WARN  // e.g. TLS verification turned off
)

// LogFunc receives diagnostics lines; they never hold a secret. It is called
// on the goroutine making the call, possibly on several at once.
type LogFunc func(level LogLevel, line string)

// tcrGoLog is libtcr's log callback; userData carries a cgo.Handle of the
// client's LogFunc.
//
//export tcrGoLog
func tcrGoLog(userData unsafe.Pointer, level C.int, line *C.char) {
	if f, ok := cgo.Handle(uintptr(userData)).Value().(LogFunc); ok {
		f(LogLevel(level), C.GoString(line))
	}
}
