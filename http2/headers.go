package http2

import (
	"errors"
	"strconv"
	"strings"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// Errors of the header mapping (RFC 9113 section 8.2 and 8.3). Each one
// makes the message malformed: a stream error of type PROTOCOL_ERROR.
var (
	ErrUppercaseField     = errors.New("http2: field name with an uppercase letter")
	ErrConnectionSpecific = errors.New("http2: connection-specific header field")
	ErrPseudoAfterRegular = errors.New("http2: pseudo-header field after a regular field")
	ErrBadPseudo          = errors.New("http2: unknown, repeated or misplaced pseudo-header field")
	ErrMissingPseudo      = errors.New("http2: required pseudo-header field missing")
	ErrBadFieldValue      = errors.New("http2: field value with a forbidden character")
)

// connectionSpecific are the HTTP/1 fields that make no sense over one
// multiplexed connection (RFC 9113 section 8.2.2).
func connectionSpecific(name string) bool {
	switch name {
	case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// checkFieldName enforces lowercase names made of token characters.
func checkFieldName(name []byte) error {
	if len(name) == 0 {
		return ErrBadPseudo
	}
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			return ErrUppercaseField
		}
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return http1.ErrBadFieldName
		}
	}
	return nil
}

// checkFieldValue rejects NUL, CR and LF, and leading or trailing white
// space (RFC 9113 section 8.2.1).
func checkFieldValue(v []byte) error {
	for _, c := range v {
		if c == 0 || c == '\r' || c == '\n' {
			return ErrBadFieldValue
		}
	}
	if n := len(v); n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n-1] == ' ' || v[n-1] == '\t') {
		return ErrBadFieldValue
	}
	return nil
}

// decodeRequest builds a request from a decoded header block.
func decodeRequest(fields []hpack.Field) (*http1.Request, error) {
	r := &http1.Request{Version: http1.HTTP20, ContentLength: -1}
	var path, authority string
	var sawMethod, sawScheme, sawPath, regular bool
	for _, f := range fields {
		if len(f.Name) > 0 && f.Name[0] == ':' {
			if regular {
				return nil, ErrPseudoAfterRegular
			}
			switch string(f.Name) {
			case ":method":
				if sawMethod || len(f.Value) == 0 {
					return nil, ErrBadPseudo
				}
				sawMethod, r.Method = true, http1.Method(string(f.Value))
			case ":scheme":
				if sawScheme {
					return nil, ErrBadPseudo
				}
				sawScheme, r.Scheme = true, string(f.Value)
			case ":path":
				if sawPath || len(f.Value) == 0 {
					return nil, ErrBadPseudo
				}
				sawPath, path = true, string(f.Value)
			case ":authority":
				if authority != "" {
					return nil, ErrBadPseudo
				}
				authority = string(f.Value)
			default:
				return nil, ErrBadPseudo
			}
			continue
		}
		regular = true
		if err := checkFieldName(f.Name); err != nil {
			return nil, err
		}
		name := commonName(f.Name)
		if connectionSpecific(name) {
			return nil, ErrConnectionSpecific
		}
		if name == "te" && string(f.Value) != "trailers" {
			return nil, ErrConnectionSpecific
		}
		if err := checkFieldValue(f.Value); err != nil {
			return nil, err
		}
		r.Header.Add(name, string(f.Value))
	}
	if !sawMethod {
		return nil, ErrMissingPseudo
	}
	if r.Method == http1.MethodConnect {
		// CONNECT carries only :method and :authority (section 8.5).
		if sawScheme || sawPath || authority == "" {
			return nil, ErrBadPseudo
		}
		r.Target, r.Form, r.Host = authority, http1.AuthorityForm, authority
	} else {
		if !sawScheme || !sawPath {
			return nil, ErrMissingPseudo
		}
		r.Target = path
		r.Form = http1.OriginForm
		if path == "*" {
			r.Form = http1.AsteriskForm
		}
		r.Host = authority
		if r.Host == "" {
			r.Host = r.Header.Get("host")
		}
	}
	if cl := r.Header.Get("content-length"); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 {
			return nil, http1.ErrBadContentLength
		}
		r.ContentLength = n
	}
	return r, nil
}

