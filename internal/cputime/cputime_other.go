//go:build !unix

package cputime

import "time"

// Process returns 0: this system has no getrusage, so CPU figures read as
// zero.
func Process() time.Duration { return 0 }
