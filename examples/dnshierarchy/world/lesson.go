package world

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/applayer/applayer/dns"
)

// Lesson runs the whole story and prints it: the servers, the iterated and
// recursive resolutions of gaia.cs.umass.edu, the cached answer, expiry, and
// Network Utopia. With short set, the recursive part and the expiry are left out.
func Lesson(ctx context.Context, out io.Writer, short bool) error {
	out = lock(out)
	w, err := Start()
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintf(out, "The hierarchy, every server on port %s of its own loopback address:\n", w.Port)
	for _, s := range w.Servers {
		fmt.Fprintf(out, "  %-30s %-11s %s\n", s.Host, s.Addr, s.Role)
	}

	fmt.Fprintln(out, "\nIterated query: cis.poly.edu asks its local server, which asks root, TLD and authoritative servers in turn:")
	if err := w.Iterated(ctx, out, "gaia.cs.umass.edu.", dns.TypeA); err != nil {
		return err
	}
	if !short {
		fmt.Fprintln(out, "\nRecursive query: each contacted server resolves the name for its asker (heavy load at the upper levels):")
		if err := w.Recursive(ctx, out, "gaia.cs.umass.edu.", dns.TypeA); err != nil {
			return err
		}
	}

	w.Clock.Advance(100 * time.Second)
	fmt.Fprintln(out, "\n100 seconds later cis.poly.edu asks again: the local server answers from its cache, TTL counting down:")
	if err := w.Iterated(ctx, out, "gaia.cs.umass.edu.", dns.TypeA); err != nil {
		return err
	}
	if !short {
		w.Clock.Advance(501 * time.Second)
		fmt.Fprintln(out, "\nAfter the 600-second TTL has passed the entry is gone; the edu referral (TTL 2 days) is still cached, so the root is not asked:")
		if err := w.Iterated(ctx, out, "gaia.cs.umass.edu.", dns.TypeA); err != nil {
			return err
		}
	}

	if !short {
		fmt.Fprintln(out, "\nLoad distribution: web.umass.edu is three replicated servers; the authoritative server rotates their order in each reply:")
		for i := 0; i < 3; i++ {
			m, err := (&dns.Client{}).Exchange(ctx, new(dns.Msg).SetQuestion(dns.MustName("web.umass.edu."), dns.TypeA), w.Addr("127.0.0.13"))
			if err != nil {
				return err
			}
			var order []string
			for _, rr := range m.Answer {
				order = append(order, rr.Data.String())
			}
			fmt.Fprintf(out, "  reply %d: %s\n", i+1, strings.Join(order, ", "))
		}
	}

	fmt.Fprintln(out, "\nNetwork Utopia: the registrar inserts two records into the com TLD server (lesson: dns1 at 212.212.212.1; here 127.0.0.15):")
	lines := []string{
		"networkutopia.com. 172800 IN NS dns1.networkutopia.com.",
		"dns1.networkutopia.com. 172800 IN A 127.0.0.15",
	}
	rc, err := w.Update(ctx, "127.0.0.12", "com.", lines...)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintf(out, "  UPDATE com.: add %s\n", l)
	}
	fmt.Fprintf(out, "  reply: %v\n", rc)
	fmt.Fprintln(out, "and the company puts its Web server, an alias and its mail server into dns1.networkutopia.com:")
	lines = []string{
		"www.networkutopia.com. 3600 IN A 212.212.212.22",
		"www.home.networkutopia.com. 3600 IN CNAME www.networkutopia.com.",
		"networkutopia.com. 3600 IN MX 10 mail.networkutopia.com.",
		"mail.networkutopia.com. 3600 IN A 212.212.212.25",
	}
	if rc, err = w.Update(ctx, "127.0.0.15", "networkutopia.com.", lines...); err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintf(out, "  UPDATE networkutopia.com.: add %s\n", l)
	}
	fmt.Fprintf(out, "  reply: %v\n", rc)
	fmt.Fprintln(out, "\nHow do people get the IP address of the Web site? Through the hierarchy, like any other name:")
	return w.Iterated(ctx, out, "www.home.networkutopia.com.", dns.TypeA)
}
