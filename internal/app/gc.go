package app

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector target the server runs with
// unless GOGC is set. Trailmark's live heap is small (tens of MB) and almost
// all of a request's allocations die with the request, so collecting half as
// often costs little memory and saves ~15% of the CPU of a page request
// (docs/performance.md).
const DefaultGCPercent = 200

// TuneGC applies DefaultGCPercent when the environment does not set GOGC.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
