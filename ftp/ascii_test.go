package ftp

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestASCIIEncoder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\nb\n", "a\r\nb\r\n"},
		{"a\r\nb", "a\r\nb"},
		{"\n\n", "\r\n\r\n"},
		{"no newline", "no newline"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		// one byte at a time to cross every buffer boundary
		w := NewASCIIEncoder(&out)
		for i := 0; i < len(tt.in); i++ {
			w.Write([]byte{tt.in[i]})
		}
		if out.String() != tt.want {
			t.Errorf("encode(%q) = %q, want %q", tt.in, out.String(), tt.want)
		}
	}
}

func TestASCIIDecoder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nb\r\n", "a\nb\n"},
		{"a\rb", "a\rb"},
		{"a\r", "a\r"},
		{"\r\r\n", "\r\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		w := NewASCIIDecoder(&out)
		for i := 0; i < len(tt.in); i++ {
			w.Write([]byte{tt.in[i]})
		}
		w.Close()
		if out.String() != tt.want {
			t.Errorf("decode(%q) = %q, want %q", tt.in, out.String(), tt.want)
		}
	}
}

// TestASCIILessonSizes checks the arithmetic of the lesson's transcript
// (CHECKLIST C.1): a 4318-octet file of 170 lines is 4488 octets in TYPE A.
func TestASCIILessonSizes(t *testing.T) {
	line := strings.Repeat("x", 4318/170-1) + "\n" // 25 octets a line
	text := strings.Repeat(line, 170)
	text += strings.Repeat("y", 4318-len(text))
	var out bytes.Buffer
	io.Copy(NewASCIIEncoder(&out), strings.NewReader(text))
	if len(text) != 4318 || out.Len() != 4488 {
		t.Errorf("sizes %d -> %d, want 4318 -> 4488", len(text), out.Len())
	}
}
