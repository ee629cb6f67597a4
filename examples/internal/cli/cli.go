// Package cli holds the few lines every example program shares: the
// "listening on" announcement, signal handling and the one-line failure.
package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownGrace bounds a server's graceful shutdown after a signal.
const ShutdownGrace = 5 * time.Second

// SignalContext returns a context canceled by SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Listening prints the line that tells scripts and people a listener is ready.
func Listening(proto string, addr net.Addr) {
	fmt.Printf("listening on %s %s\n", proto, addr)
}

// Logger returns the programs' logger: text to standard error.
func Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// Fatal prints a one-line error for program prog and exits with status 1.
func Fatal(prog string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
	os.Exit(1)
}

// Server is what Run shuts down: every Server type in this module.
type Server interface {
	Shutdown(ctx context.Context) error
}

// WaitAndShutdown blocks until ctx ends (a signal) or serve fails, then shuts
// srv down within ShutdownGrace. It returns the serve error, if any, other
// than the server-closed error.
func WaitAndShutdown(ctx context.Context, srv Server, serveErr <-chan error, closed error) error {
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if err != nil && !errors.Is(err, closed) {
			return err
		}
		return nil
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	return srv.Shutdown(sctx)
}
