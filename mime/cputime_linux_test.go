package mime

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used (user and system,
// all threads), so benchmarks can report a figure that depends less on
// how busy the machine is than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
