package smtp

import "strconv"

// errorLimit caps how much of a bad input an error message quotes.
const errorLimit = 80

func quote(s string) string {
	if len(s) > errorLimit {
		s = s[:errorLimit] + "..."
	}
	return strconv.Quote(s)
}

// SyntaxError reports a command or parameter the codec could not parse. It
// carries the reply a server sends for it: 500 for an unrecognised command,
// 501 for bad arguments, 555 for an unknown or bad MAIL/RCPT parameter
// (RFC 5321 section 4.2.2, RFC 1869 section 6).
type SyntaxError struct {
	Verb     Verb         // the command, if it was recognised
	Code     int          // the reply code a server sends
	Enhanced EnhancedCode // the enhanced status code a server sends
	Msg      string       // what was wrong
	Input    string       // the offending text
}

// Error says which command and input were wrong.
func (e *SyntaxError) Error() string {
	s := "smtp: "
	if e.Verb != "" {
		s += string(e.Verb) + ": "
	}
	s += e.Msg
	if e.Input != "" {
		s += ": " + quote(e.Input)
	}
	return s
}

// Reply returns the reply a server sends for e.
func (e *SyntaxError) Reply() *Reply {
	return &Reply{Code: e.Code, Enhanced: e.Enhanced, Lines: []string{capitalize(e.Msg)}}
}

func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func syntaxErr(v Verb, msg, input string) *SyntaxError {
	return &SyntaxError{Verb: v, Code: 501, Enhanced: EnhancedCode{5, 5, 4}, Msg: msg, Input: input}
}

func addrErr(v Verb, msg, input string) *SyntaxError {
	ec := EnhancedCode{5, 1, 7} // bad sender's mailbox address syntax
	if v == VerbRCPT {
		ec = EnhancedCode{5, 1, 3} // bad destination mailbox address syntax
	}
	return &SyntaxError{Verb: v, Code: 501, Enhanced: ec, Msg: msg, Input: input}
}

func paramErr(v Verb, msg, input string) *SyntaxError {
	return &SyntaxError{Verb: v, Code: 555, Enhanced: EnhancedCode{5, 5, 4}, Msg: msg, Input: input}
}
