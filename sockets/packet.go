package sockets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
)

// Defaults of [PacketServer].
const (
	// DefaultMaxPacketSize is the largest datagram a PacketServer accepts:
	// the largest UDP payload over IPv4.
	DefaultMaxPacketSize = 65535
	// MinWorkers is the smallest default worker pool.
	MinWorkers = 4
)

// DefaultWorkers returns the default size of a PacketServer's worker pool:
// twice GOMAXPROCS, and at least MinWorkers.
func DefaultWorkers() int { return max(MinWorkers, 2*runtime.GOMAXPROCS(0)) }

// ErrTruncated reports a datagram larger than the buffer it was read into.
// UDP delivers a datagram whole or not at all, so the tail that did not fit
// is lost: the reader must treat the datagram as unusable.
var ErrTruncated = errors.New("sockets: datagram truncated")

// TruncatedError is returned by [ReadPacket] for a datagram that did not fit.
// errors.Is(err, ErrTruncated) holds.
type TruncatedError struct {
	BufferSize int      // the size of the buffer the datagram was read into
	Addr       net.Addr // who sent it
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("sockets: datagram from %v larger than the %d-byte receive buffer", e.Addr, e.BufferSize)
}

// Is makes errors.Is(err, ErrTruncated) hold.
func (e *TruncatedError) Is(target error) bool { return target == ErrTruncated }

// ReadPacket reads one datagram into buf and reports, rather than hides, a
// datagram that was larger than buf: the kernel drops the excess silently
// unless asked. On a *net.UDPConn it asks (the MSG_TRUNC flag of recvmsg);
// on other PacketConns a datagram that fills buf exactly is taken to be
// truncated, so size buf one byte over the largest datagram you accept.
func ReadPacket(pc net.PacketConn, buf []byte) (n int, addr net.Addr, err error) {
	if uc, ok := pc.(*net.UDPConn); ok {
		n, _, flags, uaddr, err := uc.ReadMsgUDP(buf, nil)
		if datagramTruncated(flags, err) {
			return n, uaddr, &TruncatedError{BufferSize: len(buf), Addr: uaddr}
		}
		if err != nil {
			return n, nil, err
		}
		return n, uaddr, nil
	}
	n, addr, err = pc.ReadFrom(buf)
	if err == nil && n == len(buf) {
		return n, addr, &TruncatedError{BufferSize: len(buf), Addr: addr}
	}
	return n, addr, err
}

// Packet is one received datagram.
type Packet struct {
	// Data is the datagram's payload. It is valid only until ServePacket
	// returns; copy it to keep it.
	Data []byte
	// Addr is the sender's address, where a reply goes.
	Addr net.Addr
}

// PacketWriter sends datagrams from the socket a packet arrived on.
type PacketWriter interface {
	WriteTo(b []byte, addr net.Addr) (int, error)
	LocalAddr() net.Addr
}

// PacketHandler serves one datagram. It may reply through w. Calls run
// concurrently on the server's workers; ctx is canceled at shutdown.
type PacketHandler interface {
	ServePacket(ctx context.Context, w PacketWriter, p *Packet)
}

// PacketHandlerFunc adapts a function to a [PacketHandler].
type PacketHandlerFunc func(ctx context.Context, w PacketWriter, p *Packet)

// ServePacket calls f(ctx, w, p).
func (f PacketHandlerFunc) ServePacket(ctx context.Context, w PacketWriter, p *Packet) { f(ctx, w, p) }

var _ PacketHandler = PacketHandlerFunc(nil)

// PacketServer is the UDP serve loop: a bounded pool of workers that read
// datagrams from one socket and hand each to the Handler. UDP has no
// connections, so there is nothing to accept and nothing to track: one
// socket serves every client, and the sender's address travels with each
// datagram.
//
// The zero value is ready to use once Handler is set.
type PacketServer struct {
	// Handler serves each datagram.
	Handler PacketHandler

	// Workers is the number of datagrams served at once. Zero means
	// DefaultWorkers().
	Workers int

	// MaxPacketSize is the largest datagram accepted. A larger one is
	// dropped and logged, never handed on truncated. Zero means
	// DefaultMaxPacketSize.
	MaxPacketSize int

	// Logger receives dropped datagrams and panics. Nil means slog.Default().
	Logger *slog.Logger

	mu       sync.Mutex
	conns    map[net.PacketConn]context.CancelFunc
	closed   bool
	workers  sync.WaitGroup
	stopping atomic.Bool
}

