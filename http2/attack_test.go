package http2

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// rawClient is a hand-driven HTTP/2 client for attacking the server with
// exactly the frames a test wants.
type rawClient struct {
	t    testing.TB
	conn net.Conn
	fr   *Framer
	enc  *hpack.Encoder
	dec  *hpack.Decoder
}

func dialRaw(t testing.TB, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rc := &rawClient{t: t, conn: c, fr: NewFramer(c, c), enc: hpack.NewEncoder(), dec: hpack.NewDecoder(hpack.DefaultTableSize)}
	rc.fr.SetMaxReadFrameSize(MaxMaxFrameSize)
	rc.fr.WriteRaw([]byte(ClientPreface))
	rc.fr.WriteFrame(NewSettingsFrame(false))
	rc.fr.Flush()
	return rc
}

func (rc *rawClient) write(f Frame) {
	rc.t.Helper()
	if err := rc.fr.WriteFrame(f); err != nil {
		rc.t.Fatal(err)
	}
}

func (rc *rawClient) flush() error { return rc.fr.Flush() }

// requestBlock encodes a GET for path.
func (rc *rawClient) requestBlock(path string) []byte {
	r := &http1.Request{Method: http1.MethodGet, Scheme: "http", Target: path, Form: http1.OriginForm, Host: "x"}
	return appendRequestFields(nil, rc.enc, r)
}

func (rc *rawClient) headers(id uint32, block []byte, flags Flags) {
	rc.write(&HeadersFrame{FrameHeader: FrameHeader{Type: FrameHeaders, StreamID: id, Flags: flags}, BlockFragment: block})
}

// readUntil reads frames until match returns true, the connection ends, or
// the deadline passes; it acknowledges the server's SETTINGS on the way.
func (rc *rawClient) readUntil(match func(Frame) bool) (Frame, error) {
	rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := rc.fr.ReadFrame()
		if err != nil {
			return nil, err
		}
		if sf, ok := f.(*SettingsFrame); ok && !sf.IsAck() {
			rc.fr.WriteFrame(NewSettingsFrame(true))
			rc.fr.Flush()
		}
		if match(f) {
			return f, nil
		}
	}
}

func isGoAway(code ErrCode) func(Frame) bool {
	return func(f Frame) bool {
		g, ok := f.(*GoAwayFrame)
		return ok && g.Code == code
	}
}

// checkServerAlive makes a normal request on a fresh connection.
func checkServerAlive(t *testing.T, addr string) {
	t.Helper()
	resp, err := xnetH2CClient().Get("http://" + addr + "/alive")
	if err != nil {
		t.Fatalf("server not responsive after the attack: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d after the attack", resp.StatusCode)
	}
}

func okHandler() http1.Handler {
	return http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) { io.WriteString(w, "ok") })
}

func TestAttackRapidReset(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	s := &Server{MaxConcurrentStreams: 10, Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/alive" {
			io.WriteString(w, "ok")
			return
		}
		select { // a handler that is slow to notice cancellation
		case <-block:
		case <-time.After(2 * time.Second):
		}
	})}
	addr := startH2C(t, s)
	rc := dialRaw(t, addr)
	before := runtime.NumGoroutine()
	for id := uint32(1); id < 2000; id += 2 {
		rc.headers(id, rc.requestBlock("/slow"), FlagEndHeaders|FlagEndStream)
		rc.write(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: id}, Code: ErrCodeCancel})
	}
	rc.flush()
	if _, err := rc.readUntil(isGoAway(ErrCodeEnhanceYourCalm)); err != nil {
		t.Fatalf("no GOAWAY ENHANCE_YOUR_CALM after 1000 rapid resets: %v", err)
	}
	if n := runtime.NumGoroutine() - before; n > 4*10+20 {
		t.Errorf("%d goroutines grew during the attack", n)
	}
	checkServerAlive(t, addr)
}

func TestAttackContinuationFlood(t *testing.T) {
	addr := startH2C(t, &Server{Handler: okHandler()})
	rc := dialRaw(t, addr)
	rc.headers(1, nil, 0)
	junk := bytes.Repeat([]byte{0x40, 0x01, 'a', 0x01, 'b'}, 1000)
	for range 100 {
		rc.write(&ContinuationFrame{FrameHeader: FrameHeader{Type: FrameContinuation, StreamID: 1}, BlockFragment: junk})
		if rc.flush() != nil {
			break
		}
	}
	if _, err := rc.readUntil(isGoAway(ErrCodeEnhanceYourCalm)); err != nil {
		t.Fatalf("no GOAWAY after a CONTINUATION flood: %v", err)
	}
	checkServerAlive(t, addr)
}

func TestAttackHPACKBomb(t *testing.T) {
	addr := startH2C(t, &Server{Handler: okHandler()})
	rc := dialRaw(t, addr)
	// One 4 KB entry in the table, then a block referencing it 4000 times:
	// 16 MB decoded from 4 KB sent.
	big := strings.Repeat("b", 4000)
	first := rc.requestBlock("/")
	first = rc.enc.AppendField(first, hpack.HeaderField{Name: "x-big", Value: big})
	rc.headers(1, first, FlagEndHeaders|FlagEndStream)
	bomb := rc.requestBlock("/")
	for range 4000 {
		bomb = append(bomb, 0x80|62)
	}
	rc.headers(3, bomb, FlagEndHeaders|FlagEndStream)
	rc.flush()
	f, err := rc.readUntil(func(f Frame) bool {
		h, ok := f.(*HeadersFrame)
		return ok && h.StreamID == 3
	})
	if err != nil {
		t.Fatalf("no response to the bomb's stream: %v", err)
	}
	fields, err := rc.dec.DecodeFull(f.(*HeadersFrame).BlockFragment)
	if err != nil || fields[0].Value != "431" {
		t.Errorf("bomb answered with %v, %v; want status 431", fields, err)
	}
	checkServerAlive(t, addr)
}

