package http1

import (
	"context"
	"strings"
	"time"
)

// Validators are what a client or cache keeps to ask later "has this
// changed?" with a conditional request (RFC 9110, section 13): the
// entity tag and the modification time.
type Validators struct {
	ETag         string    // the ETag field, quotes included: `"a5b-52d015789ee9e"` or `W/"x"`
	LastModified time.Time // the Last-Modified field; zero when absent
}

// ValidatorsOf returns the validators in a response header.
func ValidatorsOf(h *Header) Validators {
	v := Validators{ETag: h.Get("ETag")}
	if lm := h.Get("Last-Modified"); lm != "" {
		if t, err := ParseDate(lm); err == nil {
			v.LastModified = t
		}
	}
	return v
}

// IsZero reports whether there is nothing to validate with.
func (v Validators) IsZero() bool { return v.ETag == "" && v.LastModified.IsZero() }

// Apply makes req conditional: If-None-Match with the ETag and
// If-Modified-Since with the modification time (RFC 9110, sections
// 13.1.2 and 13.1.3). A server answers 304 Not Modified, without content,
// when neither changed.
func (v Validators) Apply(req *Request) {
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if !v.LastModified.IsZero() {
		req.Header.Set("If-Modified-Since", FormatDate(v.LastModified))
	}
}

// ConditionalGet is the conditional GET of the lesson: it fetches rawURL
// with If-None-Match / If-Modified-Since from v. A response with Status
// 304 means the copy the caller holds is still good (its Body is empty);
// a 200 carries the new object.
func (c *Client) ConditionalGet(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	req, err := NewRequest(ctx, MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	v.Apply(req)
	return c.Do(req)
}

// checkPreconditions evaluates a request's conditional fields against a
// resource's current validators, in the order of RFC 9110, section
// 13.2.2. It returns 0 to go on, 304 Not Modified, or 412 Precondition
// Failed.
func checkPreconditions(r *Request, etag string, modtime time.Time) Status {
	modtime = modtime.Truncate(time.Second)
	if im, ok := r.Header.Lookup("If-Match"); ok {
		if !etagListMatch(im, etag, true) {
			return StatusPreconditionFailed
		}
	} else if ius := r.Header.Get("If-Unmodified-Since"); ius != "" && !modtime.IsZero() {
		if t, err := ParseDate(ius); err == nil && modtime.After(t) {
			return StatusPreconditionFailed
		}
	}
	getOrHead := r.Method == MethodGet || r.Method == MethodHead
	if inm, ok := r.Header.Lookup("If-None-Match"); ok {
		if etagListMatch(inm, etag, false) {
			if getOrHead {
				return StatusNotModified
			}
			return StatusPreconditionFailed
		}
		return 0
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && getOrHead && !modtime.IsZero() {
		if t, err := ParseDate(ims); err == nil && !modtime.After(t) {
			return StatusNotModified
		}
	}
	return 0
}

// etagListMatch reports whether the field value list ("*" or entity tags)
// matches etag, with the strong or weak comparison (RFC 9110, 8.8.3.2).
func etagListMatch(list, etag string, strong bool) bool {
	if etag == "" {
		return false
	}
	if trimOWS(list) == "*" {
		return true
	}
	for _, t := range strings.Split(list, ",") {
		t = trimOWS(t)
		if strong {
			if t == etag && !strings.HasPrefix(t, "W/") {
				return true
			}
		} else if strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}
