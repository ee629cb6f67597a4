package world

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/loopback"
)

func TestLesson(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := Lesson(ctx, &out, false)
	if errors.Is(err, loopback.ErrNoAlias) {
		t.Skipf("the hierarchy needs loopback addresses this machine lacks: %v", err)
	}
	if err != nil {
		t.Fatalf("Lesson: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"3. a.root-servers.net -> dns.poly.edu: I don't know, ask the edu. servers: a.edu-servers.net.",
		"5. a.edu-servers.net -> dns.poly.edu: I don't know, ask the umass.edu. servers: dns.cs.umass.edu.",
		"7. dns.cs.umass.edu -> dns.poly.edu: answer: A 128.119.245.12 (authoritative: true)",
		"8. dns.poly.edu -> cis.poly.edu: answer: A 128.119.245.12",
		"3. a.root-servers.net -> a.edu-servers.net: gaia.cs.umass.edu. A? (recursive query)",
		"dns.poly.edu finds gaia.cs.umass.edu. A in its cache",
		"gaia.cs.umass.edu.\t500\tIN\tA\t128.119.245.12",
		"2. dns.poly.edu -> dns.cs.umass.edu (umass.edu. server): gaia.cs.umass.edu. A?",
		"www.networkutopia.com.\t3600\tIN\tA\t212.212.212.22",
		"reply 2: 128.119.103.2, 128.119.103.3, 128.119.103.1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
