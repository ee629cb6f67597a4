package smtp

import "strings"

// Verb is an SMTP command name, such as MAIL or RCPT (RFC 5321 section 4.1.1).
// The wire form is case-insensitive; Verb values are upper case.
type Verb string

// The commands of RFC 5321 section 4.1.1 and of the extensions this package
// speaks.
const (
	VerbHELO     Verb = "HELO"     // RFC 5321 4.1.1.1, for old clients
	VerbEHLO     Verb = "EHLO"     // RFC 5321 4.1.1.1, extended hello
	VerbLHLO     Verb = "LHLO"     // RFC 2033 4.1, LMTP's EHLO
	VerbMAIL     Verb = "MAIL"     // RFC 5321 4.1.1.2, starts a transaction
	VerbRCPT     Verb = "RCPT"     // RFC 5321 4.1.1.3, one recipient
	VerbDATA     Verb = "DATA"     // RFC 5321 4.1.1.4, the message follows
	VerbBDAT     Verb = "BDAT"     // RFC 3030, a chunk of the message
	VerbRSET     Verb = "RSET"     // RFC 5321 4.1.1.5, abort the transaction
	VerbVRFY     Verb = "VRFY"     // RFC 5321 4.1.1.6
	VerbEXPN     Verb = "EXPN"     // RFC 5321 4.1.1.7
	VerbHELP     Verb = "HELP"     // RFC 5321 4.1.1.8
	VerbNOOP     Verb = "NOOP"     // RFC 5321 4.1.1.9
	VerbQUIT     Verb = "QUIT"     // RFC 5321 4.1.1.10
	VerbSTARTTLS Verb = "STARTTLS" // RFC 3207
	VerbAUTH     Verb = "AUTH"     // RFC 4954
)

// knownVerbs lists the verbs ParseCommand recognises.
var knownVerbs = [...]Verb{VerbHELO, VerbEHLO, VerbLHLO, VerbMAIL, VerbRCPT, VerbDATA,
	VerbBDAT, VerbRSET, VerbVRFY, VerbEXPN, VerbHELP, VerbNOOP, VerbQUIT, VerbSTARTTLS, VerbAUTH}

// lookupVerb returns the Verb spelled by s in any case.
func lookupVerb(s string) (Verb, bool) {
	for _, v := range knownVerbs {
		if strings.EqualFold(s, string(v)) {
			return v, true
		}
	}
	return "", false
}

// Extension is the keyword of a service extension as advertised in the EHLO
// reply (RFC 5321 section 4.1.1.1).
type Extension string

// The extensions this package implements.
const (
	ExtSize                Extension = "SIZE"                // RFC 1870
	Ext8BitMIME            Extension = "8BITMIME"            // RFC 6152
	ExtPipelining          Extension = "PIPELINING"          // RFC 2920
	ExtEnhancedStatusCodes Extension = "ENHANCEDSTATUSCODES" // RFC 2034
	ExtStartTLS            Extension = "STARTTLS"            // RFC 3207
	ExtAuth                Extension = "AUTH"                // RFC 4954
	ExtSMTPUTF8            Extension = "SMTPUTF8"            // RFC 6531
	ExtChunking            Extension = "CHUNKING"            // RFC 3030
	ExtBinaryMIME          Extension = "BINARYMIME"          // RFC 3030
	ExtDSN                 Extension = "DSN"                 // RFC 3461
)

// The default limits of RFC 5321 section 4.5.3.1. They are the minimum sizes
// every implementation must accept; see [Limits].
const (
	DefaultMaxLocalPart     = 64   // RFC 5321 4.5.3.1.1, octets in a local-part
	DefaultMaxDomain        = 255  // RFC 5321 4.5.3.1.2, octets in a domain
	DefaultMaxPath          = 256  // RFC 5321 4.5.3.1.3, octets in a path including the angle brackets
	DefaultMaxCommandLine   = 2048 // RFC 5321 4.5.3.1.4 says 512 with CRLF, and each extension parameter may add to it (RFC 1870 section 3, RFC 3461 section 4); 2048 covers every parameter of this package at its maximum
	DefaultMaxReplyLine     = 512  // RFC 5321 4.5.3.1.5, octets in a reply line including the code and CRLF
	DefaultMaxTextLine      = 1000 // RFC 5321 4.5.3.1.6, octets in a message line including CRLF
	DefaultMaxRecipients    = 100  // RFC 5321 4.5.3.1.8, recipients buffered for one message
	DefaultMaxMessageBytes  = 32 << 20
	maxXtextValue           = 500 // RFC 3461 section 4, the ORCPT and ENVID xtext limits are 500 and 100 octets
	maxEnvIDLength          = 100 // RFC 3461 section 4.4
	maxAuthParamValueLength = 500 // RFC 4954 section 5
)

// Limits holds the size limits of RFC 5321 section 4.5.3.1. The zero value
// of each field means the Default constant of the same name; a negative
// value disables that check, except for the two line lengths, which bound
// the server's buffers and always apply (negative means the default).
// Limits is a value type, safe to copy.
type Limits struct {
	MaxLocalPart   int // octets in the local-part of an address
	MaxDomain      int // octets in a domain name
	MaxPath        int // octets in a path, angle brackets included
	MaxCommandLine int // octets in a command line, CRLF included
	MaxReplyLine   int // octets in one reply line, CRLF included (the Client reads replies with DefaultMaxReplyLine)
	MaxTextLine    int // octets in one line of message text, CRLF included
	MaxRecipients  int // RCPT commands accepted for one message
}

func pick(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// pickLine is pick for the line lengths, which cannot be disabled.
func pickLine(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// withDefaults returns l with zero fields replaced by the defaults.
func (l Limits) withDefaults() Limits {
	return Limits{
		MaxLocalPart:   pick(l.MaxLocalPart, DefaultMaxLocalPart),
		MaxDomain:      pick(l.MaxDomain, DefaultMaxDomain),
		MaxPath:        pick(l.MaxPath, DefaultMaxPath),
		MaxCommandLine: pickLine(l.MaxCommandLine, DefaultMaxCommandLine),
		MaxReplyLine:   pickLine(l.MaxReplyLine, DefaultMaxReplyLine),
		MaxTextLine:    pickLine(l.MaxTextLine, DefaultMaxTextLine),
		MaxRecipients:  pick(l.MaxRecipients, DefaultMaxRecipients),
	}
}

// over reports whether n exceeds limit (a negative limit never does).
func over(n, limit int) bool { return limit >= 0 && n > limit }
