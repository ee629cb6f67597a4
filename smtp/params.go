package smtp

import (
	"strconv"
	"strings"
)

// Body is the BODY parameter of MAIL: how the message content is encoded
// (RFC 6152 section 2, RFC 3030 section 3).
type Body string

// The BODY values.
const (
	Body7Bit       Body = "7BIT"
	Body8BitMIME   Body = "8BITMIME"
	BodyBinaryMIME Body = "BINARYMIME" // needs BDAT (RFC 3030 section 3)
)

// DSNReturn is the RET parameter of MAIL: how much of the message a failure
// notification returns (RFC 3461 section 4.3).
type DSNReturn string

// The RET values.
const (
	ReturnFull    DSNReturn = "FULL"
	ReturnHeaders DSNReturn = "HDRS"
)

// Notify is the NOTIFY parameter of RCPT, a set of conditions for a delivery
// status notification (RFC 3461 section 4.1). The zero value means "not
// given", which leaves the choice to the MTA (failures and delays).
type Notify uint8

// The NOTIFY conditions. NotifyNever excludes the others.
const (
	NotifyNever Notify = 1 << iota
	NotifySuccess
	NotifyFailure
	NotifyDelay
)

var notifyNames = [...]struct {
	n    Notify
	name string
}{{NotifyNever, "NEVER"}, {NotifySuccess, "SUCCESS"}, {NotifyFailure, "FAILURE"}, {NotifyDelay, "DELAY"}}

// String returns the wire form, "SUCCESS,FAILURE".
func (n Notify) String() string {
	var parts []string
	for _, nn := range notifyNames {
		if n&nn.n != 0 {
			parts = append(parts, nn.name)
		}
	}
	return strings.Join(parts, ",")
}

// MailOptions holds the ESMTP parameters of a MAIL command.
type MailOptions struct {
	Size       int64     // SIZE, the declared message size in octets (RFC 1870); 0 if not given
	Body       Body      // BODY (RFC 6152, RFC 3030); "" if not given
	UTF8       bool      // SMTPUTF8 (RFC 6531 section 3.4)
	Return     DSNReturn // RET (RFC 3461 section 4.3); "" if not given
	EnvelopeID string    // ENVID, decoded from xtext (RFC 3461 section 4.4); "" if not given
	Auth       string    // AUTH, the authenticated submitter, decoded from xtext, or "<>" (RFC 4954 section 5); "" if not given
}

// RcptOptions holds the ESMTP parameters of a RCPT command.
type RcptOptions struct {
	Notify Notify // NOTIFY (RFC 3461 section 4.1); 0 if not given
	// ORCPT, the original recipient (RFC 3461 section 4.2): its address
	// type ("rfc822") and the address decoded from xtext. Both "" if not given.
	OriginalRecipientType string
	OriginalRecipient     string
}

// Mail is a parsed MAIL command: the reverse-path and its parameters.
type Mail struct {
	From    string // the sender's address; "" for the null reverse-path "<>" of bounces
	Options MailOptions
}

// Rcpt is a parsed RCPT command.
type Rcpt struct {
	To      string
	Options RcptOptions
}

// ParseMail parses the argument of MAIL (the text after "FROM:") with the
// default [Limits].
func ParseMail(arg string) (Mail, error) { return Limits{}.ParseMail(arg) }

// ParseRcpt parses the argument of RCPT (the text after "TO:") with the
// default [Limits].
func ParseRcpt(arg string) (Rcpt, error) { return Limits{}.ParseRcpt(arg) }

// ParseMail parses the argument of MAIL, "<path> [SP params]" (RFC 5321
// section 4.1.1.2). Unknown or repeated parameters are refused with 555.
func (l Limits) ParseMail(arg string) (Mail, error) {
	lim := l.withDefaults()
	inner, rest, err := splitPath(VerbMAIL, arg)
	if err != nil {
		return Mail{}, err
	}
	var m Mail
	if inner != "" {
		if m.From, err = parseAddress(VerbMAIL, inner, lim); err != nil {
			return Mail{}, err
		}
	}
	err = eachParam(VerbMAIL, rest, func(key, val string, hasVal bool) error {
		o := &m.Options
		switch key {
		case "SIZE":
			n, err := strconv.ParseUint(val, 10, 63)
			if err != nil || len(val) > 20 || strings.ContainsAny(val, "+-") {
				return paramErr(VerbMAIL, "bad SIZE value", val)
			}
			o.Size = int64(n)
		case "BODY":
			switch b := Body(strings.ToUpper(val)); b {
			case Body7Bit, Body8BitMIME, BodyBinaryMIME:
				o.Body = b
			default:
				return paramErr(VerbMAIL, "bad BODY value", val)
			}
		case "SMTPUTF8":
			if hasVal {
				return paramErr(VerbMAIL, "SMTPUTF8 takes no value", val)
			}
			o.UTF8 = true
		case "RET":
			switch r := DSNReturn(strings.ToUpper(val)); r {
			case ReturnFull, ReturnHeaders:
				o.Return = r
			default:
				return paramErr(VerbMAIL, "bad RET value", val)
			}
		case "ENVID":
			id, ok := DecodeXtext(val)
			if !ok || id == "" || len(id) > maxEnvIDLength {
				return paramErr(VerbMAIL, "bad ENVID value", val)
			}
			o.EnvelopeID = id
		case "AUTH":
			if val == "<>" {
				o.Auth = val
				break
			}
			a, ok := DecodeXtext(val)
			if !ok || a == "" || len(a) > maxAuthParamValueLength {
				return paramErr(VerbMAIL, "bad AUTH value", val)
			}
			o.Auth = a
		default:
			return paramErr(VerbMAIL, "unrecognized parameter", key)
		}
		if !hasVal && key != "SMTPUTF8" {
			return paramErr(VerbMAIL, key+" needs a value", key)
		}
		return nil
	})
	if err != nil {
		return Mail{}, err
	}
	return m, nil
}

