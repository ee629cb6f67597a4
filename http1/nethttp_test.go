package http1

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFromNetHTTP runs a net/http handler on our server.
func TestFromNetHTTP(t *testing.T) {
	std := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Path", r.URL.Path)
		w.Header().Set("Trailer", "X-Done")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, "%s %s %s %q %s", r.Method, r.Host, r.URL.RawQuery, body, r.Header.Get("X-In"))
		w.Header().Set("X-Done", "yes")
	})
	addr := startServer(t, &Server{Handler: FromNetHTTP(std)})
	req, _ := http.NewRequest("POST", "http://"+addr+"/p/q?x=1", strings.NewReader("hi"))
	req.Header.Set("X-In", "in")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := fmt.Sprintf("POST %s x=1 \"hi\" in", addr)
	if resp.StatusCode != 202 || string(b) != want || resp.Header.Get("X-Path") != "/p/q" || resp.Trailer.Get("X-Done") != "yes" {
		t.Errorf("got %d %q %v trailer %v; want 202 %q", resp.StatusCode, b, resp.Header, resp.Trailer, want)
	}
}

// TestToNetHTTP runs our handler inside net/http's server.
func TestToNetHTTP(t *testing.T) {
	ours := HandlerFunc(func(w ResponseWriter, r *Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Host", r.Header.Get("host"))
		w.(TrailerWriter).Trailer().Set("X-T", "1")
		w.WriteHeader(StatusCreated)
		fmt.Fprintf(w, "%s %s %s %q", r.Method, r.Path(), r.RawQuery(), body)
	})
	srv := httptest.NewServer(ToNetHTTP(ours))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/a/b?c=d", "text/plain", strings.NewReader("xyz"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || string(b) != `POST /a/b c=d "xyz"` || resp.Header.Get("X-Host") == "" || resp.Trailer.Get("X-T") != "1" {
		t.Errorf("got %d %q %v %v", resp.StatusCode, b, resp.Header, resp.Trailer)
	}
}
