package http1

import (
	"testing"
)

func TestServeMux(t *testing.T) {
	mux := NewServeMux()
	for _, p := range []string{"/", "/static/", "/about", "GET /items", "POST /items", "example.org/", "DELETE /only-delete"} {
		mux.Handle(p, HandlerFunc(func(w ResponseWriter, r *Request) {}))
	}
	tests := []struct {
		method     Method
		host, path string
		want       string
	}{
		{"GET", "h", "/", "/"},
		{"GET", "h", "/nothing", "/"},
		{"GET", "h", "/static/css/a.css", "/static/"},
		{"GET", "h", "/static", "/"},
		{"GET", "h", "/about", "/about"},
		{"GET", "h", "/about/x", "/"},
		{"GET", "h", "/items", "/items"},
		{"HEAD", "h", "/items", "/items"},
		{"POST", "h", "/items", "/items"},
		{"PUT", "h", "/only-delete", "/"}, // "/" matches any method, as in net/http
		{"GET", "example.org:8080", "/x", "/"},
	}
	for _, tt := range tests {
		r := &Request{Method: tt.method, Target: tt.path, Host: tt.host}
		_, got := mux.Handler(r)
		if got != tt.want {
			t.Errorf("%s %s%s matched %q, want %q", tt.method, tt.host, tt.path, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("duplicate pattern did not panic")
		}
	}()
	mux.Handle("/about", NotFoundHandler())
}

func TestServerMux405(t *testing.T) {
	mux := NewServeMux()
	mux.HandleFunc("GET /only", func(w ResponseWriter, r *Request) {})
	addr := startServer(t, &Server{Handler: mux})
	out := rawExchange(t, addr, "PUT /only HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	if want := "HTTP/1.1 405 Method Not Allowed\r\n"; len(out) < len(want) || out[:len(want)] != want || !containsLine(out, "Allow: GET") {
		t.Errorf("405: %q", out)
	}
}

func containsLine(s, line string) bool {
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		l := s[:i]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		if l == line {
			return true
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return false
}