func TestAttackPingAndSettingsFlood(t *testing.T) {
	addr := startH2C(t, &Server{Handler: okHandler(), MaxQueuedControlFrames: 100})
	rc := dialRaw(t, addr)
	// Flood without ever reading: the acknowledgements pile up.
	var sent int
	for sent = 0; sent < 200000; sent++ {
		if sent%2 == 0 {
			rc.write(&PingFrame{FrameHeader: FrameHeader{Type: FramePing}})
		} else {
			rc.write(NewSettingsFrame(false, Setting{SettingMaxConcurrentStreams, 100}))
		}
		if sent%1000 == 0 {
			rc.conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if rc.flush() != nil {
				break
			}
		}
	}
	// The acknowledgements piled up past the limit: the server gave up on
	// this connection, and only this one.
	if _, err := rc.readUntil(isGoAway(ErrCodeEnhanceYourCalm)); err != nil && !errors.Is(err, io.EOF) && !isReset(err) {
		t.Errorf("after the flood: %v, want GOAWAY ENHANCE_YOUR_CALM", err)
	}
	checkServerAlive(t, addr)
}

func TestAttackNeverOpenedWindow(t *testing.T) {
	s := &Server{WriteTimeout: 300 * time.Millisecond, Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/alive" {
			io.WriteString(w, "ok")
			return
		}
		_, err := w.Write(make([]byte, 1<<20))
		if !errors.Is(err, errWriteTimeout) && !errors.Is(err, ErrStreamClosed) {
			panic("write did not fail on a blocked window: " + errString(err))
		}
	})}
	addr := startH2C(t, s)
	rc := dialRaw(t, addr)
	// A window of zero for every stream, and never a WINDOW_UPDATE.
	rc.write(NewSettingsFrame(false, Setting{SettingInitialWindowSize, 0}))
	rc.headers(1, rc.requestBlock("/big"), FlagEndHeaders|FlagEndStream)
	rc.flush()
	f, err := rc.readUntil(func(f Frame) bool {
		switch f.(type) {
		case *DataFrame, *RSTStreamFrame:
			return true
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	if rst, ok := f.(*RSTStreamFrame); !ok || rst.Code != ErrCodeCancel {
		t.Errorf("got %v before the stream was given up, want RST_STREAM CANCEL and no DATA", f.Header())
	}
	checkServerAlive(t, addr)
}

// isReset reports a connection the server closed with unread data, which
// the kernel turns into a reset.
func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestAttackTooManyStreamsRefused(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := &Server{MaxConcurrentStreams: 3, Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		<-release
	})}
	addr := startH2C(t, s)
	rc := dialRaw(t, addr)
	for id := uint32(1); id <= 9; id += 2 {
		rc.headers(id, rc.requestBlock("/"), FlagEndHeaders|FlagEndStream)
	}
	rc.flush()
	f, err := rc.readUntil(func(f Frame) bool { _, ok := f.(*RSTStreamFrame); return ok })
	if err != nil {
		t.Fatal(err)
	}
	if rst := f.(*RSTStreamFrame); rst.StreamID != 7 || rst.Code != ErrCodeRefusedStream {
		t.Errorf("got RST_STREAM %d %v, want stream 7 REFUSED_STREAM", rst.StreamID, rst.Code)
	}
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name string
		send func(rc *rawClient)
		code ErrCode
	}{
		{"DATA on idle stream", func(rc *rawClient) {
			rc.write(&DataFrame{FrameHeader: FrameHeader{Type: FrameData, StreamID: 5}, Data: []byte("x")})
		}, ErrCodeProtocol},
		{"even stream", func(rc *rawClient) { rc.headers(2, rc.requestBlock("/"), FlagEndHeaders) }, ErrCodeProtocol},
		{"decreasing stream id", func(rc *rawClient) {
			rc.headers(5, rc.requestBlock("/"), FlagEndHeaders|FlagEndStream)
			rc.headers(3, rc.requestBlock("/"), FlagEndHeaders|FlagEndStream)
		}, ErrCodeProtocol},
		{"bad HPACK", func(rc *rawClient) { rc.headers(1, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, FlagEndHeaders) }, ErrCodeCompression},
		{"CONTINUATION interrupted", func(rc *rawClient) {
			rc.headers(1, rc.requestBlock("/"), 0)
			rc.write(&PingFrame{FrameHeader: FrameHeader{Type: FramePing}})
		}, ErrCodeProtocol},
		{"connection window overflow", func(rc *rawClient) {
			rc.write(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: 1<<31 - 1})
		}, ErrCodeFlowControl},
		{"PUSH_PROMISE from client", func(rc *rawClient) {
			rc.write(&PushPromiseFrame{FrameHeader: FrameHeader{Type: FramePushPromise, StreamID: 1, Flags: FlagEndHeaders}, PromisedID: 2})
		}, ErrCodeProtocol},
	}
	addr := startH2C(t, &Server{Handler: okHandler()})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, addr)
			tt.send(rc)
			rc.flush()
			if _, err := rc.readUntil(isGoAway(tt.code)); err != nil {
				t.Errorf("no GOAWAY %v: %v", tt.code, err)
			}
		})
	}
	checkServerAlive(t, addr)
}
