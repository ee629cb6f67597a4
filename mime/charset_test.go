package mime

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestPartText(t *testing.T) {
	tests := []struct {
		name, header, body, want string
		err                      error
	}{
		{"default us-ascii", "", "plain", "plain", nil},
		{"utf-8 8bit", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n", "café", "café", nil},
		{"latin-1 quoted-printable", "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n", "caf=E9", "café", nil},
		{"windows-1252 base64", "Content-Type: text/plain; charset=\"windows-1252\"\r\nContent-Transfer-Encoding: base64\r\n", "k3F1b3RlZJQ=", "\u201cquoted\u201d", nil},
		{"koi8-r", "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет", nil},
		{"shift_jis", "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n", "\x93\xfa\x96\x7b", "日本", nil},
		{"gb2312", "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n", "\xd6\xd0\xce\xc4", "中文", nil},
		{"unknown", "Content-Type: text/plain; charset=x-klingon\r\n", "qapla'", "", ErrUnknownCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ParseBytes([]byte(tt.header + "\r\n" + tt.body))
			r, err := m.Text()
			if !errors.Is(err, tt.err) {
				t.Fatalf("Text() error = %v, want %v", err, tt.err)
			}
			if err != nil {
				var ue *UnknownCharsetError
				if !errors.As(err, &ue) || ue.Charset != "x-klingon" || !strings.Contains(err.Error(), "x-klingon") {
					t.Errorf("error %v does not name the charset", err)
				}
				return
			}
			b, err := io.ReadAll(r)
			if err != nil || string(b) != tt.want {
				t.Errorf("Text() = %q, %v; want %q", b, err, tt.want)
			}
		})
	}
}