func (s *PacketServer) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// ListenAndServe listens on the UDP network address addr and serves it.
func (s *PacketServer) ListenAndServe(network, addr string) error {
	pc, err := net.ListenPacket(network, addr)
	if err != nil {
		return err
	}
	return s.Serve(pc)
}

// Serve reads datagrams from pc with a pool of workers until pc fails or the
// server is shut down, and always closes pc. After Shutdown or Close it
// returns ErrServerClosed.
func (s *PacketServer) Serve(pc net.PacketConn) error {
	if s.Handler == nil {
		pc.Close()
		return errors.New("sockets: PacketServer.Handler is nil")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		pc.Close()
		return ErrServerClosed
	}
	if s.conns == nil {
		s.conns = make(map[net.PacketConn]context.CancelFunc)
	}
	s.conns[pc] = cancel
	n := s.Workers
	if n <= 0 {
		n = DefaultWorkers()
	}
	s.workers.Add(n)
	s.mu.Unlock()

	size := s.MaxPacketSize
	if size <= 0 {
		size = DefaultMaxPacketSize
	}
	errs := make(chan error, n)
	for range n {
		go func() {
			defer s.workers.Done()
			errs <- s.work(ctx, pc, size)
		}()
	}
	var first error
	for range n {
		if err := <-errs; first == nil {
			first = err
		}
		// One worker's fatal error stops the others.
		cancel()
		pc.SetReadDeadline(aLongTimeAgo)
	}
	s.mu.Lock()
	delete(s.conns, pc)
	s.mu.Unlock()
	pc.Close()
	if s.stopping.Load() {
		return ErrServerClosed
	}
	return first
}

// work is one worker's loop.
func (s *PacketServer) work(ctx context.Context, pc net.PacketConn, size int) error {
	buf := make([]byte, size)
	for {
		if ctx.Err() != nil {
			return nil
		}
		n, addr, err := ReadPacket(pc, buf)
		if errors.Is(err, ErrTruncated) {
			s.logger().Warn("sockets: dropping oversized datagram", "remote", fmt.Sprint(addr), "max", size)
			continue
		}
		if err != nil {
			if ctx.Err() != nil || s.stopping.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, syscall.ECONNREFUSED) {
				// An ICMP port unreachable for an earlier reply; not ours to fix.
				continue
			}
			return err
		}
		s.serve(ctx, pc, &Packet{Data: buf[:n], Addr: addr})
	}
}

func (s *PacketServer) serve(ctx context.Context, w PacketWriter, p *Packet) {
	defer func() {
		if r := recover(); r != nil {
			s.logger().Error("sockets: panic serving datagram",
				"remote", fmt.Sprint(p.Addr), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	s.Handler.ServePacket(ctx, w, p)
}

// stop marks the server closed and wakes its workers.
func (s *PacketServer) stop() {
	s.stopping.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for pc, cancel := range s.conns {
		cancel()
		pc.SetReadDeadline(aLongTimeAgo)
	}
}

// Shutdown stops reading new datagrams, lets the handlers in progress
// finish, and closes the sockets. If ctx ends first it closes the sockets
// at once and returns ctx.Err().
func (s *PacketServer) Shutdown(ctx context.Context) error {
	s.stop()
	done := make(chan struct{})
	go func() {
		s.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close closes the sockets at once and waits for the workers to return.
func (s *PacketServer) Close() error {
	s.stop()
	s.closeConns()
	s.workers.Wait()
	return nil
}

func (s *PacketServer) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pc := range s.conns {
		pc.Close()
	}
}

// LocalAddrs returns the addresses of the sockets being served.
func (s *PacketServer) LocalAddrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	var addrs []net.Addr
	for pc := range s.conns {
		addrs = append(addrs, pc.LocalAddr())
	}
	return addrs
}
