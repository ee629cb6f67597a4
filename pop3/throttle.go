package pop3

import (
	"net"
	"sync"
	"time"
)

// Failed-login throttling across connections: a client that reconnects
// after each failure still waits longer and longer.
const (
	// maxThrottleFactor caps the multiplier of Server.FailedLoginDelay.
	maxThrottleFactor = 16
	// throttleMemory is how long a remote address's failures are remembered.
	throttleMemory = 15 * time.Minute
	// maxThrottleEntries bounds the table; past it, old entries are dropped.
	maxThrottleEntries = 4096
)

// throttle counts failed logins per remote IP address.
type throttle struct {
	mu      sync.Mutex
	entries map[string]throttleEntry
}

type throttleEntry struct {
	failures int
	last     time.Time
}

func remoteIP(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// fail records a failure from ip and returns the number of recent
// failures from it, at most maxThrottleFactor.
func (t *throttle) fail(ip string, now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries == nil {
		t.entries = map[string]throttleEntry{}
	}
	e := t.entries[ip]
	if now.Sub(e.last) > throttleMemory {
		e.failures = 0
	}
	e.failures = min(e.failures+1, maxThrottleFactor)
	e.last = now
	t.entries[ip] = e
	if len(t.entries) > maxThrottleEntries {
		for k, v := range t.entries {
			if now.Sub(v.last) > throttleMemory || k != ip && len(t.entries) > maxThrottleEntries {
				delete(t.entries, k)
			}
		}
	}
	return e.failures
}

// succeed forgets ip's failures.
func (t *throttle) succeed(ip string) {
	t.mu.Lock()
	delete(t.entries, ip)
	t.mu.Unlock()
}
