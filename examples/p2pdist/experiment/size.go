package experiment

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize parses a byte count: a plain integer, or one followed by k,
// KiB, m or MiB (powers of 1024), as the program's -F, -u, -us and -dmin
// flags take them.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"k", 1 << 10}, {"K", 1 << 10}, {"m", 1 << 20}, {"M", 1 << 20}} {
		if strings.HasSuffix(t, suf.s) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, suf.s)), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size %q (want for example 1048576, 512KiB or 1MiB)", s)
	}
	return n * mult, nil
}

// FormatSize formats a byte count the way ParseSize reads it.
func FormatSize(b int64) string { return strings.ReplaceAll(size(b), " ", "") }
