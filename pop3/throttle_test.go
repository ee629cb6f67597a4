package pop3

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	var th throttle
	now := time.Unix(1e9, 0)
	for i := 1; i <= maxThrottleFactor+3; i++ {
		if got, want := th.fail("192.0.2.1", now), min(i, maxThrottleFactor); got != want {
			t.Fatalf("failure %d: factor %d, want %d", i, got, want)
		}
	}
	if got := th.fail("192.0.2.2", now); got != 1 {
		t.Errorf("other address: factor %d, want 1", got)
	}
	if got := th.fail("192.0.2.1", now.Add(throttleMemory+time.Second)); got != 1 {
		t.Errorf("after the memory expired: factor %d, want 1", got)
	}
	th.succeed("192.0.2.1")
	if got := th.fail("192.0.2.1", now); got != 1 {
		t.Errorf("after a success: factor %d, want 1", got)
	}
	for i := range maxThrottleEntries + 10 {
		th.fail(string(rune(i)), now)
	}
	if n := len(th.entries); n > maxThrottleEntries {
		t.Errorf("table holds %d entries, want at most %d", n, maxThrottleEntries)
	}
}
