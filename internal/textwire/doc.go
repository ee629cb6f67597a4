// Package textwire is the CRLF line layer shared by the text protocols of
// this module (FTP, SMTP, POP3, IMAP): bounded line reading, three-digit
// reply codes with multi-line continuation, and the dot-stuffed data blocks
// that end with a line holding a single period.
//
// Every read is bounded: a line longer than [Reader.MaxLineLength] is an
// error ([ErrLineTooLong]) and nothing past the limit is buffered; a data
// block past its byte limit is drained to its end, within a bound, and
// reported as [ErrMessageTooLarge], so the session can answer and go on.
// The reply parser ([ParseReplyLine]) and [AppendReply] are pure functions.
package textwire