// ParseRcpt parses the argument of RCPT, "<path> [SP params]" (RFC 5321
// section 4.1.1.3).
func (l Limits) ParseRcpt(arg string) (Rcpt, error) {
	lim := l.withDefaults()
	inner, rest, err := splitPath(VerbRCPT, arg)
	if err != nil {
		return Rcpt{}, err
	}
	var r Rcpt
	if r.To, err = parseAddress(VerbRCPT, inner, lim); err != nil {
		return Rcpt{}, err
	}
	err = eachParam(VerbRCPT, rest, func(key, val string, hasVal bool) error {
		if !hasVal {
			return paramErr(VerbRCPT, key+" needs a value", key)
		}
		o := &r.Options
		switch key {
		case "NOTIFY":
			var n Notify
		next:
			for _, part := range strings.Split(val, ",") {
				for _, nn := range notifyNames {
					if strings.EqualFold(part, nn.name) && n&nn.n == 0 {
						n |= nn.n
						continue next
					}
				}
				return paramErr(VerbRCPT, "bad NOTIFY value", val)
			}
			if n&NotifyNever != 0 && n != NotifyNever {
				return paramErr(VerbRCPT, "NOTIFY=NEVER excludes other values", val)
			}
			o.Notify = n
		case "ORCPT":
			typ, addr, ok := strings.Cut(val, ";")
			if !ok || typ == "" || !isKeyword(typ) {
				return paramErr(VerbRCPT, "bad ORCPT value", val)
			}
			dec, ok := DecodeXtext(addr)
			if !ok || dec == "" || len(val) > maxXtextValue {
				return paramErr(VerbRCPT, "bad ORCPT value", val)
			}
			o.OriginalRecipientType, o.OriginalRecipient = typ, dec
		default:
			return paramErr(VerbRCPT, "unrecognized parameter", key)
		}
		return nil
	})
	if err != nil {
		return Rcpt{}, err
	}
	return r, nil
}

func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}

// eachParam calls f for each "keyword[=value]" of an ESMTP parameter list
// (RFC 5321 section 4.1.2, esmtp-param), with the keyword in upper case, and
// refuses a keyword given twice.
func eachParam(v Verb, s string, f func(key, val string, hasVal bool) error) error {
	if s != "" && s[0] != ' ' {
		return syntaxErr(v, "expected space after address", s)
	}
	var seen []string
	for _, p := range strings.Fields(s) {
		key, val, hasVal := strings.Cut(p, "=")
		if !isKeyword(key) {
			return paramErr(v, "bad parameter", p)
		}
		key = strings.ToUpper(key)
		for _, k := range seen {
			if k == key {
				return paramErr(v, "repeated parameter", key)
			}
		}
		seen = append(seen, key)
		for i := 0; i < len(val); i++ {
			if val[i] < '!' || val[i] > '~' || val[i] == '=' {
				return paramErr(v, "bad parameter value", p)
			}
		}
		if hasVal && val == "" {
			return paramErr(v, "empty parameter value", p)
		}
		if err := f(key, val, hasVal); err != nil {
			return err
		}
	}
	return nil
}

// Arg returns the argument of the MAIL command for m, the text after
// "MAIL FROM:".
func (m Mail) Arg() string {
	b := []byte{'<'}
	b = append(b, m.From...)
	b = append(b, '>')
	o := m.Options
	if o.Size > 0 {
		b = append(b, " SIZE="...)
		b = strconv.AppendInt(b, o.Size, 10)
	}
	if o.Body != "" {
		b = append(b, " BODY="...)
		b = append(b, o.Body...)
	}
	if o.UTF8 {
		b = append(b, " SMTPUTF8"...)
	}
	if o.Return != "" {
		b = append(b, " RET="...)
		b = append(b, o.Return...)
	}
	if o.EnvelopeID != "" {
		b = append(b, " ENVID="...)
		b = append(b, EncodeXtext(o.EnvelopeID)...)
	}
	if o.Auth == "<>" {
		b = append(b, " AUTH=<>"...)
	} else if o.Auth != "" {
		b = append(b, " AUTH="...)
		b = append(b, EncodeXtext(o.Auth)...)
	}
	return string(b)
}

// Arg returns the argument of the RCPT command for r, the text after
// "RCPT TO:".
func (r Rcpt) Arg() string {
	b := []byte{'<'}
	b = append(b, r.To...)
	b = append(b, '>')
	o := r.Options
	if o.Notify != 0 {
		b = append(b, " NOTIFY="...)
		b = append(b, o.Notify.String()...)
	}
	if o.OriginalRecipient != "" {
		b = append(b, " ORCPT="...)
		b = append(b, o.OriginalRecipientType...)
		b = append(b, ';')
		b = append(b, EncodeXtext(o.OriginalRecipient)...)
	}
	return string(b)
}
