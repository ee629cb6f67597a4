package imap

import "strconv"

// Response is one server response (RFC 9051 section 7): a status response
// (tagged or untagged OK, NO, BAD, PREAUTH, BYE), an untagged data response
// (CAPABILITY, LIST, 3 EXISTS, 5 FETCH ...), or a continuation request ("+").
type Response struct {
	// Tag is "*" for untagged responses, "+" for a continuation request,
	// and the command's tag for its completion result.
	Tag string

	// Status is set for status responses; Code and CodeArgs hold the
	// response code in brackets, Text the human-readable text. A
	// continuation request keeps its text in Text too.
	Status   StatusType
	Code     string
	CodeArgs []Value
	Text     string

	// Num is the number in front of message data: "* 3 EXISTS",
	// "* 5 FETCH (...)", "* 2 EXPUNGE". Zero when there is none.
	Num uint32
	// Name is the upper-case name of a data response ("FETCH", "LIST").
	Name string
	// Args are the values after Name.
	Args []Value
}

// Err returns the status response as an *Error, or nil when it is OK or
// PREAUTH.
func (r *Response) Err() error {
	if r.Status == StatusOK || r.Status == StatusPREAUTH || r.Status == "" {
		return nil
	}
	return &Error{Type: r.Status, Code: r.Code, Args: r.CodeArgs, Text: r.Text}
}

// ReadResponse reads one response, literals included.
func ReadResponse(r *Reader) (*Response, error) {
	r.Reset()
	c, err := r.peek()
	if err != nil {
		return nil, err
	}
	resp := &Response{}
	if c == '+' {
		r.readByte()
		resp.Tag = "+"
		if c, err := r.peek(); err == nil && c == ' ' {
			r.readByte()
		}
		if resp.Text, err = r.Text(); err != nil {
			return nil, err
		}
		return resp, r.CRLF()
	}
	if c == '*' {
		r.readByte()
		resp.Tag = "*"
	} else if resp.Tag, err = readTag(r); err != nil {
		return nil, err
	}
	if err := r.SP(); err != nil {
		return nil, err
	}
	name, err := r.Atom()
	if err != nil {
		return nil, err
	}
	if st, ok := parseStatusType(name); ok {
		resp.Status = st
		return resp, readRespText(r, resp)
	}
	if resp.Tag != "*" {
		return nil, syntaxErr("expected OK, NO or BAD", []byte(name))
	}
	if n, ok := Atom(name).Number(); ok {
		if n > 0xffffffff {
			return nil, syntaxErr("bad message number", []byte(name))
		}
		resp.Num = uint32(n)
		if err := r.SP(); err != nil {
			return nil, err
		}
		if name, err = r.Atom(); err != nil {
			return nil, err
		}
	}
	resp.Name = upper(name)
	if r.AtEOL() {
		return resp, r.CRLF()
	}
	if err := r.SP(); err != nil {
		return nil, err
	}
	resp.Args, err = r.Values()
	return resp, err
}

// readRespText reads [SP ["[" code "]" SP] text] CRLF.
func readRespText(r *Reader, resp *Response) error {
	if r.AtEOL() {
		return r.CRLF()
	}
	if err := r.SP(); err != nil {
		return err
	}
	if c, _ := r.peek(); c == '[' {
		r.readByte()
		code, err := r.Atom()
		if err != nil {
			return err
		}
		resp.Code = upper(code)
		for {
			c, err := r.peek()
			if err != nil {
				return unexpectedEOF(err)
			}
			if c == ']' {
				r.readByte()
				break
			}
			if err := r.SP(); err != nil {
				return err
			}
			if c, _ := r.peek(); c == ']' {
				continue
			}
			v, err := r.Value()
			if err != nil {
				return err
			}
			resp.CodeArgs = append(resp.CodeArgs, v)
		}
		if c, err := r.peek(); err == nil && c == ' ' {
			r.readByte()
		}
	}
	var err error
	if resp.Text, err = r.Text(); err != nil {
		return err
	}
	return r.CRLF()
}

// AppendResponse appends the wire form of resp, CRLF included.
func AppendResponse(b []byte, resp *Response) []byte {
	b = append(b, resp.Tag...)
	if resp.Tag == "+" {
		b = append(b, ' ')
		b = append(b, resp.Text...)
		return append(b, "\r\n"...)
	}
	b = append(b, ' ')
	if resp.Status != "" {
		b = append(b, resp.Status...)
		if resp.Code != "" {
			b = append(b, " ["...)
			b = append(b, resp.Code...)
			for _, a := range resp.CodeArgs {
				b = append(b, ' ')
				b = AppendValue(b, a)
			}
			b = append(b, ']')
		}
		if resp.Text != "" {
			b = append(b, ' ')
			b = append(b, resp.Text...)
		}
		return append(b, "\r\n"...)
	}
	if resp.Num != 0 || resp.Name == "EXISTS" || resp.Name == "RECENT" {
		b = strconv.AppendUint(b, uint64(resp.Num), 10)
		b = append(b, ' ')
	}
	b = append(b, resp.Name...)
	for _, a := range resp.Args {
		b = append(b, ' ')
		b = AppendValue(b, a)
	}
	return append(b, "\r\n"...)
}
