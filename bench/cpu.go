package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is CPU time spent by this process (server and clients) and by
// the local PostgreSQL's processes. On a machine shared with other work,
// wall-clock rates say more about the neighbours than about Trailmark; CPU
// per request says what a dedicated machine would sustain.
type cpuUse struct{ app, postgres time.Duration }

func (c cpuUse) sub(o cpuUse) cpuUse { return cpuUse{c.app - o.app, c.postgres - o.postgres} }

func readCPU() cpuUse {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	app := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpuUse{app: app, postgres: postgresCPU()}
}

// postgresCPU sums user+system time of processes named postgres (a local
// server; it includes other databases' work on a shared server).
func postgresCPU() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || s[open+1:close] != "postgres" {
			continue
		}
		f := strings.Fields(s[close+2:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ
}
