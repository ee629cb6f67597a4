package smtp

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
)

// SASL mechanisms (RFC 4954 with RFC 4616 PLAIN; LOGIN is the old
// draft-murchison-sasl-login that many clients still use).
const (
	MechPlain = "PLAIN"
	MechLogin = "LOGIN"
)

var errAuthCancelled = &Reply{Code: 501, Enhanced: EnhancedCode{5, 0, 0}, Lines: []string{"Authentication cancelled"}}

// handleAuth runs "AUTH mechanism [initial-response]" (RFC 4954 section 4).
func (c *Conn) handleAuth(ctx context.Context, arg string) (quit bool) {
	as, ok := c.sess.(AuthSession)
	switch {
	case !ok:
		c.reply(ErrNotImplemented)
		return false
	case c.helo == "" || !c.esmtp:
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Send EHLO first"}})
		return false
	case c.authUser != "":
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Already authenticated"}})
		return false
	case c.mail != nil:
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"AUTH not allowed during a mail transaction"}})
		return false
	case c.tlsState == nil && !c.srv.AllowInsecureAuth:
		c.reply(&Reply{Code: 538, Enhanced: EnhancedCode{5, 7, 11}, Lines: []string{"Encryption required for requested authentication mechanism"}})
		return false
	}
	mech, initial, hasInitial := strings.Cut(arg, " ")
	mech = strings.ToUpper(mech)
	var identity, user, pass string
	var err error
	switch mech {
	case MechPlain:
		var resp []byte
		if resp, err = c.saslStep("", initial, hasInitial); err == nil {
			identity, user, pass, err = parsePlain(resp)
		}
	case MechLogin:
		var u, p []byte
		if u, err = c.saslStep("Username:", initial, hasInitial); err == nil {
			if p, err = c.saslStep("Password:", "", false); err == nil {
				user, pass = string(u), string(p)
			}
		}
	default:
		c.reply(&Reply{Code: 504, Enhanced: EnhancedCode{5, 5, 4}, Lines: []string{"Unrecognized authentication type"}})
		return false
	}
	if err != nil {
		if errors.Is(err, errConnBroken) {
			return true
		}
		c.replyErr(err)
		return false
	}
	if err := as.Auth(ctx, identity, user, pass); err != nil {
		var r *Reply
		if !errors.As(err, &r) {
			r = ErrAuthFailed
		}
		c.reply(r)
		return false
	}
	c.authUser = user
	c.reply(&Reply{Code: 235, Enhanced: EnhancedCode{2, 7, 0}, Lines: []string{"Authentication successful"}})
	return false
}

var errConnBroken = errors.New("smtp: connection broken")

var errBadBase64 = &Reply{Code: 501, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Cannot decode response"}}

// saslStep returns the client's decoded response: the initial response when
// given ("=" is an empty one), or the line answering a 334 challenge.
func (c *Conn) saslStep(challenge, initial string, hasInitial bool) ([]byte, error) {
	text := initial
	if !hasInitial {
		c.reply(&Reply{Code: 334, Lines: []string{base64.StdEncoding.EncodeToString([]byte(challenge))}})
		if err := c.w.Flush(); err != nil {
			return nil, errConnBroken
		}
		line, err := c.r.ReadLine()
		if err != nil {
			return nil, errConnBroken
		}
		text = string(line)
	}
	if text == "*" {
		return nil, errAuthCancelled
	}
	if text == "=" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, errBadBase64
	}
	return b, nil
}

// parsePlain splits a PLAIN response, authzid NUL authcid NUL passwd
// (RFC 4616 section 2).
func parsePlain(b []byte) (identity, user, pass string, err error) {
	parts := bytes.Split(b, []byte{0})
	if len(parts) != 3 || len(parts[1]) == 0 {
		return "", "", "", &Reply{Code: 501, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Malformed PLAIN response"}}
	}
	return string(parts[0]), string(parts[1]), string(parts[2]), nil
}
