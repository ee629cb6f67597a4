package experiment

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
)

// filePath is the URL path the client-server design serves the file at.
const filePath = "/file"

// RunClientServer measures the client-server design: an http1 server whose
// connections share one upload bucket of p.Us sends data to n clients that
// all start at once, each downloading through its own bucket of p.Dmin.
// The result is the time until the last client holds a byte-identical copy.
func RunClientServer(ctx context.Context, p Params, data []byte, n int) (time.Duration, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	serverLimits := Limits{Up: NewBucket(p.Us)}
	srv := &http1.Server{
		Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
			if r.Target != filePath {
				http1.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			_, _ = w.Write(data)
		}),
		// A write may wait for tokens a long time when many clients
		// share the bucket; the per-write timeout must not cut it off.
		WriteTimeout: -1,
		Logger:       slog.New(slog.DiscardHandler),
	}
	go srv.Serve(serverLimits.Listener(ctx, l))
	defer srv.Close()
	url := "http://" + l.Addr().String() + filePath

	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = download(ctx, url, Limits{Down: NewBucket(p.Dmin)}, data)
			if errs[i] != nil {
				cancel() // one failure ends the run
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i, err := range errs {
		if err != nil {
			return 0, fmt.Errorf("client %d: %w", i+1, err)
		}
	}
	return elapsed, nil
}

// download fetches url through a client limited by lim and checks that
// the body equals want.
func download(ctx context.Context, url string, lim Limits, want []byte) error {
	c := &http1.Client{DialContext: lim.Dial(ctx)}
	defer c.CloseIdleConnections()
	resp, err := c.Get(ctx, url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.Status != 200 {
		return fmt.Errorf("GET %s: %d %s", url, resp.Status, resp.Reason)
	}
	got, err := io.ReadAll(io.LimitReader(resp.Body, int64(len(want))+1))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("downloaded %d bytes that differ from the %d-byte source", len(got), len(want))
	}
	return nil
}
