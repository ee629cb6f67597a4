package textwire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzReadLine(f *testing.F) {
	for _, s := range []string{"a\r\nb\r\n", "\n", "x\r", "..\r\n.\r\n", "250-a\r\n250 b\r\n"} {
		f.Add([]byte(s), 16, false)
	}
	f.Fuzz(func(t *testing.T, in []byte, limit int, bareLF bool) {
		limit = 3 + (limit&0xff+256)%256
		r := NewReader(bytes.NewReader(in), limit)
		r.AllowBareLF = bareLF
		for range len(in) + 1 {
			line, err := r.ReadLine()
			if err == nil && len(line)+1 > limit {
				t.Fatalf("line of %d bytes passed limit %d", len(line), limit)
			}
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return
			}
		}
	})
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"250 OK\r\n", "250-a\r\n250 b\r\n", "211-x\r\n y\r\n211 end\r\n", "999 x\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in), 0)
		reply, err := r.ReadReply()
		if err != nil {
			return
		}
		if reply.Code < 100 || reply.Code > 599 {
			t.Fatalf("code %d out of range", reply.Code)
		}
		// A parsed reply formats to a reply that parses to the same code.
		again, err := NewReader(bytes.NewReader(AppendReply(nil, reply.Code, reply.Lines...)), 0).ReadReply()
		if err != nil || again.Code != reply.Code {
			t.Fatalf("reformatted reply: %v, %v", again, err)
		}
	})
}

func FuzzDotReader(f *testing.F) {
	for _, s := range []string{"a\r\n.\r\n", "..b\r\n.\r\n", "x\r\n"} {
		f.Add([]byte(s), int64(0))
	}
	f.Fuzz(func(t *testing.T, in []byte, max int64) {
		r := NewReader(bytes.NewReader(in), 64)
		got, err := io.ReadAll(r.DotReader(max % 4096))
		if max%4096 > 0 && int64(len(got)) > max%4096 {
			t.Fatalf("read %d bytes past the %d limit", len(got), max%4096)
		}
		_ = err
	})
}
