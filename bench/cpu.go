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
// the PostgreSQL backends serving the bench database. On a machine shared
// with other work, wall-clock rates say more about the neighbours than about
// Trailmark; CPU per request says what a dedicated machine would sustain.
type cpuUse struct {
	app      time.Duration
	postgres map[int]time.Duration // by backend pid
}

// sub is c - o, PostgreSQL counted over the backends alive at both reads.
func (c cpuUse) sub(o cpuUse) (app, postgres time.Duration) {
	for pid, t := range c.postgres {
		if t0, ok := o.postgres[pid]; ok {
			postgres += t - t0
		}
	}
	return c.app - o.app, postgres
}

func readCPU(pids []int) cpuUse {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	out := cpuUse{app: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), postgres: map[int]time.Duration{}}
	for _, pid := range pids {
		if t, ok := procCPU(pid); ok {
			out.postgres[pid] = t
		}
	}
	return out
}

// procCPU is the user+system time of a local process.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, false
	}
	f := strings.Fields(s[end+2:])
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * (time.Second / 100), true // USER_HZ
}
