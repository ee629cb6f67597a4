//go:build !linux

package bittorrent

import "os"

// preallocate reserves disk space on Linux only; elsewhere files grow as
// pieces are written.
func preallocate(*os.File, int64) error { return nil }
