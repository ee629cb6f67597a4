// Package cputime measures the CPU time the process has used, so that
// benchmarks can report CPU per operation next to wall-clock time: on a
// shared machine the CPU figure moves much less than the wall clock.
package cputime
