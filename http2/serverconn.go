package http2

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// initialWindow is every window's size before SETTINGS change it (RFC 9113
// section 6.9.2).
const initialWindow = 65535

// closingWriteTimeout bounds the last writes of a connection that ends.
const closingWriteTimeout = time.Second

// maxBatchBytes bounds the frames the writer gathers before one write.
const maxBatchBytes = 64 << 10

// serverConn is one HTTP/2 connection on the server side. Its reader
// goroutine (serve) reads frames and applies them to the connection state;
// its writer goroutine (writeLoop) owns the HPACK encoder and decides what
// goes out next; each stream's handler runs in a goroutine of its own.
type serverConn struct {
	srv    *Server
	conn   net.Conn
	fr     *Framer
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	hdec   *hpack.Decoder // reader goroutine only
	henc   *hpack.Encoder // writer goroutine only, under mu

	// What we advertise; fixed for the connection's life.
	maxStreams    uint32
	streamWindow  uint32
	maxHeaderList uint32

	// Header block being assembled from HEADERS and CONTINUATION (reader
	// goroutine only).
	hbStream  uint32
	hbFlags   Flags
	hbPrio    PriorityParam
	hbBuf     []byte
	hbFrames  int
	hbPending bool

	writerDone chan struct{}
	wake       chan struct{} // nudges the writer; capacity 1

	mu sync.Mutex
	// spaceCond (on mu) wakes handlers waiting for send buffer space.
	spaceCond sync.Cond
	// Everything below is guarded by mu.
	streams        map[uint32]*serverStream
	openClient     int      // client streams not yet closed: MAX_CONCURRENT_STREAMS counts these
	recentlyClosed []uint32 // ring of closed client streams, for STREAM_CLOSED
	maxClientID    uint32
	nextPushID     uint32
	sendWindow     window
	recv           receiveWindow
	peerWindow     int64 // peer's SETTINGS_INITIAL_WINDOW_SIZE
	peerMaxFrame   uint32
	peerMaxStreams uint32
	peerPush       bool
	control        [][]byte // encoded control frames, in order
	headerQueue    []*headerItem
	sched          *scheduler
	running        int               // handler goroutines running
	queued         []*pendingHandler // streams waiting for a handler slot
	goingAway      bool              // GOAWAY sent: no new streams
	closing        bool              // the connection is ending; the writer flushes and stops
	settingsAcked  bool              // the peer acknowledged our SETTINGS
	settingsTimer  *time.Timer
	pushedActive   int
}

// pendingHandler is a stream whose handler waits for a slot.
type pendingHandler struct {
	s   *serverStream
	req *http1.Request
}

// headerKind is what a queued header block is.
type headerKind uint8

const (
	headersResponse headerKind = iota
	headersInterim
	headersTrailer
	headersPushPromise
)

// headerItem is a header block waiting for the writer, which encodes it:
// HPACK state must follow the order blocks go out in.
type headerItem struct {
	kind      headerKind
	s         *serverStream
	status    http1.Status
	header    http1.Header
	endStream bool
	promised  *serverStream  // PUSH_PROMISE: the reserved stream
	pushReq   *http1.Request // PUSH_PROMISE: the promised request
}

func newServerConn(srv *Server, c net.Conn) *serverConn {
	sc := &serverConn{
		srv:            srv,
		conn:           c,
		fr:             NewFramer(c, c),
		log:            srv.logger().With("remote", c.RemoteAddr().String()),
		hdec:           hpack.NewDecoder(hpack.DefaultTableSize),
		henc:           hpack.NewEncoder(),
		maxStreams:     orDefault(srv.MaxConcurrentStreams, DefaultMaxConcurrentStreams),
		streamWindow:   orDefault(srv.StreamWindow, DefaultStreamWindow),
		maxHeaderList:  orDefault(srv.MaxHeaderListSize, DefaultMaxHeaderListSize),
		writerDone:     make(chan struct{}),
		wake:           make(chan struct{}, 1),
		streams:        make(map[uint32]*serverStream),
		nextPushID:     2,
		sendWindow:     initialWindow,
		peerWindow:     initialWindow,
		peerMaxFrame:   MinMaxFrameSize,
		peerMaxStreams: 1<<31 - 1,
		peerPush:       true,
	}
	sc.spaceCond.L = &sc.mu
	sc.hdec.MaxHeaderListSize = sc.maxHeaderList
	// Until the client acknowledges our SETTINGS, the initial maximum
	// frame size is in force (RFC 9113 section 6.5.3).
	sc.fr.SetMaxReadFrameSize(MinMaxFrameSize)
	connWindow := int64(max(orDefault(srv.ConnWindow, DefaultConnWindow), initialWindow))
	sc.recv = receiveWindow{avail: initialWindow, size: connWindow}
	sc.sched = newScheduler(int(sc.maxStreams)*2 + 100)
	return sc
}