// appendRequestFields encodes a request's header block.
func appendRequestFields(dst []byte, enc *hpack.Encoder, r *http1.Request) []byte {
	dst = enc.AppendField(dst, hpack.HeaderField{Name: ":method", Value: string(r.Method)})
	if r.Method != http1.MethodConnect {
		scheme := r.Scheme
		if scheme == "" {
			scheme = "https"
		}
		dst = enc.AppendField(dst, hpack.HeaderField{Name: ":scheme", Value: scheme})
		path := r.Target
		if r.Form == http1.AbsoluteForm {
			if u, err := r.URL(); err == nil {
				path = u.RequestURI()
			}
		}
		if path == "" {
			path = "/"
		}
		dst = enc.AppendField(dst, hpack.HeaderField{Name: ":path", Value: path})
	}
	if host := r.Host; host != "" {
		dst = enc.AppendField(dst, hpack.HeaderField{Name: ":authority", Value: host})
	}
	dst = appendRegularFields(dst, enc, &r.Header)
	if r.Body != nil && r.ContentLength > 0 && !r.Header.Has("content-length") {
		dst = enc.AppendField(dst, hpack.HeaderField{Name: "content-length", Value: strconv.FormatInt(r.ContentLength, 10)})
	}
	return dst
}

// appendRegularFields encodes the header's fields with lowercase names,
// leaving out the connection-specific ones and Host (sent as :authority).
func appendRegularFields(dst []byte, enc *hpack.Encoder, h *http1.Header) []byte {
	var lower []byte
	for _, f := range h.Fields() {
		lower = append(lower[:0], f.Name...)
		for i, c := range lower {
			if c >= 'A' && c <= 'Z' {
				lower[i] = c + 'a' - 'A'
			}
		}
		name := string(lower)
		if connectionSpecific(name) || name == "host" || (name == "te" && f.Value != "trailers") {
			continue
		}
		sensitive := name == "authorization" || name == "proxy-authorization" || (name == "cookie" && len(f.Value) < 20)
		dst = enc.AppendField(dst, hpack.HeaderField{Name: name, Value: f.Value, Sensitive: sensitive})
	}
	return dst
}

// appendResponseFields encodes a response's header block.
func appendResponseFields(dst []byte, enc *hpack.Encoder, status http1.Status, h *http1.Header) []byte {
	dst = enc.AppendField(dst, hpack.HeaderField{Name: ":status", Value: strconv.Itoa(int(status))})
	return appendRegularFields(dst, enc, h)
}

// decodeResponse builds a response from a decoded header block. It
// returns the status so the caller can tell an interim 1xx from the final
// response.
func decodeResponse(fields []hpack.Field) (*http1.Response, error) {
	resp := &http1.Response{Version: http1.HTTP20, ContentLength: -1}
	sawStatus, regular := false, false
	for _, f := range fields {
		if len(f.Name) > 0 && f.Name[0] == ':' {
			if regular || sawStatus || string(f.Name) != ":status" {
				return nil, ErrBadPseudo
			}
			code, err := strconv.Atoi(string(f.Value))
			if err != nil || code < 100 || code > 999 || len(f.Value) != 3 {
				return nil, ErrBadPseudo
			}
			sawStatus, resp.Status = true, http1.Status(code)
			continue
		}
		regular = true
		if err := checkFieldName(f.Name); err != nil {
			return nil, err
		}
		if connectionSpecific(string(f.Name)) {
			return nil, ErrConnectionSpecific
		}
		if err := checkFieldValue(f.Value); err != nil {
			return nil, err
		}
		resp.Header.Add(commonName(f.Name), string(f.Value))
	}
	if !sawStatus {
		return nil, ErrMissingPseudo
	}
	resp.Reason = resp.Status.Reason()
	if cl := resp.Header.Get("content-length"); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 {
			return nil, http1.ErrBadContentLength
		}
		resp.ContentLength = n
	}
	return resp, nil
}

// decodeTrailer builds a trailer section: regular fields only.
func decodeTrailer(fields []hpack.Field) (http1.Header, error) {
	var h http1.Header
	for _, f := range fields {
		if len(f.Name) > 0 && f.Name[0] == ':' {
			return h, ErrBadPseudo
		}
		if err := checkFieldName(f.Name); err != nil {
			return h, err
		}
		if err := checkFieldValue(f.Value); err != nil {
			return h, err
		}
		h.Add(string(f.Name), string(f.Value))
	}
	return h, nil
}
