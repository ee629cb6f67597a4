package http2_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2"
)

// One http1.Handler, served over HTTP/2 (h2c with prior knowledge here),
// and a Client that multiplexes its requests on one connection.
func ExampleServer() {
	srv := &http2.Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		fmt.Fprintf(w, "hello over %v", r.Version)
	})}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	var c http2.Client
	defer c.CloseIdleConnections()
	resp, err := c.Get(context.Background(), "http://"+l.Addr().String()+"/")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK hello over HTTP/2.0
}

// Server push: the handler promises a resource; a client that opted in
// receives it without asking.
func ExampleClient_push() {
	srv := &http2.Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/" {
			w.(http1.Pusher).Push("/app.js", nil)
			io.WriteString(w, `<script src="/app.js"></script>`)
			return
		}
		io.WriteString(w, "console.log('pushed')")
	})}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	pushed := make(chan string, 1)
	c := &http2.Client{Conn: http2.ClientConnOptions{OnPush: func(req *http1.Request, resp *http1.Response) {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pushed <- req.Path() + ": " + string(body)
	}}}
	defer c.CloseIdleConnections()
	resp, _ := c.Get(context.Background(), "http://"+l.Addr().String()+"/")
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println(<-pushed)
	// Output: /app.js: console.log('pushed')
}

// A frame is a 9-byte header and a payload.
func ExampleAppendFrame() {
	f := &http2.DataFrame{
		FrameHeader: http2.FrameHeader{Type: http2.FrameData, Flags: http2.FlagEndStream, StreamID: 1},
		Data:        []byte("hi"),
	}
	wire := http2.AppendFrame(nil, f)
	fmt.Println(hex.EncodeToString(wire[:9]), string(wire[9:]))
	h := http2.ParseFrameHeader(wire)
	fmt.Println(h)
	// Output:
	// 000002000100000001 hi
	// DATA len=2 flags=0x1 stream=1
}
