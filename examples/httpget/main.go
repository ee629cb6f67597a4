// Command httpget is a small curl: it fetches each URL with this module's
// http1.Client over one persistent connection per host and writes the
// bodies to standard output.
//
//	go run ./examples/httpget http://127.0.0.1:8080/
//	go run ./examples/httpget -v http://127.0.0.1:8080/a http://127.0.0.1:8080/b
//	go run ./examples/httpget -pipeline http://127.0.0.1:8080/a http://127.0.0.1:8080/b
//	go run ./examples/httpget -http2 -insecure https://127.0.0.1:8443/a https://127.0.0.1:8443/b
//
// With -v the request and response heads go to standard error. With
// -pipeline every URL (all on one host) is requested back to back on one
// connection before any response is read. With -http2 the requests are
// streams multiplexed on one HTTP/2 connection per host, all sent at once
// (h2 over TLS for https URLs, h2c with prior knowledge for http ones);
// the bodies are still written in the order of the URLs.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2"
)

func main() {
	verbose := flag.Bool("v", false, "print request and response heads to standard error")
	pipeline := flag.Bool("pipeline", false, "pipeline all the requests on one connection")
	useHTTP2 := flag.Bool("http2", false, "use HTTP/2: one connection per host, the requests as concurrent streams")
	insecure := flag.Bool("insecure", false, "accept any TLS certificate (for self-signed test servers)")
	timeout := flag.Duration("timeout", 30*time.Second, "overall time limit")
	flag.Parse()
	if flag.NArg() == 0 {
		cli.Fatal("httpget", errors.New("usage: httpget [-v] [-pipeline] [-http2] [-insecure] URL..."))
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	tlsConfig := &tls.Config{InsecureSkipVerify: *insecure}
	var err error
	if *useHTTP2 {
		err = runHTTP2(ctx, flag.Args(), *verbose, tlsConfig)
	} else {
		err = run(ctx, flag.Args(), *verbose, *pipeline, tlsConfig)
	}
	if err != nil {
		cli.Fatal("httpget", err)
	}
}

// runHTTP2 sends every request at once as HTTP/2 streams and shows the
// responses in order.
func runHTTP2(ctx context.Context, urls []string, verbose bool, tlsConfig *tls.Config) error {
	c := &http2.Client{TLSConfig: tlsConfig}
	defer c.CloseIdleConnections()
	type result struct {
		resp *http1.Response
		err  error
	}
	results := make([]chan result, len(urls))
	for i, u := range urls {
		req, err := http1.NewRequest(ctx, http1.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "applayer-httpget/1")
		req.Version = http1.HTTP20
		showRequest(verbose, req)
		results[i] = make(chan result, 1)
		go func() {
			resp, err := c.Do(ctx, req)
			results[i] <- result{resp, err}
		}()
	}
	for _, ch := range results {
		r := <-ch
		if r.err != nil {
			return r.err
		}
		if err := show(verbose, r.resp); err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context, urls []string, verbose, pipeline bool, tlsConfig *tls.Config) error {
	c := &http1.Client{TLSConfig: tlsConfig}
	defer c.CloseIdleConnections()
	var reqs []*http1.Request
	for _, u := range urls {
		req, err := http1.NewRequest(ctx, http1.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "applayer-httpget/1")
		reqs = append(reqs, req)
	}
	if pipeline {
		for _, r := range reqs {
			showRequest(verbose, r)
		}
		resps, err := c.Pipeline(ctx, reqs)
		for _, resp := range resps {
			if perr := show(verbose, resp); perr != nil {
				return perr
			}
		}
		return err
	}
	for _, r := range reqs {
		showRequest(verbose, r)
		resp, err := c.Do(r)
		if err != nil {
			return err
		}
		if err := show(verbose, resp); err != nil {
			return err
		}
	}
	return nil
}

func showRequest(verbose bool, r *http1.Request) {
	if !verbose {
		return
	}
	head, err := http1.AppendRequestHead(nil, r)
	if err == nil {
		fmt.Fprintf(os.Stderr, "> %s", prefixLines(head, "> "))
	}
}

func show(verbose bool, resp *http1.Response) error {
	defer resp.Body.Close()
	if verbose {
		fmt.Fprintf(os.Stderr, "< %s %d %s\n", resp.Version, resp.Status, resp.Reason)
		for name, value := range resp.Header.All() {
			fmt.Fprintf(os.Stderr, "< %s: %s\n", name, value)
		}
		fmt.Fprintln(os.Stderr, "<")
	}
	var dst io.Writer = os.Stdout
	if p := newProgress(resp.ContentLength); p != nil {
		dst = io.MultiWriter(os.Stdout, p)
		defer p.done()
	}
	if _, err := io.Copy(dst, resp.Body); err != nil {
		return err
	}
	if resp.Status >= 400 {
		return fmt.Errorf("%s: %s", resp.Request.Target, resp.Status)
	}
	return nil
}

// prefixLines puts p before every line after the first of a CRLF head.
func prefixLines(head []byte, p string) string {
	var out []byte
	for i, c := range head {
		if c == '\r' {
			continue
		}
		out = append(out, c)
		if c == '\n' && i+1 < len(head) {
			out = append(out, p...)
		}
	}
	return string(out)
}

// progressMin is the size from which a transfer shows progress.
const progressMin = 1 << 20

// progress prints "received N of M bytes" on standard error while a large
// body arrives, when standard error is a terminal.
type progress struct {
	total, n, shown int64
}

func newProgress(total int64) *progress {
	fi, err := os.Stderr.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 || total >= 0 && total < progressMin {
		return nil
	}
	return &progress{total: total}
}

func (p *progress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if p.n-p.shown >= 256<<10 {
		p.shown = p.n
		if p.total > 0 {
			fmt.Fprintf(os.Stderr, "\rreceived %d of %d bytes (%d%%)", p.n, p.total, p.n*100/p.total)
		} else {
			fmt.Fprintf(os.Stderr, "\rreceived %d bytes", p.n)
		}
	}
	return len(b), nil
}

func (p *progress) done() {
	if p.shown > 0 {
		fmt.Fprintf(os.Stderr, "\rreceived %d bytes%20s\n", p.n, "")
	}
}
