//go:build !unix

package http2

import "time"

// processCPU is not measured on this system: the benchmarks report zero
// CPU.
func processCPU() time.Duration { return 0 }