// wakeWriter tells the writer there may be something to send.
func (sc *serverConn) wakeWriter() {
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// queueControl queues an encoded control frame; the caller holds mu. Too
// many waiting means the peer sends faster than it reads: ENHANCE_YOUR_CALM.
func (sc *serverConn) queueControl(f Frame) error {
	if len(sc.control) >= orDefault(sc.srv.MaxQueuedControlFrames, DefaultMaxQueuedControlFrames) {
		return connError(ErrCodeEnhanceYourCalm, "too many control frames queued")
	}
	sc.control = append(sc.control, AppendFrame(nil, f))
	sc.wakeWriter()
	return nil
}

// serve runs the connection: it is the reader goroutine.
func (sc *serverConn) serve(ctx context.Context, opts *ServeConnOptions) {
	sc.ctx, sc.cancel = context.WithCancel(ctx)
	defer sc.cancel()
	go sc.writeLoop()
	err := sc.readLoop(opts)
	sc.shutdown(err)
	// A writer blocked on a peer that does not read gets a moment to send
	// the GOAWAY, not the whole write timeout.
	sc.conn.SetWriteDeadline(time.Now().Add(closingWriteTimeout))
	<-sc.writerDone
	lingerClose(sc.conn)
}

// lingerTimeout bounds how long a closing connection drains what the peer
// still sends.
const lingerTimeout = 500 * time.Millisecond

// lingerClose closes the write side first and reads what the peer still
// sends for a moment: closing with unread data makes the kernel send a
// reset, which can destroy the GOAWAY before the peer reads it.
func lingerClose(c net.Conn) {
	type closeWriter interface{ CloseWrite() error }
	inner := c
	for {
		if cw, ok := inner.(closeWriter); ok {
			cw.CloseWrite()
			c.SetReadDeadline(time.Now().Add(lingerTimeout))
			io.Copy(io.Discard, io.LimitReader(c, 1<<20))
			break
		}
		u, ok := inner.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		inner = u.NetConn()
	}
	c.Close()
}

// readLoop reads and applies frames until the connection fails or ends.
func (sc *serverConn) readLoop(opts *ServeConnOptions) error {
	sc.mu.Lock()
	settings := []Setting{
		{SettingMaxConcurrentStreams, sc.maxStreams},
		{SettingInitialWindowSize, sc.streamWindow},
		{SettingMaxFrameSize, orDefault(sc.srv.MaxReadFrameSize, DefaultMaxReadFrameSize)},
		{SettingMaxHeaderListSize, sc.maxHeaderList},
	}
	if sc.srv.DisablePush {
		settings = append(settings, Setting{SettingEnablePush, 0})
	}
	sc.queueControl(NewSettingsFrame(false, settings...))
	if inc := sc.recv.size - initialWindow; inc > 0 {
		sc.recv.avail += inc
		sc.queueControl(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: uint32(inc)})
	}
	sc.settingsTimer = time.AfterFunc(orDefault(sc.srv.SettingsTimeout, DefaultSettingsTimeout), func() {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if !sc.settingsAcked {
			sc.conn.SetReadDeadline(aLongTimeAgo)
		}
	})
	if opts != nil {
		for _, s := range opts.Settings {
			if err := sc.applySetting(s); err != nil {
				sc.mu.Unlock()
				return err
			}
		}
	}
	sc.mu.Unlock()
	if opts != nil && opts.UpgradeRequest != nil {
		sc.openUpgradeStream(opts.UpgradeRequest, opts.upgradeBody)
	}

	sc.conn.SetReadDeadline(time.Now().Add(orDefault(sc.srv.SettingsTimeout, DefaultSettingsTimeout)))
	var preface [len(ClientPreface)]byte
	if _, err := io.ReadFull(sc.conn, preface[:]); err != nil || string(preface[:]) != ClientPreface {
		return ErrBadPreface
	}
	first := true
	for {
		sc.setReadDeadline()
		f, err := sc.fr.ReadFrame()
		if err != nil {
			var se StreamError
			if errors.As(err, &se) {
				if err := sc.streamError(se); err != nil {
					return err
				}
				continue
			}
			return sc.readError(err)
		}
		if first {
			if sf, ok := f.(*SettingsFrame); !ok || sf.IsAck() {
				return connError(ErrCodeProtocol, "first frame is %v, not SETTINGS", f.Header().Type)
			}
			first = false
		}
		if err := sc.processFrame(f); err != nil {
			var se StreamError
			if errors.As(err, &se) {
				if err := sc.streamError(se); err != nil {
					return err
				}
				continue
			}
			return err
		}
	}
}

