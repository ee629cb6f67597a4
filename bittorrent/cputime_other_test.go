//go:build !unix

package bittorrent

import "time"

// cpuTime is not measured on this system: the benchmarks report zero CPU.
func cpuTime() time.Duration { return 0 }
