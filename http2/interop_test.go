package http2

import (
	"crypto/tls"
	"github.com/applayer/applayer/internal/interop"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/applayer/applayer/http1"
	xhttp2 "golang.org/x/net/http2"
)

func TestServerWithXNetClientOverTLS(t *testing.T) {
	addr, pool := startTLS(t, &Server{Handler: helloHandler()})
	c := &http.Client{Transport: &xhttp2.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get("https://" + addr + "/secure")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.TLS == nil || string(body) != "hello /secure "+addr+" 0" {
		t.Errorf("%s %q", resp.Proto, body)
	}
	// A client that offers only http/1.1 gets HTTP/1.1 on the same port.
	h1 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err = h1.Get("https://" + addr + "/old")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 1 || string(body) != "hello /old "+addr+" 0" {
		t.Errorf("fallback: %s %q", resp.Proto, body)
	}
}

func runCurl(t *testing.T, args ...string) (string, string) {
	t.Helper()
	curl := interop.Require(t, "curl")
	cmd := exec.Command(curl, append([]string{"-sS", "--max-time", "10", "-w", "\n%{http_version}"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	s := string(out)
	i := strings.LastIndexByte(s, '\n')
	return s[:i], s[i+1:]
}

func TestCurlInterop(t *testing.T) {
	h2c := startH2C(t, &Server{Handler: helloHandler()})
	tlsAddr, _ := startTLS(t, &Server{Handler: helloHandler()})
	tests := []struct {
		name, wantVersion, wantBody string
		args                        []string
	}{
		{"h2c prior knowledge", "2", "hello /a " + h2c + " 0", []string{"--http2-prior-knowledge", "http://" + h2c + "/a"}},
		{"h2c upgrade", "2", "hello /b " + h2c + " 0", []string{"--http2", "http://" + h2c + "/b"}},
		{"h2c upgrade with body", "2", "hello /c " + h2c + " 5", []string{"--http2", "-d", "hello", "http://" + h2c + "/c"}},
		{"HTTP/1.1 on cleartext", "1.1", "hello /d " + h2c + " 0", []string{"--http1.1", "http://" + h2c + "/d"}},
		{"h2 over TLS", "2", "hello /e " + tlsAddr + " 0", []string{"-k", "--http2", "https://" + tlsAddr + "/e"}},
		{"HTTP/1.1 over TLS", "1.1", "hello /f " + tlsAddr + " 0", []string{"-k", "--http1.1", "https://" + tlsAddr + "/f"}},
		{"h2 POST over TLS", "2", "hello /g " + tlsAddr + " 100000", []string{"-k", "--http2", "--data-binary", "@-", "https://" + tlsAddr + "/g"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if strings.Contains(strings.Join(args, " "), "@-") {
				curl := interop.Require(t, "curl")
				cmd := exec.Command(curl, append([]string{"-sS", "--max-time", "10", "-w", "\n%{http_version}"}, args...)...)
				cmd.Stdin = strings.NewReader(strings.Repeat("z", 100000))
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("curl: %v\n%s", err, out)
				}
				s := string(out)
				i := strings.LastIndexByte(s, '\n')
				if s[:i] != tt.wantBody || s[i+1:] != tt.wantVersion {
					t.Errorf("got %q over HTTP/%s", s[:i], s[i+1:])
				}
				return
			}
			body, version := runCurl(t, args...)
			if body != tt.wantBody || version != tt.wantVersion {
				t.Errorf("got %q over HTTP/%s, want %q over HTTP/%s", body, version, tt.wantBody, tt.wantVersion)
			}
		})
	}
}

func TestNghttpInterop(t *testing.T) {
	nghttp := interop.Require(t, "nghttp")
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/" {
			if p, ok := w.(http1.Pusher); ok {
				p.Push("/style.css", nil)
			}
			io.WriteString(w, `<link rel="stylesheet" href="/style.css">`)
			return
		}
		io.WriteString(w, "body{}")
	})})
	out, err := exec.Command(nghttp, "-nv", "http://"+addr+"/").CombinedOutput()
	if err != nil {
		t.Fatalf("nghttp: %v\n%s", err, out)
	}
	for _, want := range []string{"recv PUSH_PROMISE", "promised_stream_id=2", "recv (stream_id=2) :status: 200", "First push response header", "; First response header"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("nghttp trace lacks %q:\n%s", want, out)
		}
	}
}