// readError turns a read failure into the reason the connection ends.
func (sc *serverConn) readError(err error) error {
	sc.mu.Lock()
	acked, idle := sc.settingsAcked, len(sc.streams) == 0
	sc.mu.Unlock()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if !acked {
			return connError(ErrCodeSettingsTimeout, "SETTINGS not acknowledged")
		}
		if idle {
			return errIdle // idle, or woken by a graceful shutdown
		}
	}
	return err
}

var errIdle = errors.New("http2: idle timeout")

// setReadDeadline applies the idle timeout while no stream is open. It
// runs under mu, like every other deadline change, so it cannot undo the
// wake-up of a graceful shutdown.
func (sc *serverConn) setReadDeadline() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	idle := len(sc.streams) == 0 && sc.running == 0
	switch {
	case idle && sc.goingAway:
		sc.conn.SetReadDeadline(aLongTimeAgo)
	case !sc.settingsAcked:
		// The settings timer cuts the read short if need be.
	case idle:
		sc.conn.SetReadDeadline(time.Now().Add(orDefault(sc.srv.IdleTimeout, DefaultIdleTimeout)))
	default:
		sc.conn.SetReadDeadline(time.Time{})
	}
}

// shutdown ends the connection: a GOAWAY saying why (if it is a protocol
// error or an orderly close), then the writer flushes and stops.
func (sc *serverConn) shutdown(err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.settingsTimer != nil {
		sc.settingsTimer.Stop()
	}
	var ce ConnectionError
	switch {
	case errors.As(err, &ce):
		sc.log.Debug("http2: connection error", "err", err)
		sc.queueGoAwayLocked(ce.Code, ce.Reason)
	case errors.Is(err, errIdle), errors.Is(err, io.EOF):
		sc.queueGoAwayLocked(ErrCodeNo, "")
	case errors.Is(err, ErrBadPreface):
		sc.queueGoAwayLocked(ErrCodeProtocol, "bad preface")
	}
	sc.closing = true
	for _, s := range sc.streams {
		sc.closeStreamLocked(s, errConnClosed)
	}
	for _, p := range sc.queued {
		p.s.cancel()
	}
	sc.queued = nil
	sc.cancel()
	sc.spaceCond.Broadcast()
	sc.wakeWriter()
}

var errConnClosed = errors.New("http2: connection closed")

// queueGoAwayLocked queues a GOAWAY once; the caller holds mu.
func (sc *serverConn) queueGoAwayLocked(code ErrCode, reason string) {
	if sc.goingAway && code == ErrCodeNo {
		return
	}
	sc.goingAway = true
	sc.control = append(sc.control, AppendFrame(nil, &GoAwayFrame{
		FrameHeader: FrameHeader{Type: FrameGoAway}, LastStreamID: sc.maxClientID, Code: code, DebugData: []byte(reason)}))
	sc.wakeWriter()
}

// startGracefulShutdown sends GOAWAY: no new streams; the connection
// closes once the ones in progress finish.
func (sc *serverConn) startGracefulShutdown() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.queueGoAwayLocked(ErrCodeNo, "server shutting down")
	if len(sc.streams) == 0 && sc.running == 0 {
		sc.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// streamError resets one stream; the connection goes on.
func (sc *serverConn) streamError(se StreamError) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s, ok := sc.streams[se.StreamID]; ok {
		sc.closeStreamLocked(s, se)
	}
	return sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: se.StreamID}, Code: se.Code})
}

var aLongTimeAgo = time.Unix(1, 0)
