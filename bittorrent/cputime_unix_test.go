//go:build unix

package bittorrent

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user plus system CPU time, so the
// benchmarks can report CPU per transfer next to wall-clock throughput (the
// machine may be shared).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
